import type { PgBoss } from 'pg-boss';
import { experimentConfigSchema, type ExperimentConfig } from '../../lib/config.ts';
import { expandModelSpace, type ExpandedModel } from '../../lib/space.ts';
import { sendSchedule } from '../../worker/queue.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Db, DbOrTx } from '../db.ts';
import { badUserInput } from '../graphql/errors.ts';
import { zodToUserInputError } from './validation.ts';

/** Parses an experiment configuration; a bad value raises BAD_USER_INPUT naming its path. */
export function parseExperimentConfig(config: unknown): ExperimentConfig {
  const result = experimentConfigSchema.safeParse(config);
  if (!result.success) throw zodToUserInputError(result.error, config, 'config');
  return result.data;
}

/** Returns the latest version of a dataset, or BAD_USER_INPUT listing the known keys. */
export async function findLatestDataset({ db, key, argumentName = 'config' }: { db: DbOrTx; key: string; argumentName?: string }) {
  const dataset = await db.dataset.findFirst({ where: { key }, orderBy: { version: 'desc' } });
  if (dataset) return dataset;

  const known = await db.dataset.findMany({ distinct: ['key'], select: { key: true }, orderBy: { key: 'asc' } });
  const allowed = known.length > 0 ? known.map((row) => row.key).join(', ') : 'none (no dataset is installed)';
  const where = argumentName === 'config' ? 'config at dataset' : argumentName;
  throw badUserInput(`Invalid ${where}: unknown dataset ${JSON.stringify(key)}; expected one of ${allowed}.`, argumentName);
}

/** Expands the model space for a dataset; an architecture that does not fit the input raises BAD_USER_INPUT. */
export function expandForDataset(config: Pick<ExperimentConfig, 'space'>, dataset: { inputShape: number[]; classes: number }) {
  try {
    return expandModelSpace(config.space, { shape: dataset.inputShape, classes: dataset.classes });
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw badUserInput(`Invalid config at space: ${error.message}`, 'config');
    throw error;
  }
}

function modelRows(models: ExpandedModel[], experimentId: string): Prisma.ModelCreateManyInput[] {
  return models.map((model) => ({
    experimentId,
    hash: model.hash,
    label: model.label,
    config: model.spec as unknown as Prisma.InputJsonValue,
    parameterCount: model.parameterCount,
  }));
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
  const dataset = await findLatestDataset({ db, key: config.dataset });
  const { models, overBudget } = expandForDataset(config, dataset);
  if (models.length === 0) {
    throw badUserInput(
      `Invalid config at space: no model is within the parameter budget of ${config.space.parameterBudget} ` +
        `(${overBudget} models exceed it); raise space.parameterBudget or list smaller architectures.`,
      'config',
    );
  }

  const experiment = await db.$transaction(async (tx) => {
    const created = await tx.experiment.create({
      data: {
        studyId,
        datasetId: dataset.id,
        createdById: userId,
        name: config.name,
        config: config as unknown as Prisma.InputJsonValue,
        exhaustiveTrainings: models.length * config.selection.maxInstances,
      },
    });
    await tx.model.createMany({ data: modelRows(models, created.id) });
    return created;
  });

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
