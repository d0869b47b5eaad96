/**
 * Starts the whole Robustlab stack for the Playwright tests. It creates a
 * fresh database `robustlab_e2e_<random>` on the test Postgres server,
 * migrates it and adds the e2e user and study. Then it runs server/start.ts on
 * a free port and prints the ready line once /graphql and the dashboard
 * respond. On SIGTERM or SIGINT it stops the server and drops the database.
 *
 * Usage: node --import tsx e2e/start-stack.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createUser } from '../server/auth/users.ts';
import { createPrisma } from '../server/db.ts';
import { runMigrations } from '../server/migrate.ts';
import { E2E_MEMBER, E2E_STUDY, E2E_USER } from './stack-constants.ts';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 10_000;

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(connectionString: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function seedUserAndStudy(url: string): Promise<void> {
  const db = createPrisma(url, { max: 2 });
  try {
    const user = await createUser({ db, ...E2E_USER, isAdmin: false });
    const member = await createUser({ db, ...E2E_MEMBER, isAdmin: false });
    await db.study.create({
      data: {
        ...E2E_STUDY,
        memberships: { create: [{ userId: user.id, role: 'owner' }, { userId: member.id, role: 'editor' }] },
      },
    });
  } finally {
    await db.$disconnect();
  }
}

async function waitUntilReady(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server/start.ts exited with code ${server.exitCode} before it was ready`);
    try {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      });
      const page = await fetch(`${baseUrl}/sign-in`);
      if (response.ok && page.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${baseUrl} did not respond within ${READY_TIMEOUT_MS / 1000} s; the server output is above`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL;
  const name = `robustlab_e2e_${randomBytes(5).toString('hex')}`;
  const url = databaseUrl(serverUrl, name);

  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const dropDatabase = () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

  let server: ChildProcess | null = null;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (server) await stopServer(server);
    await dropDatabase().catch((error: Error) => console.error(`Dropping database ${name} failed: ${error.message}`));
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  try {
    await runMigrations({ connectionString: url });
    await seedUserAndStudy(url);

    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
      cwd: PROJECT_DIR,
      // Its own process group, so that a signal to the test runner's group reaches the server once, through stopServer.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        DATABASE_URL: url,
        ROBUSTLAB_DEMO: '0',
        WORKER_CONCURRENCY: '2',
        HOST: '127.0.0.1',
        PORT: String(port),
        NEXT_TELEMETRY_DISABLED: '1',
        CHECKPOINT_DISABLE: '1',
      },
    });
    server.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`server/start.ts exited unexpectedly (code ${code}, signal ${signal})`);
        void shutdown(1);
      }
    });

    await waitUntilReady(baseUrl, server);
    console.log(`E2E stack ready at ${baseUrl} (database ${name})`);
  } catch (error) {
    console.error(`Starting the e2e stack failed: ${(error as Error).message}`);
    await shutdown(1);
  }
}

await main();
