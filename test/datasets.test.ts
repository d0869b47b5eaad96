import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuiltinDatasets } from '../server/datasets.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('ensureBuiltinDatasets', () => {
  test('stores MNIST once with its split sizes', async () => {
    await ensureBuiltinDatasets(database.prisma);
    await ensureBuiltinDatasets(database.prisma);

    const rows = await database.prisma.dataset.findMany({ where: { key: 'mnist' } });
    expect(rows).toHaveLength(1);
    const [mnist] = rows;
    expect(mnist.version).toBe(1);
    expect(mnist.task).toBe('classification');
    expect(mnist.inputShape).toEqual([28, 28, 1]);
    expect(mnist.classes).toBe(10);
    expect(mnist.trainCount).toBe(8000);
    expect(mnist.testCount).toBe(2000);
    expect(mnist.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(mnist.name).toBe('MNIST');
  });

  test('repairs a row whose fields were changed', async () => {
    await ensureBuiltinDatasets(database.prisma);
    await database.prisma.dataset.updateMany({ where: { key: 'mnist' }, data: { testCount: 1, name: 'edited' } });

    await ensureBuiltinDatasets(database.prisma);

    const mnist = await database.prisma.dataset.findFirstOrThrow({ where: { key: 'mnist' } });
    expect(mnist.testCount).toBe(2000);
    expect(mnist.name).toBe('MNIST');
  });
});
