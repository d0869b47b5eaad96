import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { QUEUE_TRAIN } from '../../lib/config.ts';
import { robustnessValue } from '../../lib/statistics.ts';
import { initBackend } from '../../worker/engine/backend.ts';
import { createQueue, sendSchedule } from '../../worker/queue.ts';
import { startWorker, type Worker } from '../../worker/process.ts';
import { runScheduleJob } from '../../worker/scheduler.ts';
import { bootstrapSeed } from '../../worker/selection-step.ts';
import { runTrainJob } from '../../worker/train-job.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createExperiment, testLogger, tinyModel, waitForExperimentEnd } from './fixtures.ts';

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

describe('edge experiments', () => {
  test('single model trains up to the cap', async () => {
    const db = database.prisma;
    const selection = { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 3 } as const;
    const { experimentId, modelIds } = await createExperiment(db, { name: 'one model', models: [tinyModel({ dense: [4] })], selection });

    const worker: Worker = await startWorker({ databaseUrl: database.url, workerId: 'single-model-worker', logger: testLogger, backend: 'wasm' });
    try {
      await sendSchedule(boss, experimentId);
      expect(await waitForExperimentEnd(db, experimentId)).toBe('finished');
    } finally {
      await worker.stop();
    }

    const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    expect(experiment.currentStep).toBe(3);
    expect(experiment.selectedModelId).toBe(modelIds[0]);

    const model = await db.model.findUniqueOrThrow({ where: { id: modelIds[0] }, include: { instances: true } });
    expect(model.status).toBe('selected');
    expect(model.instances).toHaveLength(3);
    for (const instance of model.instances) expect(instance.status).toBe('finished');

    const steps = await db.selectionStep.findMany({ where: { experimentId }, orderBy: { step: 'asc' }, include: { models: true } });
    expect(steps.map((step) => step.step)).toEqual([1, 2, 3]);
    const last = steps[2].models[0];
    const losses = model.instances.map((instance) => instance.testLoss as number);
    const expected = robustnessValue(losses, 'median', { seed: bootstrapSeed(model.id) });
    expect(last.instanceCount).toBe(3);
    expect(last.value).not.toBeNull();
    expect(last.value).toBe(expected.value);
    expect(last.eliminated).toBe(false);
  });

  test('trainSize above the pool fails without retry', async () => {
    const db = database.prisma;
    const selection = { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 3 } as const;
    const models = [tinyModel({ dense: [4] }), tinyModel({ dense: [8] })];
    // The fixture stores the experiment directly, past the API check that rejects this size.
    const { experimentId } = await createExperiment(db, { name: 'oversized sample', models, selection, trainSize: 70_000 });
    const { trainCount } = await db.dataset.findFirstOrThrow({ where: { key: 'mnist' }, orderBy: { version: 'desc' } });
    await runScheduleJob({ db, boss, experimentId, logger: testLogger });

    const backend = await initBackend('wasm');
    const [job] = await boss.findJobs<{ instanceId: string }>(QUEUE_TRAIN, { data: { experimentId } });
    expect(job.retryCount).toBe(0);
    const outcome = await runTrainJob({ db, boss, job, backend, workerId: 'test', logger: testLogger });
    expect(outcome).toEqual({ kind: 'failed', error: `Invalid trainSize 70000: dataset mnist has a training pool of ${trainCount} samples.` });

    const instance = await db.instance.findUniqueOrThrow({ where: { id: job.data.instanceId } });
    expect(instance.status).toBe('failed');
    expect(instance.attempts).toBe(1);
    expect(instance.error).toContain('70000');
  });
});
