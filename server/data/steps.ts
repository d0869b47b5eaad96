/** Reads of selection steps for the API. */
import type { SelectionStep, SelectionStepModel } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';

/**
 * Loads an experiment's selection steps in step order, each with the values
 * of its models. The values come from one raw query because an experiment
 * with thousands of models has tens of thousands of them, and building them
 * through a Prisma `include` took several times longer.
 */
export async function loadSteps({ db, experimentId }: { db: DbOrTx; experimentId: string }): Promise<(SelectionStep & { models: SelectionStepModel[] })[]> {
  const steps = await db.selectionStep.findMany({ where: { experimentId }, orderBy: { step: 'asc' } });
  if (steps.length === 0) return [];

  const values = await db.$queryRaw<SelectionStepModel[]>`
    SELECT step_id::text AS "stepId", model_id::text AS "modelId", value, instance_count AS "instanceCount",
           ci_low AS "ciLow", ci_high AS "ciHigh", eliminated
    FROM selection_step_models WHERE step_id = ANY(${steps.map((step) => step.id)}::uuid[])
    ORDER BY step_id, model_id`;

  const byStep = new Map(steps.map((step) => [step.id, [] as SelectionStepModel[]]));
  for (const value of values) byStep.get(value.stepId)!.push(value);
  return steps.map((step) => ({ ...step, models: byStep.get(step.id)! }));
}
