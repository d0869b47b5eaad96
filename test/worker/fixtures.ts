/** Rows and waits shared by the worker integration tests. */
import type { PgBoss } from 'pg-boss';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { experimentConfigSchema, modelSpecSchema, type ModelSpec, type SelectionPolicy } from '../../lib/config.ts';
import { countParameters, modelHash, modelLabel } from '../../lib/space.ts';
import { ensureBuiltinDatasets } from '../../server/datasets.ts';
import type { Db } from '../../server/db.ts';
import { startWorker, type Worker } from '../../worker/process.ts';
import { createQueue } from '../../worker/queue.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

/** A quiet logger: the tests read the database, not the logs. */
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** A small MLP that trains in well under a second on 200 MNIST digits. */
export function tinyModel(overrides: Partial<ModelSpec> & { dense?: number[] } = {}): ModelSpec {
  const { dense = [8], ...rest } = overrides;
  return modelSpecSchema.parse({ architecture: { dense }, optimizer: 'adam', learningRate: 0.01, epochs: 1, batchSize: 32, ...rest });
}

/**
 * A model whose weights overflow to infinity during the first epoch: with
 * plain SGD the L2 term multiplies every weight by 1 - 2 * lr * l2 = -19 per
 * step, whatever the seeds.
 */
export function divergingModel(): ModelSpec {
  return tinyModel({ optimizer: 'sgd', learningRate: 10, l2: 1, batchSize: 8 });
}

/** Stores a study and an MNIST experiment with the given models; returns their ids. */
export async function createExperiment(
  db: Db,
  input: { name: string; models: ModelSpec[]; selection: SelectionPolicy; trainSize?: number; seed?: number },
): Promise<{ experimentId: string; modelIds: string[] }> {
  await ensureBuiltinDatasets(db);
  const dataset = await db.dataset.findFirstOrThrow({ where: { key: 'mnist' }, orderBy: { version: 'desc' } });
  const study = await db.study.create({ data: { name: `${input.name} study` } });

  const config = experimentConfigSchema.parse({
    name: input.name,
    dataset: 'mnist',
    space: { architectures: input.models.map((model) => model.architecture) },
    trainSize: input.trainSize ?? 200,
    selection: input.selection,
    seed: input.seed ?? 7,
  });
  const experiment = await db.experiment.create({
    data: {
      studyId: study.id,
      datasetId: dataset.id,
      name: input.name,
      config,
      exhaustiveTrainings: input.models.length * input.selection.maxInstances,
      models: {
        create: input.models.map((spec) => ({
          hash: modelHash(spec),
          label: modelLabel(spec),
          config: spec,
          parameterCount: countParameters(spec.architecture, dataset.inputShape, dataset.classes),
        })),
      },
    },
    include: { models: { orderBy: { label: 'asc' } } },
  });
  return { experimentId: experiment.id, modelIds: experiment.models.map((model) => model.id) };
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  description: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 90_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the experiment has ended (finished, failed or cancelled) and returns its status. */
export async function waitForExperimentEnd(db: Db, experimentId: string, timeoutMs = 90_000): Promise<string> {
  return waitFor(
    `experiment ${experimentId} to end`,
    async () => {
      const { status } = await db.experiment.findUniqueOrThrow({ where: { id: experimentId }, select: { status: true } });
      return ['finished', 'failed', 'cancelled'].includes(status) ? status : undefined;
    },
    { timeoutMs },
  );
}

/** Decodes little-endian float32 bytes of instance_predictions. */
export function decodeFloat32(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

/** Database, queue and one wasm worker shared by the tests of a file. */
export interface QueueWorkerRun {
  database: TestDatabase;
  boss: PgBoss;
  worker: Worker;
}

/**
 * Starts a test database, a queue and one wasm worker before the tests of a
 * file and stops them after. The fields are set once `beforeAll` has run.
 */
export function useQueueWorker(workerId: string): QueueWorkerRun {
  const run = {} as QueueWorkerRun;
  beforeAll(async () => {
    run.database = await createTestDatabase();
    run.boss = await createQueue(run.database.url, { logger: testLogger });
    run.worker = await startWorker({ databaseUrl: run.database.url, workerId, logger: testLogger, backend: 'wasm' });
  });
  afterAll(async () => {
    await run.worker?.stop();
    await run.boss?.stop();
    await run.database?.drop();
  });
  return run;
}
