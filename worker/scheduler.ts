/**
 * The selection scheduler: runs one scheduling job of an experiment. It
 * evaluates the step whose instances have all ended, then either finishes
 * the experiment with its selected model or starts the next step and
 * enqueues one training job per new instance.
 */
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Prisma } from '../generated/prisma/client.ts';
import { experimentConfigSchema, type ExperimentConfig, type TrainJob } from '../lib/config.ts';
import { isSelectionFinished, pickSelectedModel } from '../lib/selection.ts';
import { instanceSeeds } from '../lib/seeds.ts';
import type { Db } from '../server/db.ts';
import { recordExperimentActivity } from '../server/collaboration/activity.ts';
import { notifyProgress } from './progress.ts';
import { findLiveTrainJobs, sendTrainBatch } from './queue.ts';
import { computeRobustness, recordSelectionStep, type ModelRobustness } from './selection-step.ts';

/** Outcome of a scheduling job. */
export type ScheduleOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'waiting'; step: number; pendingInstances: number }
  | { kind: 'stepStarted'; step: number; instances: number }
  | { kind: 'finished'; step: number; selectedModelId: string }
  | { kind: 'failed'; step: number; error: string };

interface Decision {
  outcome: ScheduleOutcome;
  /** Training jobs to enqueue once the transaction has committed. */
  trainJobs: TrainJob[];
  /** True when `trainJobs` are of waiting instances, which mostly have a live job already. */
  resend?: boolean;
}

type Tx = Prisma.TransactionClient;

const ENDED_EXPERIMENT = ['finished', 'cancelled', 'failed'];
const PENDING_INSTANCE = ['queued', 'running'];

/**
 * Runs one scheduling job of an experiment in one transaction under a lock
 * per experiment, then enqueues the training jobs of the instances it
 * created. Running it again is safe: a step waiting for its instances
 * re-enqueues their training jobs, which the training queue deduplicates by
 * instance id.
 */
export async function runScheduleJob(input: {
  db: Db;
  boss: PgBoss;
  experimentId: string;
  logger: Logger;
}): Promise<ScheduleOutcome> {
  const { db, boss, experimentId, logger } = input;
  const decision = await db.$transaction((tx) => decide(tx, experimentId, logger), { maxWait: 10_000, timeout: 60_000 });

  let trainJobs = decision.trainJobs;
  if (decision.resend) {
    const live = await findLiveTrainJobs(boss, trainJobs.map((job) => job.instanceId));
    trainJobs = trainJobs.filter((job) => !live.has(job.instanceId));
    if (trainJobs.length > 0) logger.warn({ experimentId, instances: trainJobs.length }, 're-enqueuing lost training jobs');
  }
  await sendTrainBatch(boss, trainJobs);
  return decision.outcome;
}

