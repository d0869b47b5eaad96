import type { JobWithMetadata, PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { QUEUE_SCHEDULE, QUEUE_TRAIN } from '../../lib/config.ts';
import { instanceSeeds } from '../../lib/seeds.ts';
import { initBackend } from '../../worker/engine/backend.ts';
import { storeInstanceResult } from '../../worker/instance-store.ts';
import { createQueue } from '../../worker/queue.ts';
import { startWorker } from '../../worker/process.ts';
import { runScheduleJob } from '../../worker/scheduler.ts';
import { runDeadTrainJob, runTrainJob } from '../../worker/train-job.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createExperiment, testLogger, tinyModel, waitFor } from './fixtures.ts';

let database: TestDatabase;
let boss: PgBoss;

const selection = { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 3 } as const;
const models = [tinyModel({ dense: [4] }), tinyModel({ dense: [8] }), tinyModel({ dense: [12] })];

beforeAll(async () => {
  database = await createTestDatabase();
  boss = await createQueue(database.url, { logger: testLogger });
});

afterAll(async () => {
  await boss?.stop();
  await database?.drop();
});

async function trainJobCount(experimentId: string): Promise<number> {
  const rows = await database.prisma.$queryRaw<{ count: bigint }[]>`
    SELECT count(*) AS count FROM pgboss.job WHERE name = ${QUEUE_TRAIN} AND data->>'experimentId' = ${experimentId}`;
  return Number(rows[0].count);
}

describe('runScheduleJob', () => {
  test('first step creates seeded instances once', async () => {
    const db = database.prisma;
    const { experimentId, modelIds } = await createExperiment(db, { name: 'idempotent start', models, selection, trainSize: 300 });

    const first = await runScheduleJob({ db, boss, experimentId, logger: testLogger });
    expect(first).toEqual({ kind: 'stepStarted', step: 1, instances: 3 });
    const second = await runScheduleJob({ db, boss, experimentId, logger: testLogger });
    expect(second).toEqual({ kind: 'waiting', step: 1, pendingInstances: 3 });

    const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    expect(experiment.status).toBe('running');
    expect(experiment.currentStep).toBe(1);
    expect(await db.selectionStep.count({ where: { experimentId } })).toBe(0);

    const instances = await db.instance.findMany({ where: { model: { experimentId } }, include: { model: true } });
    expect(instances).toHaveLength(3);
    expect(new Set(instances.map((instance) => instance.modelId))).toEqual(new Set(modelIds));
    for (const instance of instances) {
      const seeds = instanceSeeds({ experimentSeed: 7, modelHash: instance.model.hash, instanceIndex: 0, randomness: { init: true, sample: true, shuffle: true } });
      expect(instance.instanceIndex).toBe(0);
      expect(instance.step).toBe(1);
      expect(instance.status).toBe('queued');
      expect(instance.trainSize).toBe(300);
      expect([instance.initSeed, instance.sampleSeed, instance.shuffleSeed]).toEqual([seeds.init, seeds.sample, seeds.shuffle]);
    }
    const jobs = await boss.findJobs<{ instanceId: string }>(QUEUE_TRAIN, { data: { experimentId } });
    expect(jobs).toHaveLength(3);
    for (const job of jobs) {
      expect(job.singletonKey).toBe(job.data.instanceId);
      expect(job.retryLimit).toBe(3);
      expect(job.heartbeatSeconds).toBe(30);
      expect(job.deadLetter).toBe('train-instance-dead');
    }

    // A lost training job is enqueued again by the next run, the others are not duplicated.
    await boss.deleteJob(QUEUE_TRAIN, jobs[0].id);
    expect(await trainJobCount(experimentId)).toBe(2);
    expect(await runScheduleJob({ db, boss, experimentId, logger: testLogger })).toEqual({ kind: 'waiting', step: 1, pendingInstances: 3 });
    const requeued = await boss.findJobs<{ instanceId: string }>(QUEUE_TRAIN, { data: { experimentId } });
    expect(requeued.map((job) => job.data.instanceId).sort()).toEqual(jobs.map((job) => job.data.instanceId).sort());
  });

  test('concurrent runs start one step', async () => {
    const db = database.prisma;
    const { experimentId } = await createExperiment(db, { name: 'concurrent scheduling', models, selection });

    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => runScheduleJob({ db, boss, experimentId, logger: testLogger })),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'stepStarted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'waiting')).toHaveLength(3);
    expect(await db.instance.count({ where: { model: { experimentId } } })).toBe(3);
    expect(await trainJobCount(experimentId)).toBe(3);
  });

  test('retried training job stores one result', async () => {
    const db = database.prisma;
    const { experimentId } = await createExperiment(db, { name: 'retried training', models: [models[0], models[1]], selection });
    await runScheduleJob({ db, boss, experimentId, logger: testLogger });

    // The job as pg-boss stores it; the handler runs it here twice, as two deliveries would.
    const backend = await initBackend('wasm');
    const jobs = await boss.findJobs<unknown>(QUEUE_TRAIN, { data: { experimentId } });
    expect(jobs).toHaveLength(2);
    const job: JobWithMetadata<unknown> = jobs[0];
    const input = { db, boss, job, backend, workerId: 'test', logger: testLogger };
    const firstRun = await runTrainJob(input);
    expect(firstRun).toEqual({ kind: 'trained', status: 'finished', stored: true });
    const { instanceId } = job.data as { instanceId: string };
    const stored = await db.instance.findUniqueOrThrow({ where: { id: instanceId } });

    // A second delivery of the same job, and a late write of another result, change nothing.
    expect(await runTrainJob(input)).toEqual({ kind: 'alreadyEnded', status: 'finished' });
    const lateResult = {
      status: 'finished' as const,
      divergedEpoch: null,
      trainLoss: [9],
      valLoss: [9],
      testLoss: 9,
      testAccuracy: 0,
      durationMs: 1,
      parameterCount: 1,
      predictions: null,
    };
    expect(await storeInstanceResult({ db, experimentId, instanceId, backend, result: lateResult })).toBe(false);

    const after = await db.instance.findUniqueOrThrow({ where: { id: instanceId } });
    expect(after.testLoss).toBe(stored.testLoss);
    expect(after.attempts).toBe(1);
    expect(await db.instancePredictions.count({ where: { instanceId } })).toBe(1);
  });

  test('training error fails instance on last attempt', async () => {
    const db = database.prisma;
    const { experimentId } = await createExperiment(db, { name: 'failing training', models: [models[0], models[1]], selection });
    // The worker only has MNIST version 1, so an experiment on version 2 cannot train.
    const mnist = await db.dataset.findFirstOrThrow({ where: { key: 'mnist', version: 1 } });
    const { id: _id, createdAt: _createdAt, summary: _summary, ...datasetRow } = mnist;
    const version2 = await db.dataset.create({ data: { ...datasetRow, version: 2 } });
    await db.experiment.update({ where: { id: experimentId }, data: { datasetId: version2.id } });
    await runScheduleJob({ db, boss, experimentId, logger: testLogger });

    const backend = await initBackend('wasm');
    const [first, second] = await boss.findJobs<{ instanceId: string }>(QUEUE_TRAIN, { data: { experimentId } });
    const input = { db, boss, job: first, backend, workerId: 'test', logger: testLogger };
    await expect(runTrainJob(input)).rejects.toThrow("Dataset 'mnist' is version 1 in this worker, but the experiment uses version 2.");
    const retrying = await db.instance.findUniqueOrThrow({ where: { id: first.data.instanceId } });
    expect(retrying.status).toBe('running');
    expect(retrying.attempts).toBe(1);

    const lastAttempt = { ...first, retryCount: first.retryLimit };
    expect(await runTrainJob({ ...input, job: lastAttempt })).toEqual({
      kind: 'failed',
      error: "Dataset 'mnist' is version 1 in this worker, but the experiment uses version 2.",
    });
    const failed = await db.instance.findUniqueOrThrow({ where: { id: first.data.instanceId } });
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(2);
    expect(failed.error).toContain('version 2');
    expect(await boss.findJobs(QUEUE_SCHEDULE, { data: { experimentId } })).toHaveLength(1);

    // A job that pg-boss failed for good reaches the dead-letter handler.
    await runDeadTrainJob({ db, boss, job: second, logger: testLogger });
    const lost = await db.instance.findUniqueOrThrow({ where: { id: second.data.instanceId } });
    expect(lost.status).toBe('failed');
    expect(lost.error).toBe('Training job failed after all its attempts (worker lost or error).');
  });

  test('cancelled experiment trains no instance', async () => {
    // An own database, so the worker sees no training job of the other tests.
    const own = await createTestDatabase();
    const ownBoss = await createQueue(own.url, { logger: testLogger });
    try {
      await expectCancelledExperimentUntrained(own, ownBoss);
    } finally {
      await ownBoss.stop();
      await own.drop();
    }
  });
});

