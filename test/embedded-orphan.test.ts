import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { startEmbeddedPostgres } from '../server/embedded-db.ts';
import { findRunningPostmaster } from '../server/postmaster.ts';
import { freePort, spawnStart, waitFor, type StartProcess } from './helpers/start-process.ts';

const EMBEDDED_DB = fileURLToPath(new URL('../server/embedded-db.ts', import.meta.url));
const logger = pino({ level: 'silent' });

let dataDir: string | undefined;
let owner: ChildProcess | undefined;
let clusterDataDir: string | undefined;
const starts: StartProcess[] = [];

afterAll(async () => {
  if (owner?.exitCode === null && owner.signalCode === null) owner.kill('SIGKILL');
  for (const start of starts) if (start.groupAlive()) start.signalGroup('SIGKILL');
  for (const folder of [dataDir, clusterDataDir]) {
    if (!folder) continue;
    const pid = await findRunningPostmaster(path.join(folder, 'postgres'));
    if (pid !== null) process.kill(pid, 'SIGQUIT');
    await rm(folder, { recursive: true, force: true });
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

  test('killed main process takes its web processes along', { timeout: 600_000 }, async () => {
    clusterDataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-orphan-web-'));
    await chmod(clusterDataDir, 0o755);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      ROBUSTLAB_WEB_PROCESSES: '2',
      ROBUSTLAB_DEMO: '0',
      ROBUSTLAB_DATA_DIR: clusterDataDir,
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    delete env.ROBUSTLAB_LOG_FORMAT;
    const first = spawnStart(['--web'], env);
    starts.push(first);
    // The first start may run `next build`, which takes minutes.
    await waitFor(first, 'the start-up line', () => first.output().includes('(2 web processes)'), 480_000);
    const databaseDir = path.join(clusterDataDir, 'postgres');
    const orphan = await findRunningPostmaster(databaseDir);
    expect(orphan).not.toBeNull();

    first.child.kill('SIGKILL');
    await first.exited;
    // The web processes notice the closed channel to the main process and exit; Postgres, in a session of its own, stays.
    await waitFor(null, 'the web processes to exit', () => !first.groupAlive(), 10_000);
    expect(await findRunningPostmaster(databaseDir)).toBe(orphan);

    const second = spawnStart(['--web'], env);
    starts.push(second);
    await waitFor(second, 'the second start-up line', () => second.output().includes('(2 web processes)'), 480_000);
    const running = await findRunningPostmaster(databaseDir);
    expect(running).not.toBeNull();
    expect(running).not.toBe(orphan);

    second.signalGroup('SIGINT');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('Stopped.');
    expect(await findRunningPostmaster(databaseDir)).toBeNull();
    await waitFor(null, 'the second start to end', () => !second.groupAlive(), 5000);
  });
});
