import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { TRAINING_STOP_GRACE_MS } from '../worker/pool.ts';
import { freePort } from './helpers/start-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Failure bound for a hung shutdown, not a speed target. */
const EXIT_BOUND_MS = 15_000;

let dataDir: string | undefined;
let child: ChildProcess | undefined;
const dataDirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const started of children) {
    if (started.pid !== undefined && started.exitCode === null && started.signalCode === null) process.kill(-started.pid, 'SIGKILL');
  }
  for (const folder of dataDirs) await rm(folder, { recursive: true, force: true });
});

/** Returns whether any process of the group that `leader` leads is still alive. */
function groupAlive(leader: number): boolean {
  try {
    process.kill(-leader, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(description: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (child?.exitCode !== null) throw new Error(`npm start exited while waiting for ${description}.`);
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function runningInstances(): Promise<number> {
  const state = JSON.parse(await readFile(path.join(dataDir!, 'postgres.json'), 'utf8')) as { port: number; password: string };
  const client = new pg.Client({ host: '127.0.0.1', port: state.port, user: 'postgres', password: state.password, database: 'robustlab' });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>("SELECT count(*) AS count FROM instances WHERE status = 'running'");
    return Number(result.rows[0].count);
  } catch {
    return 0; // The tables do not exist until the migrations ran.
  } finally {
    await client.end();
  }
}

describe.each([1, 2])('npm start with ROBUSTLAB_WEB_PROCESSES=%i', (webProcesses) => {
  test('Ctrl-C during training exits cleanly', { timeout: 600_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-start-signal-'));
    dataDirs.push(dataDir);
    // When running as root, Postgres runs as the `postgres` user, which must reach the folder.
    await chmod(dataDir, 0o755);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      WORKER_CONCURRENCY: '1',
      ROBUSTLAB_WEB_PROCESSES: String(webProcesses),
      ROBUSTLAB_DATA_DIR: dataDir,
      ROBUSTLAB_DEMO: '1',
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    delete env.ROBUSTLAB_LOG_FORMAT;

    // `npm start` runs this tsx command. Its own process group, like a terminal's foreground job;
    // npm itself is left out because it exits on SIGINT without waiting for its child.
    child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['server/start.ts'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | string>((resolve) => child!.once('exit', (code, signal) => resolve(code ?? `signal ${signal}`)));

    // The first start may run `next build`, which takes minutes.
    await waitFor('the start-up line', () => output.includes('Robustlab is running at'), 480_000);
    await waitFor('a running training of the demo experiment', async () => existsSync(path.join(dataDir!, 'postgres.json')) && (await runningInstances()) > 0, 90_000);

    process.kill(-child.pid!, 'SIGINT');
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), EXIT_BOUND_MS).unref());
    const code = await Promise.race([exited, timeout]);

    const logText = await readFile(path.join(dataDir, 'logs', 'robustlab.log'), 'utf8').catch(() => '');
    expect(code, `${output}\n--- log file ---\n${logText.slice(-5000)}`).toBe(0);
    expect(output).not.toContain('"level":50');
    expect(output).not.toMatch(/^ERROR /m);
    const logFile = await readFile(path.join(dataDir, 'logs', 'robustlab.log'), 'utf8');
    expect(logFile).not.toContain('"level":50');
    expect(logFile).toContain('embedded Postgres stopped');

    // The console is for people: start-up lines and the demo password, no JSON info lines of the workers.
    expect(output).toContain('Demo sign-in: demo@robustlab.local / ');
    expect(output).not.toContain('"level":30');
    expect(output).not.toContain('0 of 0 planned trainings');
    expect(logFile).toContain('"msg":"job started"');

    // Ctrl-C prints at once that the stop may take a while, and prints a line when it is done.
    const stoppingLine = `Stopping: waiting up to ${TRAINING_STOP_GRACE_MS / 1000} s for running trainings…`;
    expect(output).toContain(`${stoppingLine}\n`);
    expect(output).toContain('Stopped.\n');
    expect(output.indexOf(stoppingLine)).toBeLessThan(output.lastIndexOf('Stopped.'));
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    // No web process or training worker process outlives `npm start`; Postgres runs in a session of its own.
    const exitedAt = Date.now();
    while (groupAlive(child.pid!) && Date.now() - exitedAt < 5000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(groupAlive(child.pid!)).toBe(false);
    const webReady = logFile.split('\n').filter((line) => line.includes('"msg":"web process ready"'));
    expect(webReady).toHaveLength(webProcesses === 1 ? 0 : webProcesses);
  });
});
