import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, test } from 'vitest';
import { MIGRATIONS_DIR, readMigrations, runMigrations } from '../server/migrate.ts';
import { createEmptyDatabase, createTestDatabase } from './helpers/database.ts';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function emptyDatabase(): Promise<string> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database.url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

describe('runMigrations', () => {
  test('applies every migration once and is idempotent', async () => {
    const url = await emptyDatabase();
    const files = await readMigrations();

    const first = await runMigrations({ connectionString: url });
    const second = await runMigrations({ connectionString: url });

    expect(first).toEqual(files.map((file) => file.name));
    expect(second).toEqual([]);
    const tables = await query<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((row) => row.table_name)).toContain('experiments');
    const rows = await query(url, 'SELECT * FROM "_prisma_migrations"');
    expect(rows).toHaveLength(files.length);
  });

  test('records rows the way Prisma Migrate does', async () => {
    const url = await emptyDatabase();
    await runMigrations({ connectionString: url });

    const columns = await query<{ column_name: string; data_type: string; is_nullable: string; len: number | null }>(
      url,
      `SELECT column_name, data_type, is_nullable, character_maximum_length AS len
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', is_nullable: 'NO', len: 36 },
      { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO', len: 64 },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES', len: null },
      { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO', len: 255 },
      { column_name: 'logs', data_type: 'text', is_nullable: 'YES', len: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES', len: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO', len: null },
      { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO', len: null },
    ]);

    const rows = await query<Record<string, unknown>>(url, 'SELECT * FROM "_prisma_migrations"');
    const initSql = await readFile(path.join(MIGRATIONS_DIR, '20261204210000_init', 'migration.sql'));
    const init = rows.find((row) => row.migration_name === '20261204210000_init');
    expect(init).toBeDefined();
    expect(init!.checksum).toBe(createHash('sha256').update(initSql).digest('hex'));
    expect(init!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(init!.finished_at).toBeInstanceOf(Date);
    expect(init!.rolled_back_at).toBeNull();
    expect(init!.logs).toBeNull();
    expect(init!.applied_steps_count).toBe(1);
  });

  test('rejects an applied migration whose file changed', async () => {
    const url = await emptyDatabase();
    await runMigrations({ connectionString: url });
    await query(url, `UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);

    await expect(runMigrations({ connectionString: url })).rejects.toThrow(/was modified after it was applied/);
  });

  test('rejects a migration recorded as started but not finished', async () => {
    const url = await emptyDatabase();
    await runMigrations({ connectionString: url });
    await query(url, `UPDATE "_prisma_migrations" SET finished_at = NULL`);

    await expect(runMigrations({ connectionString: url })).rejects.toThrow(/started but not finished/);
  });

  test('two concurrent runners apply each migration once', async () => {
    const url = await emptyDatabase();
    const files = await readMigrations();

    const results = await Promise.all([
      runMigrations({ connectionString: url }),
      runMigrations({ connectionString: url }),
    ]);

    expect(results.flat()).toEqual(files.map((file) => file.name));
    const rows = await query<{ count: string }>(url, 'SELECT count(*) FROM "_prisma_migrations"');
    expect(Number(rows[0].count)).toBe(files.length);
  });

  test('rolls back a failing migration without recording it', async () => {
    const url = await emptyDatabase();
    const dir = await migrationsFolder({
      '20260101000000_good': 'CREATE TABLE good (id int);',
      '20260102000000_bad': 'CREATE TABLE half (id int);\nSELECT * FROM no_such_table;',
    });

    await expect(runMigrations({ connectionString: url, migrationsDir: dir })).rejects.toThrow(
      /20260102000000_bad failed and was rolled back/,
    );

    const names = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(names.map((row) => row.migration_name)).toEqual(['20260101000000_good']);
    const half = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`);
    expect(half).toHaveLength(0);
  });
});

describe('createTestDatabase', () => {
  test('clones a migrated template per caller', async () => {
    const first = await createTestDatabase();
    cleanups.push(first.drop);
    const second = await createTestDatabase();
    cleanups.push(second.drop);

    expect(first.url).not.toBe(second.url);
    await first.prisma.study.create({ data: { name: 'only in the first clone' } });
    expect(await first.prisma.study.count()).toBe(1);
    expect(await second.prisma.study.count()).toBe(0);
  });
});
