import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { diffShapes, readDmmf, shapeFromDatabase, shapeFromPrisma, type SchemaShape } from './helpers/schema-shape.ts';

let expected: SchemaShape;

beforeAll(async () => {
  const schemaText = await readFile(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
  expected = shapeFromPrisma(readDmmf(schemaText));
});

/** Applies `sql` to a fresh migrated database and returns its drift against schema.prisma. */
async function driftAfter(sql: string | null) {
  const database: TestDatabase = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    if (sql) await client.query(sql);
    return diffShapes(expected, await shapeFromDatabase(client));
  } finally {
    await client.end();
    await database.drop();
  }
}

describe('schema drift', () => {
  test('schema.prisma describes every table the migrations create', () => {
    const tables = [...expected].filter((line) => line.startsWith('table ')).sort();
    expect(tables).toEqual([
      'table activity_events', 'table api_tokens', 'table dataset_chunks', 'table datasets', 'table experiment_tags', 'table experiments', 'table instance_predictions', 'table instance_weights', 'table instances',
      'table memberships', 'table model_tags', 'table models', 'table notes', 'table selection_step_models', 'table selection_steps',
      'table sessions', 'table sign_in_failures', 'table studies', 'table template_run_experiments', 'table template_runs', 'table users', 'table workers',
    ]);
  });

  test('migrated database matches schema.prisma', async () => {
    const drift = await driftAfter(null);

    expect(drift.missing).toEqual([]);
    expect(drift.unexpected).toEqual([]);
  });

  // Each case changes one aspect of a migrated database; the comparison must report exactly that.
  const drifts: Array<{ aspect: string; sql: string; missing: string[]; unexpected: string[] }> = [
    {
      aspect: 'dropped column',
      sql: 'ALTER TABLE instances DROP COLUMN backend',
      missing: ['column instances.backend text null'],
      unexpected: [],
    },
    {
      aspect: 'changed type',
      sql: 'ALTER TABLE instances ALTER COLUMN test_loss TYPE real',
      missing: ['column instances.test_loss double precision null'],
      unexpected: ['column instances.test_loss real null'],
    },
    {
      aspect: 'changed nullability',
      sql: 'ALTER TABLE studies ALTER COLUMN description DROP NOT NULL',
      missing: ['column studies.description text not null'],
      unexpected: ['column studies.description text null'],
    },
    {
      aspect: 'dropped index',
      sql: 'DROP INDEX instances_status_idx',
      missing: ['index instances_status_idx instances(status)'],
      unexpected: [],
    },
    {
      aspect: 'unique index turned plain',
      sql: 'DROP INDEX users_email_key; CREATE INDEX users_email_key ON users(email)',
      missing: ['unique index users_email_key users(email)'],
      unexpected: ['index users_email_key users(email)'],
    },
    {
      aspect: 'changed foreign key action',
      sql: `ALTER TABLE experiments DROP CONSTRAINT experiments_dataset_id_fkey;
            ALTER TABLE experiments ADD CONSTRAINT experiments_dataset_id_fkey FOREIGN KEY (dataset_id)
              REFERENCES datasets(id) ON DELETE CASCADE ON UPDATE CASCADE`,
      missing: ['foreign key experiments_dataset_id_fkey experiments(dataset_id) -> datasets(id) on delete Restrict on update Cascade'],
      unexpected: ['foreign key experiments_dataset_id_fkey experiments(dataset_id) -> datasets(id) on delete Cascade on update Cascade'],
    },
    {
      aspect: 'extra table',
      sql: 'CREATE TABLE scratch_notes (id int)',
      missing: [],
      unexpected: ['column scratch_notes.id integer null', 'table scratch_notes'],
    },
    {
      aspect: 'extra enum value',
      sql: `ALTER TYPE "ModelStatus" ADD VALUE 'paused'`,
      missing: ['enum ModelStatus (active, eliminated, selected)'],
      unexpected: ['enum ModelStatus (active, eliminated, selected, paused)'],
    },
  ];

  test.each(drifts)('reports $aspect', async ({ sql, missing, unexpected }) => {
    const drift = await driftAfter(sql);

    expect(drift.missing).toEqual(missing);
    expect(drift.unexpected).toEqual(unexpected);
  });
});
