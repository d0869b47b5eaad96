/** Batched reads of experiment-level aggregates, one query per batch of experiments. */
import { Prisma, type ExperimentStatus, type InstanceStatus, type ModelStatus } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import { totalOfPage } from '../graphql/paging.ts';
import { queryRows, type SqlReader } from './sql.ts';

/** Finished test losses of every model, in instance order, keyed by model id. */
export type LossesByModel = Map<string, number[]>;

/**
 * Loads the finished test losses of every model of the given experiments in
 * one query. Non-finite losses are left out because no statistic is defined
 * over them.
 */
export async function loadFinishedTestLosses({ db, experimentIds }: { db: DbOrTx; experimentIds: string[] }): Promise<Map<string, LossesByModel>> {
  const rows = await db.$queryRaw<{ experimentId: string; modelId: string; testLoss: number }[]>`
    SELECT m.experiment_id AS "experimentId", i.model_id AS "modelId", i.test_loss AS "testLoss"
    FROM instances i JOIN models m ON m.id = i.model_id
    WHERE m.experiment_id = ANY(${experimentIds}::uuid[]) AND i.status = 'finished' AND i.test_loss IS NOT NULL
    ORDER BY i.model_id, i.instance_index`;

  const result = new Map<string, LossesByModel>(experimentIds.map((id) => [id, new Map()]));
  for (const row of rows) {
    if (!Number.isFinite(row.testLoss)) continue;
    const byModel = result.get(row.experimentId)!;
    const losses = byModel.get(row.modelId);
    if (losses) losses.push(row.testLoss);
    else byModel.set(row.modelId, [row.testLoss]);
  }
  return result;
}

/**
 * Loads the finished, finite test losses of the given models only, in
 * instance order, so that a page showing a few models of many experiments
 * (the selected models of a study's experiments) does not read every instance.
 */
export async function loadModelTestLosses({ db, modelIds }: { db: SqlReader; modelIds: string[] }): Promise<LossesByModel> {
  const rows = await queryRows<{ modelId: string; testLoss: number }>(
    db,
    'experiments.model_test_losses',
    `SELECT model_id::text AS "modelId", test_loss AS "testLoss" FROM instances
     WHERE model_id = ANY($1::uuid[]) AND status = 'finished' AND test_loss IS NOT NULL
     ORDER BY model_id, instance_index`,
    [modelIds],
  );

  const result: LossesByModel = new Map();
  for (const row of rows) {
    if (!Number.isFinite(row.testLoss)) continue;
    const losses = result.get(row.modelId);
    if (losses) losses.push(row.testLoss);
    else result.set(row.modelId, [row.testLoss]);
  }
  return result;
}

export type InstanceCounts = Record<InstanceStatus, number>;

function emptyInstanceCounts(): InstanceCounts {
  return { queued: 0, running: 0, finished: 0, diverged: 0, failed: 0, cancelled: 0 };
}

/** Counts the instances of each experiment by status. */
export async function countInstances({ db, experimentIds }: { db: SqlReader; experimentIds: string[] }): Promise<Map<string, InstanceCounts>> {
  const rows = await queryRows<{ experimentId: string; status: InstanceStatus; count: number }>(
    db,
    'experiments.count_instances',
    `SELECT m.experiment_id::text AS "experimentId", i.status::text AS status, count(*)::int AS count
     FROM instances i JOIN models m ON m.id = i.model_id
     WHERE m.experiment_id = ANY($1::uuid[])
     GROUP BY 1, 2`,
    [experimentIds],
  );

  const result = new Map(experimentIds.map((id) => [id, emptyInstanceCounts()]));
  for (const row of rows) result.get(row.experimentId)![row.status] = row.count;
  return result;
}

export type ModelCounts = Record<ModelStatus, number> & { total: number };

/** Counts the models of each experiment by status. */
export async function countModels({ db, experimentIds }: { db: SqlReader; experimentIds: string[] }): Promise<Map<string, ModelCounts>> {
  const groups = await queryRows<{ experimentId: string; status: ModelStatus; count: number }>(
    db,
    'experiments.count_models',
    `SELECT experiment_id::text AS "experimentId", status::text AS status, count(*)::int AS count
     FROM models WHERE experiment_id = ANY($1::uuid[])
     GROUP BY 1, 2`,
    [experimentIds],
  );

  const result = new Map<string, ModelCounts>(
    experimentIds.map((id) => [id, { active: 0, eliminated: 0, selected: 0, total: 0 }]),
  );
  for (const group of groups) {
    const counts = result.get(group.experimentId)!;
    counts[group.status] = group.count;
    counts.total += group.count;
  }
  return result;
}

/** Lists a study's experiments, newest first. */
export async function listExperiments({
  db,
  studyId,
  status,
  offset,
  limit,
}: {
  db: DbOrTx;
  studyId: string;
  status?: ExperimentStatus | null;
  offset: number;
  limit: number;
}) {
  const where: Prisma.ExperimentWhereInput = { studyId, ...(status ? { status } : {}) };
  // `first: 0` requests the count only, as the study page does.
  const items = limit === 0 ? [] : await db.experiment.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: offset, take: limit });
  const total = await totalOfPage({ offset, limit }, items.length, () => db.experiment.count({ where }));
  return { items, total };
}