async function decide(tx: Tx, experimentId: string, logger: Logger): Promise<Decision> {
  // The advisory lock keeps scheduling jobs of one experiment apart, and the
  // row lock makes a concurrent cancellation wait for this transaction.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`robustlab-schedule:${experimentId}`}, 0))`;
  await tx.$queryRaw`SELECT id FROM experiments WHERE id = ${experimentId}::uuid FOR UPDATE`;
  const experiment = await tx.experiment.findUnique({ where: { id: experimentId } });
  if (experiment === null) return skip('experiment not found');
  if (ENDED_EXPERIMENT.includes(experiment.status)) return skip(`experiment is ${experiment.status}`);

  const parsed = experimentConfigSchema.safeParse(experiment.config);
  if (!parsed.success) {
    return failExperiment(tx, experimentId, experiment.currentStep, `Invalid experiment config: ${parsed.error.message}`);
  }
  const config = parsed.data;

  const models = await tx.model.findMany({
    where: { experimentId, status: 'active' },
    select: { id: true, hash: true, instances: { select: { id: true, step: true, status: true, testLoss: true } } },
    orderBy: { id: 'asc' },
  });
  if (models.length === 0) return failExperiment(tx, experimentId, experiment.currentStep, 'Experiment has no active model.');

  const step = experiment.currentStep;
  const pending = models.flatMap((model) =>
    model.instances.filter((instance) => instance.step === step && PENDING_INSTANCE.includes(instance.status)),
  );
  if (step > 0 && pending.length > 0) {
    return {
      outcome: { kind: 'waiting', step, pendingInstances: pending.length },
      trainJobs: pending.map((instance) => ({ experimentId, instanceId: instance.id })),
      resend: true,
    };
  }

  let survivors = models;
  let values: ModelRobustness[] = computeRobustness(models, config.selection.statistic);
  if (step > 0) {
    const recorded = await tx.selectionStep.findUnique({ where: { experimentId_step: { experimentId, step } } });
    if (recorded === null) {
      const record = await recordSelectionStep({ tx, experimentId, step, policy: config.selection, models });
      survivors = models.filter((model) => record.survivors.includes(model.id));
      values = record.values.filter((value) => record.survivors.includes(value.modelId));
      logger.info(
        { experimentId, step, threshold: record.threshold, eliminated: record.eliminated.length, survivors: survivors.length },
        'selection step recorded',
      );
    }
  }

  const modelCount = await tx.model.count({ where: { experimentId } });
  if (isSelectionFinished({ survivors: survivors.length, modelCount, step, maxInstances: config.selection.maxInstances })) {
    return finishExperiment(tx, experimentId, step, values);
  }
  return startStep(tx, experiment.id, step + 1, config, survivors, experiment.startedAt === null);
}

function skip(reason: string): Decision {
  return { outcome: { kind: 'skipped', reason }, trainJobs: [] };
}

async function failExperiment(tx: Tx, experimentId: string, step: number, error: string): Promise<Decision> {
  await tx.experiment.update({ where: { id: experimentId }, data: { status: 'failed', error, finishedAt: new Date() } });
  await recordExperimentActivity({ db: tx, experimentId, kind: 'experiment_failed' });
  await notifyProgress(tx, experimentId);
  return { outcome: { kind: 'failed', step, error }, trainJobs: [] };
}

async function finishExperiment(tx: Tx, experimentId: string, step: number, values: ModelRobustness[]): Promise<Decision> {
  const selectedModelId = pickSelectedModel(values.map(({ modelId, value }) => ({ modelId, value })));
  if (selectedModelId === null) {
    const error = `No surviving model has a robustness value after step ${step}: their instances diverged or failed.`;
    return failExperiment(tx, experimentId, step, error);
  }

  await tx.model.update({ where: { id: selectedModelId }, data: { status: 'selected' } });
  await tx.experiment.update({
    where: { id: experimentId },
    data: { status: 'finished', selectedModelId, finishedAt: new Date() },
  });
  await recordExperimentActivity({ db: tx, experimentId, kind: 'experiment_finished' });
  await notifyProgress(tx, experimentId);
  return { outcome: { kind: 'finished', step, selectedModelId }, trainJobs: [] };
}

async function startStep(
  tx: Tx,
  experimentId: string,
  step: number,
  config: ExperimentConfig,
  models: { id: string; hash: string; instances: unknown[] }[],
  first: boolean,
): Promise<Decision> {
  const rows = models.map((model) => {
    const instanceIndex = model.instances.length;
    const seeds = instanceSeeds({
      experimentSeed: config.seed,
      modelHash: model.hash,
      instanceIndex,
      randomness: config.randomness,
    });
    return {
      modelId: model.id,
      instanceIndex,
      step,
      initSeed: seeds.init,
      sampleSeed: seeds.sample,
      shuffleSeed: seeds.shuffle,
      trainSize: config.trainSize,
    };
  });
  const instances = await tx.instance.createManyAndReturn({ data: rows, select: { id: true } });

  await tx.experiment.update({
    where: { id: experimentId },
    data: { currentStep: step, status: 'running', ...(first ? { startedAt: new Date() } : {}) },
  });
  await notifyProgress(tx, experimentId);
  return {
    outcome: { kind: 'stepStarted', step, instances: instances.length },
    trainJobs: instances.map((instance) => ({ experimentId, instanceId: instance.id })),
  };
}
