/** Stored experiments with models, instances and predictions, written as the worker would. */
import { experimentConfigSchema } from '../../lib/config.ts';
import type { Db } from '../../server/db.ts';

export interface ModelFixture {
  label: string;
  /** Test losses of finished instances, in instance order. */
  finished: number[];
  /** Instances that diverged after the finished ones. */
  diverged?: number;
  /** Queued instances after those. */
  queued?: number;
  /** Per-sample predictions of each finished instance. */
  predictions?: { predictedClass: number[]; trueClassProb: number[]; loss: number[] }[];
}

/** Packs numbers as little-endian float32, like the worker stores them. */
export function packFloat32(values: number[]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return bytes;
}

/** Builds a valid experiment configuration whose space has four small dense models. */
export function smallConfig(overrides: Record<string, unknown> = {}) {
  return {
    name: 'small dense search',
    dataset: 'mnist',
    space: { architectures: [{ dense: [8] }, { dense: [16] }], learningRates: [0.001, 0.01] },
    trainSize: 500,
    selection: { statistic: 'median', warmupSteps: 2, maxInstances: 4 },
    ...overrides,
  };
}

/** Stores a running experiment at step `currentStep` with the given models and instances. */
export async function addExperiment(
  db: Db,
  { studyId, datasetId, models, currentStep = 1 }: { studyId: string; datasetId: string; models: ModelFixture[]; currentStep?: number },
) {
  const config = experimentConfigSchema.parse(smallConfig());
  const experiment = await db.experiment.create({
    data: {
      studyId,
      datasetId,
      name: config.name,
      config,
      status: 'running',
      currentStep,
      exhaustiveTrainings: models.length * config.selection.maxInstances,
      startedAt: new Date('2026-12-04T21:00:00Z'),
    },
  });

  const modelIds: string[] = [];
  const instanceIds: string[][] = [];
  for (const [m, fixture] of models.entries()) {
    const model = await db.model.create({
      data: { experimentId: experiment.id, hash: `hash-${m}`, label: fixture.label, config: { index: m }, parameterCount: 100 + m },
    });
    modelIds.push(model.id);
    instanceIds.push(await addInstances(db, model.id, fixture));
  }
  return { experiment, modelIds, instanceIds };
}

async function addInstances(db: Db, modelId: string, fixture: ModelFixture): Promise<string[]> {
  const statuses = [
    ...fixture.finished.map((testLoss) => ({ status: 'finished' as const, testLoss })),
    ...Array.from({ length: fixture.diverged ?? 0 }, () => ({ status: 'diverged' as const, testLoss: null })),
    ...Array.from({ length: fixture.queued ?? 0 }, () => ({ status: 'queued' as const, testLoss: null })),
  ];

  const ids: string[] = [];
  for (const [index, { status, testLoss }] of statuses.entries()) {
    const instance = await db.instance.create({
      data: {
        modelId,
        instanceIndex: index,
        step: index + 1,
        initSeed: 1000 + index,
        sampleSeed: 2000 + index,
        shuffleSeed: 3000 + index,
        trainSize: 500,
        status,
        testLoss,
        testAccuracy: status === 'finished' ? 0.9 : null,
        trainLoss: [1.5, 0.7],
        valLoss: [1.6, 0.8],
        divergedEpoch: status === 'diverged' ? 2 : null,
      },
    });
    ids.push(instance.id);
    if (status === 'diverged') {
      // Prisma rejects NaN in Float[] arguments, so the diverged epoch goes in through SQL.
      await db.$executeRaw`UPDATE instances SET train_loss = '{1.5,NaN}', val_loss = '{1.6,Infinity}' WHERE id = ${instance.id}::uuid`;
    }

    const predictions = status === 'finished' ? fixture.predictions?.[index] : undefined;
    if (predictions) {
      await db.instancePredictions.create({
        data: {
          instanceId: instance.id,
          sampleCount: predictions.loss.length,
          predictedClass: new Uint8Array(predictions.predictedClass),
          trueClassProb: packFloat32(predictions.trueClassProb),
          loss: packFloat32(predictions.loss),
        },
      });
    }
  }
  return ids;
}
