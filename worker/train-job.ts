/**
 * The training job handler: trains one instance and stores its result, then
 * asks the scheduler to look at the experiment again.
 */
import type { Job, JobWithMetadata, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { experimentConfigSchema, modelSpecSchema } from '../lib/config.ts';
import type { Db } from '../server/db.ts';
import { loadDatasetOfRow } from './datasets/index.ts';
import type { BackendName } from './engine/backend.ts';
import { resolveLoss, targetsPerSample, trainInstance, TrainingStoppedError, type EpochProgress } from './engine/train.ts';
import { endInstanceWithoutResult, isInstanceEnded, markInstanceRunning, storeInstanceResult } from './instance-store.ts';
import { parseTrainJob, sendSchedule, TRAIN_QUEUE_OPTIONS } from './queue.ts';
import { captureWeights, type InstanceWeights } from './weights.ts';

/** Outcome of a training job. */
export type TrainOutcome =
  | { kind: 'missing' }
  | { kind: 'alreadyEnded'; status: string }
  | { kind: 'cancelled' }
  | { kind: 'trained'; status: 'finished' | 'diverged'; stored: boolean }
  | { kind: 'failed'; error: string };

/** Input of `runTrainJob`. */
export interface TrainJobInput {
  db: Db;
  boss: PgBoss;
  job: Job<unknown> | JobWithMetadata<unknown>;
  /** Backend that `initBackend` activated in this process. */
  backend: BackendName;
  workerId: string;
  logger: Logger;
  /** Polled between training batches; true aborts the training and the job is retried later. */
  shouldStop?: () => boolean;
  /** Called after each finished epoch, for example to show progress in the worker registry. */
  onEpoch?: (progress: EpochProgress) => void;
}

/** Milliseconds between checks whether the experiment of a running training was cancelled. */
const CANCEL_POLL_MS = 2000;

/**
 * Trains the instance of a training job. An instance that has already ended
 * is left alone, and an instance of a cancelled experiment is marked
 * cancelled. A training error fails the instance on the job's last attempt
 * and is rethrown before that, so pg-boss retries the job. Invalid input
 * fails the instance on the first attempt, because a retry cannot succeed.
 */
export async function runTrainJob(input: TrainJobInput): Promise<TrainOutcome> {
  const { db, boss, job, logger } = input;
  const { experimentId, instanceId } = parseTrainJob(job.data);

  const instance = await db.instance.findUnique({
    where: { id: instanceId },
    select: {
      status: true,
      initSeed: true,
      sampleSeed: true,
      shuffleSeed: true,
      trainSize: true,
      model: {
        select: {
          config: true,
          experimentId: true,
          experiment: { select: { status: true, config: true, dataset: { select: { id: true, key: true, version: true, studyId: true } } } },
        },
      },
    },
  });
  if (instance === null) {
    logger.warn({ experimentId, instanceId }, 'instance not found; the experiment was probably deleted');
    return { kind: 'missing' };
  }
  if (instance.model.experimentId !== experimentId) {
    throw new Error(`Instance ${instanceId} belongs to experiment ${instance.model.experimentId}, not to ${experimentId}.`);
  }
  if (isInstanceEnded(instance.status)) {
    await sendSchedule(boss, experimentId);
    return { kind: 'alreadyEnded', status: instance.status };
  }

  const { experiment } = instance.model;
  if (experiment.status === 'cancelled' || experiment.status === 'finished' || experiment.status === 'failed') {
    await endInstanceWithoutResult({ db, experimentId, instanceId, status: 'cancelled' });
    return { kind: 'cancelled' };
  }

  const started = await markInstanceRunning({ db, experimentId, instanceId, workerId: input.workerId, backend: input.backend });
  if (!started) return { kind: 'alreadyEnded', status: 'ended while starting' };

  const cancellation = watchCancellation(db, experimentId, logger);
  try {
    const dataset = await loadDatasetOfRow({ db, dataset: experiment.dataset });
    const config = experimentConfigSchema.parse(experiment.config);
    const poolSize = dataset.trainY.length / targetsPerSample(dataset);
    if (instance.trainSize > poolSize) {
      throw new InvalidTrainingInputError(
        `Invalid trainSize ${instance.trainSize}: dataset ${experiment.dataset.key} has a training pool of ${poolSize} samples.`,
      );
    }
    const spec = modelSpecSchema.parse(instance.model.config);
    try {
      resolveLoss(spec, dataset.task);
    } catch (error) {
      throw new InvalidTrainingInputError(`Invalid model of experiment ${experimentId}: ${(error as Error).message}`);
    }
    let weights: InstanceWeights | null = null;
    const result = await trainInstance({
      spec,
      dataset,
      seeds: { init: instance.initSeed, sample: instance.sampleSeed, shuffle: instance.shuffleSeed },
      trainSize: instance.trainSize,
      validationFraction: config.validationFraction,
      backend: input.backend,
      shouldStop: () => cancellation.cancelled || (input.shouldStop?.() ?? false),
      onEpoch: input.onEpoch,
      onTrained: async (model) => {
        weights = await captureWeights(model);
      },
    });

    const stored = await storeInstanceResult({ db, experimentId, instanceId, backend: input.backend, result, weights });
    await sendSchedule(boss, experimentId);
    return { kind: 'trained', status: result.status, stored };
  } catch (error) {
    return await handleTrainingError({ ...input, experimentId, instanceId, error, cancelled: cancellation.cancelled });
  } finally {
    cancellation.stop();
  }
}

async function handleTrainingError(input: TrainJobInput & {
  experimentId: string;
  instanceId: string;
  error: unknown;
  cancelled: boolean;
}): Promise<TrainOutcome> {
  const { db, boss, job, experimentId, instanceId, error } = input;
  if (error instanceof TrainingStoppedError && input.cancelled) {
    await endInstanceWithoutResult({ db, experimentId, instanceId, status: 'cancelled' });
    return { kind: 'cancelled' };
  }
  // A stop of the worker process leaves the instance to the retried job.
  if (error instanceof TrainingStoppedError) throw error;

  const retryLimit = 'retryLimit' in job ? job.retryLimit : TRAIN_QUEUE_OPTIONS.retryLimit;
  const final = isFinalError(error);
  if (!final && job.retryCount < retryLimit) throw error;

  const message = error instanceof Error ? error.message : String(error);
  await endInstanceWithoutResult({ db, experimentId, instanceId, status: 'failed', error: message });
  await sendSchedule(boss, experimentId);
  const reason = final ? 'training input is invalid, so a retry cannot succeed' : 'training failed on the last attempt';
  input.logger.error({ err: error, experimentId, instanceId, attempt: job.retryCount + 1 }, `${reason}; instance marked failed`);
  return { kind: 'failed', error: message };
}

/** Error of a training whose input is invalid, so that every retry would fail the same way. */
export class InvalidTrainingInputError extends Error {
  override name = 'InvalidTrainingInputError';
}

/** Tells whether an error fails the instance at once: invalid input or a stored configuration that no longer parses. */
function isFinalError(error: unknown): boolean {
  return error instanceof InvalidTrainingInputError || error instanceof ZodError;
}

/** Polls the experiment status while an instance trains, so a cancellation stops the training early. */
function watchCancellation(db: Db, experimentId: string, logger: Logger): { readonly cancelled: boolean; stop(): void } {
  const watch = { cancelled: false, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    db.experiment
      .findUnique({ where: { id: experimentId }, select: { status: true } })
      .then((experiment) => {
        if (experiment === null || experiment.status === 'cancelled') watch.cancelled = true;
      })
      .catch((error: unknown) => logger.warn({ err: error, experimentId }, 'cancellation check failed'));
  }, CANCEL_POLL_MS);
  timer.unref();
  return watch;
}

/**
 * Handles a training job that pg-boss failed for good, for example because
 * its worker died on the last attempt: fails the instance if it is still open
 * and asks the scheduler to go on.
 */
export async function runDeadTrainJob(input: { db: Db; boss: PgBoss; job: Job<unknown>; logger: Logger }): Promise<void> {
  const { db, boss, job, logger } = input;
  const { experimentId, instanceId } = parseTrainJob(job.data);
  const error = 'Training job failed after all its attempts (worker lost or error).';
  const ended = await endInstanceWithoutResult({ db, experimentId, instanceId, status: 'failed', error });
  if (ended) logger.warn({ experimentId, instanceId }, 'instance marked failed after its training job failed for good');
  await sendSchedule(boss, experimentId);
}
