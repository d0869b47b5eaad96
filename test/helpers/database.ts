import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPrisma, type Db } from '../../server/db.ts';
import { readMigrations, runMigrations } from '../../server/migrate.ts';

/** Server used by tests when TEST_DATABASE_URL is not set. */
export const DEFAULT_TEST_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Prefix of every database that the test helpers create, so leftovers are easy to find. */
export const TEST_DATABASE_PREFIX = 'rl_test_';

export interface TestDatabase {
  url: string;
  prisma: Db;
  /** Disconnects the Prisma client and drops the database. */
  drop(): Promise<void>;
}

/** Returns the server connection string for tests: TEST_DATABASE_URL, which may name any database of that server. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
}

/** Returns the URL of database `name` on the same server as `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Identifies one test run. The vitest global setup sets ROBUSTLAB_TEST_RUN_ID
 * before the test workers start, so all test files of a run share one
 * template. Outside vitest the parent process id plays that role.
 */
export function testRunId(): string {
  const id = process.env.ROBUSTLAB_TEST_RUN_ID ?? `p${process.ppid}`;
  return id.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 16);
}

/**
 * Creates a fresh database cloned from this run's migrated template and a
 * Prisma client for it. The template is built on first use, under an advisory
 * lock, so parallel test files build it once.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const template = await ensureTemplate(serverUrl);
  const name = `${TEST_DATABASE_PREFIX}${testRunId()}_${randomBytes(5).toString('hex')}`;

  await withServerClient(serverUrl, async (client) => {
    await createFromTemplate(client, name, template);
  });

  const url = databaseUrl(serverUrl, name);
  const prisma = createPrisma(url, { max: 4 });
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropDatabase(serverUrl, name);
    },
  };
}

/** Creates an empty database (no migrations) for tests that migrate by themselves. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testServerUrl();
  const name = `${TEST_DATABASE_PREFIX}${testRunId()}_e${randomBytes(5).toString('hex')}`;
  await withServerClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return { url: databaseUrl(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

/** Drops a database even when clients are still connected to it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withServerClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Drops the template and every leftover clone of test run `runId`. */
export async function dropRunDatabases(serverUrl: string, runId: string): Promise<number> {
  return withServerClient(serverUrl, async (client) => {
    const result = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${TEST_DATABASE_PREFIX}${runId}\\_%`],
    );
    for (const row of result.rows) {
      await client.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    }
    return result.rowCount ?? 0;
  });
}

async function ensureTemplate(serverUrl: string): Promise<string> {
  // The migration digest in the name keeps a template from outliving a changed migration.
  const migrations = await readMigrations();
  const digest = createHash('sha256')
    .update(migrations.map((migration) => `${migration.name}:${migration.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 8);
  const template = `${TEST_DATABASE_PREFIX}${testRunId()}_tpl${digest}`;

  await withServerClient(serverUrl, async (client) => {
    const lockKey = Number.parseInt(digest, 16) | 0;
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount) return;

      const building = `${template}_b`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      await runMigrations({ connectionString: databaseUrl(serverUrl, building) });
      // Renaming only after a complete migration means a half-built template is never cloned.
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey]);
    }
  });
  return template;
}

async function createFromTemplate(client: pg.Client, name: string, template: string): Promise<void> {
  // Postgres rejects a clone while another session is connected to the template
  // (SQLSTATE 55006), which another test file's clone can briefly cause.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

async function withServerClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
