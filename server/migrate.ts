import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Default folder of the SQL migrations, in Prisma Migrate's layout. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

/**
 * Advisory lock key that Prisma Migrate takes while it migrates (prisma-engines,
 * sql-schema-connector). Taking the same key keeps our runner and
 * `prisma migrate deploy` from running at the same time.
 */
const MIGRATION_LOCK_KEY = 72707369;

/** The bookkeeping table as Prisma Migrate creates it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 hex digest of migration.sql, as Prisma Migrate computes it. */
  checksum: string;
}

interface MigrationLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Reads `<dir>/<timestamp>_<name>/migration.sql` files, sorted by folder name. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  const migrations: MigrationFile[] = [];
  for (const name of folders) {
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    migrations.push({ name, sql, checksum: sha256(sql) });
  }
  return migrations;
}

/**
 * Applies every migration that is not yet recorded in `_prisma_migrations`,
 * each in its own transaction, under Prisma Migrate's advisory lock. Rows are
 * written like Prisma Migrate writes them, so `prisma migrate deploy` treats
 * them as applied. Throws when an applied migration's file changed, when a
 * failed migration is recorded, or when a migration's SQL fails.
 * Returns the names of the migrations it applied.
 */
export async function runMigrations(options: {
  connectionString: string;
  logger?: MigrationLogger;
  migrationsDir?: string;
}): Promise<string[]> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();

  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const applied = await readAppliedMigrations(client);
      checkAppliedMigrations(migrations, applied, options.logger);

      const appliedNames = new Set(applied.filter(isApplied).map((row) => row.migration_name));
      const pending = migrations.filter((migration) => !appliedNames.has(migration.name));
      for (const migration of pending) {
        await applyMigration(client, migration, options.logger);
      }
      return pending.map((migration) => migration.name);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function readAppliedMigrations(client: pg.Client): Promise<AppliedRow[]> {
  const result = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

function isApplied(row: AppliedRow): boolean {
  return row.finished_at !== null && row.rolled_back_at === null;
}

function checkAppliedMigrations(migrations: MigrationFile[], applied: AppliedRow[], logger?: MigrationLogger): void {
  const filesByName = new Map(migrations.map((migration) => [migration.name, migration]));

  for (const row of applied) {
    if (row.finished_at === null && row.rolled_back_at === null) {
      throw new Error(
        `Migration ${row.migration_name} is recorded as started but not finished in _prisma_migrations. ` +
          'Repair the database by hand, then delete that row or mark it rolled back.',
      );
    }
    if (!isApplied(row)) continue;

    const file = filesByName.get(row.migration_name);
    if (!file) {
      logger?.warn({ migration: row.migration_name }, 'applied migration has no folder in prisma/migrations');
      continue;
    }
    if (file.checksum !== row.checksum) {
      throw new Error(
        `Migration ${row.migration_name} was modified after it was applied: ` +
          `the database records checksum ${row.checksum}, the file has ${file.checksum}. ` +
          'Restore the original migration.sql and put the change in a new migration folder.',
      );
    }
  }
}

async function applyMigration(client: pg.Client, migration: MigrationFile, logger?: MigrationLogger): Promise<void> {
  const startedAt = Date.now();
  await client.query('BEGIN');
  try {
    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, {
      cause: error,
    });
  }
  logger?.info({ migration: migration.name, durationMs: Date.now() - startedAt }, 'migration applied');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
