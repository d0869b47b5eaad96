import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { startEmbeddedPostgres } from '../server/embedded-db.ts';
import { findRunningPostmaster } from '../server/postmaster.ts';

const EMBEDDED_DB = fileURLToPath(new URL('../server/embedded-db.ts', import.meta.url));
const logger = pino({ level: 'silent' });

let dataDir: string | undefined;
let owner: ChildProcess | undefined;

afterAll(async () => {
  if (owner?.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  if (dataDir) {
    const pid = await findRunningPostmaster(path.join(dataDir, 'postgres'));
    if (pid !== null) process.kill(pid, 'SIGQUIT');
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Starts the embedded Postgres in another Node.js process and resolves once it runs. */
function startOwner(folder: string): Promise<ChildProcess> {
  const code = `
    import { startEmbeddedPostgres } from ${JSON.stringify(EMBEDDED_DB)};
    await startEmbeddedPostgres({ dataDir: ${JSON.stringify(folder)}, logger: { info() {}, warn() {}, debug() {}, error() {} } });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (exitCode) => reject(new Error(`The owner process exited with code ${exitCode} before Postgres ran.`)));
  });
}

describe('embedded Postgres ownership', () => {
  test('running owner blocks a second start', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-orphan-'));
    // When running as root, Postgres runs as the `postgres` user, which must reach the folder.
    await chmod(dataDir, 0o755);
    owner = await startOwner(dataDir);

    await expect(startEmbeddedPostgres({ dataDir, logger })).rejects.toThrow(`in use by Robustlab process ${owner.pid}`);
  });

  test('orphan of a killed owner is stopped on the next start', async () => {
    const databaseDir = path.join(dataDir!, 'postgres');
    const orphan = await findRunningPostmaster(databaseDir);
    expect(orphan).not.toBeNull();

    const exited = new Promise((resolve) => owner!.once('exit', resolve));
    owner!.kill('SIGKILL');
    await exited;
    // Postgres runs in its own session, so it outlives the killed process.
    expect(await findRunningPostmaster(databaseDir)).toBe(orphan);

    const embedded = await startEmbeddedPostgres({ dataDir: dataDir!, logger });
    try {
      const running = await findRunningPostmaster(databaseDir);
      expect(running).not.toBeNull();
      expect(running).not.toBe(orphan);
    } finally {
      await embedded.stop();
    }
    expect(await findRunningPostmaster(databaseDir)).toBeNull();
  });
});
