import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds.ts';
import { createExperiment } from '../../server/experiments/create.ts';
import { createQueue, sendSchedule } from '../../worker/queue.ts';
import { startWorker, type Worker } from '../../worker/process.ts';
import { decodeFloat32, testLogger, waitForExperimentEnd } from '../worker/fixtures.ts';
import { startUploadServer, upload, type UploadServer } from './upload-server.ts';

let server: UploadServer;
let boss: PgBoss;
let worker: Worker;
let ownerId: string;

beforeAll(async () => {
  server = await startUploadServer();
  boss = await createQueue(server.database.url, { logger: testLogger });
  worker = await startWorker({ databaseUrl: server.database.url, workerId: 'upload-worker', logger: testLogger, backend: 'wasm' });
  ownerId = (await server.database.prisma.user.findUniqueOrThrow({ where: { email: 'owner@uploads.test' } })).id;
});

afterAll(async () => {
  await worker?.stop();
  await boss?.stop();
  await server?.close();
});

/** 200 rows: two noisy clusters in (x1, x2) plus a text column, class by cluster. */
function clusterCsv(): string {
  const rng = createRng(11);
  const lines = ['x1,x2,shape,cluster'];
  for (let i = 0; i < 200; i++) {
    const cluster = i % 2;
    lines.push(`${(cluster * 3 + rng()).toFixed(3)},${(cluster * -2 + rng()).toFixed(3)},${['round', 'flat'][i % 2]},${cluster === 0 ? 'left' : 'right'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** 150 rows of y = 2 x1 - x2 plus noise. */
function linearCsv(): string {
  const rng = createRng(12);
  const lines = ['x1,x2,y'];
  for (let i = 0; i < 150; i++) {
    const [x1, x2] = [rng() * 4, rng() * 4];
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${(2 * x1 - x2 + 0.1 * rng()).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

function config(dataset: string, overrides: Record<string, unknown> = {}) {
  return {
    name: `search on ${dataset}`,
    dataset,
    space: { architectures: [{ dense: [4] }, { dense: [8] }], learningRates: [0.01], epochs: [3], batchSizes: [16] },
    trainSize: 100,
    selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 },
    ...overrides,
  };
}

async function uploadedKey(text: string, query: Record<string, string | number>): Promise<string> {
  const response = await upload(server, text, query);
  expect(response.status).toBe(201);
  const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
  return row.key;
}

describe('experiment on an uploaded dataset', () => {
  test('classification CSV runs to a selected model', async () => {
    const db = server.database.prisma;
    const key = await uploadedKey(clusterCsv(), { format: 'csv', task: 'classification', target: 'cluster' });
    const experiment = await createExperiment({ db, boss, studyId: server.studyId, userId: ownerId, config: config(key) });
    await sendSchedule(boss, experiment.id);
    expect(await waitForExperimentEnd(db, experiment.id)).toBe('finished');

    const finished = await db.experiment.findUniqueOrThrow({ where: { id: experiment.id }, include: { models: { include: { instances: true } } } });
    expect(finished.selectedModelId).not.toBeNull();
    const instances = finished.models.flatMap((model) => model.instances);
    expect(instances.length).toBeGreaterThanOrEqual(3);
    for (const instance of instances) {
      expect(instance.status).toBe('finished');
      expect(instance.testAccuracy).toBeGreaterThan(0.5);
    }
  });

  test('regression CSV stores squared errors and no accuracy', async () => {
    const db = server.database.prisma;
    const key = await uploadedKey(linearCsv(), { format: 'csv', task: 'regression', target: 'y', testFraction: 0.2 });
    const experiment = await createExperiment({ db, boss, studyId: server.studyId, userId: ownerId, config: config(key) });
    await sendSchedule(boss, experiment.id);
    expect(await waitForExperimentEnd(db, experiment.id)).toBe('finished');

    const instance = await db.instance.findFirstOrThrow({ where: { model: { experimentId: experiment.id } }, include: { predictions: true } });
    expect(instance.testAccuracy).toBeNull();
    expect(instance.testLoss).toBeGreaterThan(0);
    const losses = decodeFloat32(instance.predictions!.loss);
    expect(losses).toHaveLength(30);
    const mean = losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
    expect(mean).toBeCloseTo(instance.testLoss!, 4);
    expect(Array.from(instance.predictions!.predictedClass).every((value) => value === 0)).toBe(true);
  });

  test('conv layers on a tabular dataset are rejected', async () => {
    const db = server.database.prisma;
    const key = await uploadedKey(clusterCsv(), { format: 'csv', task: 'classification', target: 'cluster', seed: 5 });
    const request = createExperiment({
      db,
      boss,
      studyId: server.studyId,
      userId: ownerId,
      config: config(key, { space: { architectures: [{ dense: [4] }, { conv: [{ filters: 2, kernelSize: 3, pool: 1 }], dense: [4] }] } }),
    });
    await expect(request).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(request).rejects.toThrow(/space.architectures\[1\].conv: .* is tabular with input shape \[4\]/);
  });

  test('another study cannot use the uploaded dataset', async () => {
    const db = server.database.prisma;
    const key = await uploadedKey(clusterCsv(), { format: 'csv', task: 'classification', target: 'cluster', seed: 6 });
    const other = await db.study.create({ data: { name: 'other study' } });
    const request = createExperiment({ db, boss, studyId: other.id, userId: ownerId, config: config(key) });
    await expect(request).rejects.toThrow(/unknown dataset/);
  });
});
