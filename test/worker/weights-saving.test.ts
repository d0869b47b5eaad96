import * as tf from '@tensorflow/tfjs';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { QUEUE_TRAIN } from '../../lib/config.ts';
import { loadDataset } from '../../worker/datasets/index.ts';
import { initBackend } from '../../worker/engine/backend.ts';
import { createQueue } from '../../worker/queue.ts';
import { runScheduleJob } from '../../worker/scheduler.ts';
import { runTrainJob } from '../../worker/train-job.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createExperiment, testLogger, tinyModel } from './fixtures.ts';

let database: TestDatabase;
let boss: PgBoss;

beforeAll(async () => {
  database = await createTestDatabase();
  boss = await createQueue(database.url, { logger: testLogger });
});

afterAll(async () => {
  await boss?.stop();
  await database?.drop();
});

test('trained instance stores loadable weights', async () => {
  const db = database.prisma;
  const selection = { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 } as const;
  const { experimentId } = await createExperiment(db, { name: 'weights', models: [tinyModel({ dense: [8] }), tinyModel({ dense: [4] })], selection });
  await runScheduleJob({ db, boss, experimentId, logger: testLogger });

  const backend = await initBackend('wasm');
  const [job] = await boss.findJobs<unknown>(QUEUE_TRAIN, { data: { experimentId } });
  expect(await runTrainJob({ db, boss, job: job as JobWithMetadata<unknown>, backend, workerId: 'test', logger: testLogger })).toMatchObject({ kind: 'trained', status: 'finished' });
  const { instanceId } = job.data as { instanceId: string };

  const stored = await db.instanceWeights.findUniqueOrThrow({ where: { instanceId } });
  const predictions = await db.instancePredictions.findUniqueOrThrow({ where: { instanceId } });
  expect(stored.format).toBe('layers-model');

  // The stored model predicts the same classes the worker recorded for the test set.
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: stored.modelTopology as object,
      weightSpecs: stored.weightSpecs as unknown as tf.io.WeightsManifestEntry[],
      weightData: new Uint8Array(stored.weightData).buffer,
    }),
  );
  const dataset = await loadDataset('mnist');
  const count = 200;
  const output = model.predict(tf.tensor(dataset.testX.subarray(0, count * 784), [count, ...dataset.inputShape])) as tf.Tensor;
  const classes = Array.from(await output.argMax(-1).data());
  expect(classes).toEqual(Array.from(predictions.predictedClass.subarray(0, count)));
  model.dispose();
}, 120_000);
