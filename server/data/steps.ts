/** Reads of selection steps for the API. */
import type { SelectionStep, SelectionStepModel } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import { queryRows, type SqlReader } from './sql.ts';

/**
 * Most selection steps of one experiment: the selection trains each model
 * once per step and stops at maxInstances, which lib/config.ts caps at 200.
 */
export const MAX_STEPS = 200;

/** Loads an experiment's selection steps in step order, without their model values. */
export async function loadSteps({ db, experimentId }: { db: DbOrTx; experimentId: string }): Promise<SelectionStep[]> {
  return db.selectionStep.findMany({ where: { experimentId }, orderBy: { step: 'asc' }, take: MAX_STEPS });
}

/** One page of the model values of each requested step, with the step's number of values. */
export type StepValuePage = { items: SelectionStepModel[]; total: number };

/**
 * Loads the same page (values `offset` to `offset + limit - 1` in model id
 * order) of the model values of several steps in one raw query. A step of a
 * large experiment has thousands of values, so only the page is returned.
 */
export async function loadStepValuePages({
  db,
  stepIds,
  offset,
  limit,
}: {
  db: DbOrTx;
  stepIds: string[];
  offset: number;
  limit: number;
}): Promise<Map<string, StepValuePage>> {
  const rows = await db.$queryRaw<(SelectionStepModel & { total: number })[]>`
    SELECT "stepId", "modelId", value, "instanceCount", "ciLow", "ciHigh", eliminated, total
    FROM (
      SELECT step_id::text AS "stepId", model_id::text AS "modelId", value, instance_count AS "instanceCount",
             ci_low AS "ciLow", ci_high AS "ciHigh", eliminated,
             row_number() OVER (PARTITION BY step_id ORDER BY model_id) - 1 AS position,
             (count(*) OVER (PARTITION BY step_id))::int AS total
      FROM selection_step_models WHERE step_id = ANY(${stepIds}::uuid[])
    ) numbered
    WHERE position >= ${offset} AND position < ${offset + limit}
    ORDER BY "stepId", position
    LIMIT ${stepIds.length * limit}`;

  const pages = new Map<string, StepValuePage>(stepIds.map((id) => [id, { items: [], total: 0 }]));
  for (const { total, ...value } of rows) {
    const page = pages.get(value.stepId)!;
    page.items.push(value);
    page.total = total;
  }

  // An empty page (first: 0 or past the end) has no row to carry the step's total.
  const empty = stepIds.filter((id) => pages.get(id)!.items.length === 0);
  if (empty.length > 0) {
    const counts = await db.$queryRaw<{ stepId: string; total: number }[]>`
      SELECT step_id::text AS "stepId", count(*)::int AS total FROM selection_step_models
      WHERE step_id = ANY(${empty}::uuid[]) GROUP BY step_id`;
    for (const { stepId, total } of counts) pages.get(stepId)!.total = total;
  }
  return pages;
}

/** Robustness value of one model at one selection step that trained it. */
export type ModelStepValue = { step: number; value: number | null; eliminated: boolean };

/**
 * Loads the selection-step values of the given models, each list in step
 * order, so that a page of models brings only its own elimination paths.
 */
export async function loadModelStepValues({ db, modelIds }: { db: SqlReader; modelIds: string[] }): Promise<Map<string, ModelStepValue[]>> {
  const rows = await queryRows<ModelStepValue & { modelId: string }>(
    db,
    'steps.model_step_values',
    `SELECT v.model_id::text AS "modelId", s.step, v.value, v.eliminated
     FROM selection_step_models v JOIN selection_steps s ON s.id = v.step_id
     WHERE v.model_id = ANY($1::uuid[])
     ORDER BY v.model_id, s.step`,
    [modelIds],
  );

  const byModel = new Map<string, ModelStepValue[]>(modelIds.map((id) => [id, []]));
  for (const { modelId, ...value } of rows) byModel.get(modelId)?.push(value);
  return byModel;
}
