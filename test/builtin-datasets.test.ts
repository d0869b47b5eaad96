import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuiltinDatasets } from '../server/datasets.ts';
import { BUILTIN_DATASETS } from '../worker/datasets/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('ensureBuiltinDatasets with metadata', () => {
  test('registers every built-in version', async () => {
    const ensured = await ensureBuiltinDatasets(database.prisma);

    expect(ensured.map((entry) => entry.key).sort()).toEqual(BUILTIN_DATASETS.map((metadata) => metadata.key).sort());
    const rows = await database.prisma.dataset.findMany({ where: { studyId: null }, orderBy: { key: 'asc' } });
    expect(rows.map((row) => row.key)).toEqual([
      'calorimeter-energy-a',
      'calorimeter-energy-b',
      'calorimeter-position-a',
      'calorimeter-position-b',
      'fashion-mnist',
      'mnist',
      'mnist-permuted',
    ]);
  });

  test('stores the calorimeter metadata', async () => {
    await ensureBuiltinDatasets(database.prisma);

    const row = await database.prisma.dataset.findFirstOrThrow({ where: { key: 'calorimeter-position-b' } });
    expect(row).toMatchObject({ version: 2, task: 'regression', inputShape: [15, 15, 1], classes: 2, trainCount: 51_200, testCount: 12_800 });
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.description).toContain('falling spectrum');
  });
});