async function expectCancelledExperimentUntrained(own: TestDatabase, ownBoss: PgBoss): Promise<void> {
  const db = own.prisma;
  const { experimentId } = await createExperiment(db, { name: 'cancelled', models, selection });
  await runScheduleJob({ db, boss: ownBoss, experimentId, logger: testLogger });
  await db.experiment.update({ where: { id: experimentId }, data: { status: 'cancelled' } });

  const worker = await startWorker({ databaseUrl: own.url, workerId: 'cancel-worker', logger: testLogger, backend: 'wasm' });
  try {
    const instances = await waitFor('every instance to be cancelled', async () => {
      const rows = await db.instance.findMany({ where: { model: { experimentId } } });
      return rows.every((row) => row.status === 'cancelled') ? rows : undefined;
    });
    expect(instances).toHaveLength(3);
    for (const instance of instances) {
      expect(instance.attempts).toBe(0);
      expect(instance.testLoss).toBeNull();
      expect(instance.trainLoss).toEqual([]);
    }
  } finally {
    await worker.stop();
  }

  expect(await runScheduleJob({ db, boss: ownBoss, experimentId, logger: testLogger })).toEqual({
    kind: 'skipped',
    reason: 'experiment is cancelled',
  });
  const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  expect(experiment.status).toBe('cancelled');
  expect(experiment.currentStep).toBe(1);
  expect(await db.instance.count({ where: { model: { experimentId } } })).toBe(3);
  expect(await db.instancePredictions.count({ where: { instance: { model: { experimentId } } } })).toBe(0);
}
