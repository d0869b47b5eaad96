/**
 * Starts the real server for bench/api-latency.ts: `server/start.ts --web`
 * with ROBUSTLAB_WEB_PROCESSES set, on the benchmark database, without the
 * demo and training workers, and reads the CPU time of all its processes
 * from /proc (Linux only).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/start-process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Failure bound of the start, which may include `next build`, in ms. */
const START_TIMEOUT_MS = 600_000;

/** A running `server/start.ts --web`. */
export interface ServerProcesses {
  /** URL of /graphql. */
  endpoint: string;
  /** User plus system CPU time so far of the main process and every process below it, in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** User plus system CPU time of one process from /proc/PID/stat, in ms. */
function cpuMsOfStat(stat: string): number {
  // Fields after the command name, which is in parentheses and may contain spaces. utime and stime are fields 14 and 15 in proc(5).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

/**
 * CPU time of each Postgres backend connected to `database` on this machine,
 * by process id, in ms. Postgres names a backend `postgres: … USER DATABASE
 * HOST(PORT) STATE` in its command line.
 */
export async function postgresBackendCpuMs(database: string): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (!commandLine.startsWith('postgres: ') || !commandLine.includes(` ${database} `)) continue;
      result.set(Number(entry), cpuMsOfStat(await readFile(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // The process ended while it was read.
    }
  }
  return result;
}

/** CPU time of one process and, recursively, of its live children, in ms; 0 for a process that has exited. */
async function processTreeCpuMs(pid: number): Promise<number> {
  let stat: string;
  let children: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return 0;
  }
  const own = cpuMsOfStat(stat);
  const childPids = children.trim().split(/\s+/).filter((value) => value !== '').map(Number);
  const childTimes = await Promise.all(childPids.map((child) => processTreeCpuMs(child)));
  return own + childTimes.reduce((sum, value) => sum + value, 0);
}

/** Starts `server/start.ts --web` with `webProcesses` web processes on `databaseUrl` and resolves once it serves. */
export async function startServerProcesses({ databaseUrl, webProcesses }: { databaseUrl: string; webProcesses: number }): Promise<ServerProcesses> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts', '--web'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      ROBUSTLAB_WEB_PROCESSES: String(webProcesses),
      ROBUSTLAB_DEMO: '0',
      ROBUSTLAB_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server/start.ts did not serve within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('Robustlab is running at')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`server/start.ts exited with code ${code} before it served; its errors are above.`)));
  });

  return {
    endpoint: `http://127.0.0.1:${port}/graphql`,
    cpuMs: () => processTreeCpuMs(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
