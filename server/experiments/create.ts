import type { PgBoss } from 'pg-boss';
import { newExperimentConfigSchema, type ExperimentConfig, type Task } from '../../lib/config.ts';
import { expandModelSpace, summarizeModelSpace, type ExpandedModel, type NetworkInput } from '../../lib/space.ts';
import { sendSchedule } from '../../worker/queue.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Db, DbOrTx } from '../db.ts';
import { badUserInput } from '../graphql/errors.ts';
import { zodToUserInputError } from './validation.ts';
import { recordActivity } from '../collaboration/activity.ts';

/** Parses the configuration of a new experiment; a bad value raises BAD_USER_INPUT naming its path. */
export function parseExperimentConfig(config: unknown): ExperimentConfig {
  const result = newExperimentConfigSchema.safeParse(config);
  if (!result.success) throw zodToUserInputError(result.error, config, 'config');
  return result.data;
}

/**
 * Returns the latest version of a dataset, or BAD_USER_INPUT listing the known
 * keys. Uploaded datasets are found only in `studyId`, or without a study in
 * any study of `userId`; built-in datasets everywhere.
 */
export async function findLatestDataset({
  db,
  key,
  argumentName = 'config',
  studyId,
  userId,
}: {
  db: DbOrTx;
  key: string;
  argumentName?: string;
  studyId?: string;
  userId?: string;
}) {
  const owner: Prisma.DatasetWhereInput =
    studyId !== undefined
      ? { OR: [{ studyId: null }, { studyId }] }
      : { OR: [{ studyId: null }, ...(userId === undefined ? [] : [{ study: { memberships: { some: { userId } } } }])] };
  const dataset = await db.dataset.findFirst({ where: { key, ...owner }, orderBy: { version: 'desc' } });
  if (dataset) return dataset;

  const known = await db.dataset.findMany({ where: owner, distinct: ['key'], select: { key: true }, orderBy: { key: 'asc' } });
  const allowed = known.length > 0 ? known.map((row) => row.key).join(', ') : 'none (no dataset is installed)';
  const where = argumentName === 'config' ? 'config at dataset' : argumentName;
  throw badUserInput(`Invalid ${where}: unknown dataset ${JSON.stringify(key)}; expected one of ${allowed}.`, argumentName);
}

/**
 * Expands the model space for a dataset. An architecture that does not fit
 * the input, a loss that does not fit the task or a sample larger than the
 * space raises BAD_USER_INPUT.
 */
export function expandForDataset(config: Pick<ExperimentConfig, 'space'>, dataset: SpaceDataset) {
  return withDatasetChecks(config, dataset, (input) => expandModelSpace(config.space, input));
}

/**
 * Summarizes the model space for a dataset: the counts and the first `limit`
 * models, without building the others. Raises what `expandForDataset` raises.
 */
export function summarizeForDataset(config: Pick<ExperimentConfig, 'space'>, dataset: SpaceDataset, limit: number) {
  return withDatasetChecks(config, dataset, (input) => summarizeModelSpace(config.space, input, limit));
}

type SpaceDataset = { key?: string; inputShape: number[]; classes: number; task?: Task; studyId?: string | null };

function withDatasetChecks<T>(config: Pick<ExperimentConfig, 'space'>, dataset: SpaceDataset, expand: (input: NetworkInput) => T): T {
  // Uploaded CSV datasets have input shape [features], which has no spatial structure to convolve.
  const tabular = dataset.studyId != null && dataset.inputShape.length === 1;
  const convIndex = config.space.architectures.findIndex((architecture) => (architecture.conv ?? []).length > 0);
  if (tabular && convIndex >= 0) {
    throw badUserInput(
      `Invalid config at space.architectures[${convIndex}].conv: dataset ${dataset.key ?? ''} is tabular with input shape [${dataset.inputShape.join(', ')}], ` +
        'and convolution layers need image inputs; use dense layers only.',
      'config',
    );
  }
  try {
    return expand({ shape: dataset.inputShape, classes: dataset.classes, task: dataset.task });
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw badUserInput(`Invalid config at space: ${error.message}`, 'config');
    throw error;
  }
}

