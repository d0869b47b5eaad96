/**
 * `npm test`: every Vitest test (unit and integration), then the Playwright
 * end-to-end tests. Exits non-zero when either fails.
 *
 * Tests need a Postgres server. TEST_DATABASE_URL (or DATABASE_URL) names
 * one. Without them 127.0.0.1:5432 is tried, and when it accepts no connection
 * an embedded Postgres is started in a temporary folder for this run.
 *
 * Usage: npm test [-- unit|e2e]   (default: both)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../server/embedded-db.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOCAL_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const SUITES = ['unit', 'e2e'] as const;
type Suite = (typeof SUITES)[number];

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
let runningChild: ChildProcess | undefined;
let interrupted = false;

function parseSuites(args: string[]): Suite[] {
  if (args.length === 0) return [...SUITES];
  for (const arg of args) {
    if (!(SUITES as readonly string[]).includes(arg)) {
      throw new Error(`Unknown test suite "${arg}": expected ${SUITES.join(' or ')}, or no argument for both.`);
    }
  }
  return args as Suite[];
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Returns the test server URL and, when this run started one, the embedded Postgres with its folder. */
async function provideDatabaseServer(): Promise<{ serverUrl: string; embedded?: EmbeddedPostgres; dataDir?: string }> {
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (configured) return { serverUrl: configured };
  if (await answers(LOCAL_SERVER_URL)) return { serverUrl: LOCAL_SERVER_URL };

  process.stdout.write('No Postgres answers on 127.0.0.1:5432: starting an embedded Postgres for the tests.\n');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-test-postgres-'));
  // When running as root, Postgres runs as the `postgres` user, which must reach the folder.
  await chmod(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir, logger });
  return { serverUrl: embedded.serverUrl, embedded, dataDir };
}

/** Runs a Node.js CLI with inherited output and resolves with its exit code. */
function runNode(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n=== ${label} ===\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    runningChild = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      runningChild = undefined;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function runSuite(suite: Suite, env: NodeJS.ProcessEnv): Promise<number> {
  switch (suite) {
    case 'unit':
      return runNode('Vitest: unit and integration tests', [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], env);
    case 'e2e':
      if (!existsSync(path.join(ROOT, 'playwright.config.ts'))) {
        process.stderr.write('playwright.config.ts is missing, so the end-to-end tests cannot run.\n');
        return 1;
      }
      return runNode('Playwright: end-to-end tests', [path.join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test'], env);
    default: {
      const unreachable: never = suite;
      throw new Error(`Unknown suite ${String(unreachable)}`);
    }
  }
}

async function main(): Promise<number> {
  const suites = parseSuites(process.argv.slice(2));
  const database = await provideDatabaseServer();
  const cleanup = async () => {
    await database.embedded?.stop();
    if (database.dataDir) await rm(database.dataDir, { recursive: true, force: true });
  };
  // The test runner in progress gets the signal and exits; the embedded Postgres is stopped after it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      interrupted = true;
      if (runningChild && runningChild.exitCode === null) runningChild.kill(signal);
    });
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEST_DATABASE_URL: database.serverUrl,
    NEXT_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
  };

  const failed: Suite[] = [];
  try {
    for (const suite of suites) {
      if (interrupted) break;
      if ((await runSuite(suite, env)) !== 0) failed.push(suite);
    }
  } finally {
    await cleanup();
  }

  process.stdout.write(failed.length ? `\nFailed: ${failed.join(', ')}\n` : `\nAll test suites passed: ${suites.join(', ')}\n`);
  return failed.length || interrupted ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`npm test failed to run: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
