/** Reads of selection steps for the API. */
import type { SelectionStep, SelectionStepModel } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';

/**
 * Loads an experiment's selection steps in step order, each with the values
 * of its models. The values come from one raw query because an experiment
 * with thousands of models has tens of thousands of them, and building them
 * through a Prisma `include` took several times longer.
 */
export async function loadSteps({
  db,
  experimentId,
  withValues = true,
}: {
  db: DbOrTx;
  experimentId: string;
  /** False leaves `models` empty, for requests that do not ask for the values. */
  withValues?: boolean;
}): Promise<(SelectionStep & { models: SelectionStepModel[] })[]> {
  const steps = await db.selectionStep.findMany({ where: { experimentId }, orderBy: { step: 'asc' } });
  if (steps.length === 0) return [];
  if (!withValues) return steps.map((step) => ({ ...step, models: [] }));

  const values = await db.$queryRaw<SelectionStepModel[]>`
    SELECT step_id::text AS "stepId", model_id::text AS "modelId", value, instance_count AS "instanceCount",
           ci_low AS "ciLow", ci_high AS "ciHigh", eliminated
    FROM selection_step_models WHERE step_id = ANY(${steps.map((step) => step.id)}::uuid[])
    ORDER BY step_id, model_id`;

  const byStep = new Map(steps.map((step) => [step.id, [] as SelectionStepModel[]]));
  for (const value of values) byStep.get(value.stepId)!.push(value);
  return steps.map((step) => ({ ...step, models: byStep.get(step.id)! }));
}

/** Robustness value of one model at one selection step that trained it. */
export type ModelStepValue = { step: number; value: number | null; eliminated: boolean };

/**
 * Loads the selection-step values of the given models, each list in step
 * order, so that a page of models brings only its own elimination paths.
 */
export async function loadModelStepValues({ db, modelIds }: { db: DbOrTx; modelIds: string[] }): Promise<Map<string, ModelStepValue[]>> {
  const rows = await db.$queryRaw<(ModelStepValue & { modelId: string })[]>`
    SELECT v.model_id::text AS "modelId", s.step, v.value, v.eliminated
    FROM selection_step_models v JOIN selection_steps s ON s.id = v.step_id
    WHERE v.model_id = ANY(${modelIds}::uuid[])
    ORDER BY v.model_id, s.step`;

  const byModel = new Map<string, ModelStepValue[]>(modelIds.map((id) => [id, []]));
  for (const { modelId, ...value } of rows) byModel.get(modelId)?.push(value);
  return byModel;
}