/** Models per INSERT statement, so that one statement's arrays stay a few MB. */
const MODEL_INSERT_CHUNK = 20_000;

/**
 * Timeout of the transaction that stores an experiment with its models. The
 * default of 5 s is too short for large model spaces: bench/create-experiment.ts
 * measures the time for MAX_MODEL_SPACE_SIZE models.
 */
const CREATE_TRANSACTION_TIMEOUT_MS = 180_000;

/** Inserts the models of an experiment with one INSERT ... SELECT FROM unnest per chunk, which binds 4 arrays instead of 5 parameters per row. */
async function insertModels(tx: Prisma.TransactionClient, experimentId: string, models: ExpandedModel[]): Promise<void> {
  for (let start = 0; start < models.length; start += MODEL_INSERT_CHUNK) {
    const chunk = models.slice(start, start + MODEL_INSERT_CHUNK);
    await tx.$executeRaw`
      INSERT INTO models (id, experiment_id, hash, label, config, parameter_count)
      SELECT gen_random_uuid(), ${experimentId}::uuid, hash, label, config, parameter_count
      FROM unnest(
        ${chunk.map((model) => model.hash)}::text[],
        ${chunk.map((model) => model.label)}::text[],
        ${chunk.map((model) => JSON.stringify(model.spec))}::jsonb[],
        ${chunk.map((model) => model.parameterCount)}::int[]
      ) AS row(hash, label, config, parameter_count)`;
  }
}

/**
 * Validates a configuration, stores the experiment with its models in one
 * transaction and enqueues its first scheduling job. The caller checks that
 * the user may edit the study.
 */
export async function createExperiment({
  db,
  boss,
  studyId,
  userId,
  config: input,
}: {
  db: Db;
  boss: PgBoss;
  studyId: string;
  userId: string;
  config: unknown;
}) {
  const config = parseExperimentConfig(input);
  const dataset = await findLatestDataset({ db, key: config.dataset, studyId });
  if (config.trainSize > dataset.trainCount) {
    throw badUserInput(
      `Invalid config at trainSize: value ${config.trainSize} exceeds the training pool of dataset ${dataset.key}, ` +
        `which has ${dataset.trainCount} samples; use a trainSize of at most ${dataset.trainCount}.`,
      'config',
    );
  }
  const { models, overBudget } = expandForDataset(config, dataset);
  if (models.length === 0) {
    throw badUserInput(
      `Invalid config at space: no model is within the parameter budget of ${config.space.parameterBudget} ` +
        `(${overBudget} models exceed it); raise space.parameterBudget or list smaller architectures.`,
      'config',
    );
  }

  // A random sample without a count stores the count it drew, so the stored config states the experiment exactly.
  const stored = config.space.sampling.kind === 'random' ? { ...config, space: { ...config.space, sampling: { ...config.space.sampling, count: models.length } } } : config;

  const experiment = await db.$transaction(async (tx) => {
    const created = await tx.experiment.create({
      data: {
        studyId,
        datasetId: dataset.id,
        createdById: userId,
        name: config.name,
        config: stored as unknown as Prisma.InputJsonValue,
        exhaustiveTrainings: models.length * config.selection.maxInstances,
      },
    });
    await insertModels(tx, created.id, models);
    await recordActivity({ db: tx, studyId, kind: 'experiment_started', actorId: userId, experimentId: created.id, summary: created.name });
    return created;
  }, { maxWait: 10_000, timeout: CREATE_TRANSACTION_TIMEOUT_MS });

  // NOTE: the job is sent after the commit, so a failure here leaves a stored
  // experiment without a job. It is marked failed so that it does not look queued.
  try {
    await sendSchedule(boss, experiment.id);
  } catch (error) {
    await db.experiment.update({
      where: { id: experiment.id },
      data: { status: 'failed', error: 'Could not enqueue the scheduling job.', finishedAt: new Date() },
    });
    throw error;
  }
  return experiment;
}
