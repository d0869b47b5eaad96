/**
 * The end of a selection step: robustness values of the active models,
 * elimination by the threshold rule, and the step record.
 */
import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import type { SelectionPolicy, Statistic } from '../lib/config.ts';
import { applyThreshold, shouldEliminate, type ModelValue } from '../lib/selection.ts';
import { DEFAULT_CONFIDENCE, robustnessValue, type RobustnessValue } from '../lib/statistics.ts';

/** An active model with the status and test loss of each of its instances. */
export interface ModelInstances {
  id: string;
  instances: { status: string; testLoss: number | null }[];
}

/** Robustness value of one model, keyed by the model id. */
export interface ModelRobustness extends RobustnessValue {
  modelId: string;
}

/** Outcome of one recorded selection step. */
export interface StepRecord {
  threshold: number | null;
  eliminated: string[];
  survivors: string[];
  values: ModelRobustness[];
}

/**
 * Derives the bootstrap seed of a model from its id, so a model's confidence
 * interval depends only on its losses, not on the order of evaluation.
 */
export function bootstrapSeed(modelId: string): number {
  return createHash('sha256').update(`robustlab-bootstrap|${modelId}`).digest().readUInt32BE(0);
}

/**
 * Computes each model's robustness value from the test losses of its
 * finished instances, with a bootstrap CI at `confidence` (default 0.95).
 * Diverged, failed and cancelled instances never enter.
 */
export function computeRobustness(
  models: readonly ModelInstances[],
  statistic: Statistic,
  confidence: number = DEFAULT_CONFIDENCE,
): ModelRobustness[] {
  return models.map((model) => {
    const losses = model.instances
      .filter((instance) => instance.status === 'finished' && instance.testLoss !== null)
      .map((instance) => instance.testLoss as number);
    return { modelId: model.id, ...robustnessValue(losses, statistic, { seed: bootstrapSeed(model.id), confidence }) };
  });
}

/** Returns the CI confidence level of a policy's steps: the racing rule's level, else the default 0.95. */
export function stepConfidence(policy: SelectionPolicy): number {
  return policy.rule.kind === 'racing' ? policy.rule.confidence : DEFAULT_CONFIDENCE;
}

/**
 * Evaluates the completed selection step `step`: computes the robustness
 * values, eliminates by the threshold rule once the warm-up steps are over,
 * marks the eliminated models and writes the selection_steps row with one
 * selection_step_models row per model. The caller holds the experiment's
 * scheduling lock, so a step is recorded once; a second call for a recorded
 * step fails on the unique (experiment_id, step) key.
 */
export async function recordSelectionStep(input: {
  tx: Prisma.TransactionClient;
  experimentId: string;
  step: number;
  policy: SelectionPolicy;
  models: readonly ModelInstances[];
}): Promise<StepRecord> {
  const { tx, experimentId, step, policy, models } = input;
  // Racing compares CIs at its own confidence level, so the recorded CIs use that level too.
  const values = computeRobustness(models, policy.statistic, stepConfidence(policy));
  const record = eliminate(values, step, policy);

  await tx.selectionStep.create({
    data: {
      experimentId,
      step,
      statistic: policy.statistic,
      threshold: record.threshold,
      eliminatedCount: record.eliminated.length,
      survivorCount: record.survivors.length,
      models: {
        create: values.map((value) => ({
          modelId: value.modelId,
          value: value.value,
          instanceCount: value.count,
          ciLow: value.ciLow,
          ciHigh: value.ciHigh,
          eliminated: record.eliminated.includes(value.modelId),
        })),
      },
    },
  });

  if (record.eliminated.length > 0) {
    await tx.model.updateMany({
      where: { id: { in: record.eliminated }, status: 'active' },
      data: { status: 'eliminated', eliminatedAtStep: step },
    });
  }
  return record;
}

function eliminate(values: ModelRobustness[], step: number, policy: SelectionPolicy): StepRecord {
  const allSurvive = { threshold: null, eliminated: [], survivors: values.map((value) => value.modelId), values };
  if (!shouldEliminate(step, policy.warmupSteps)) return allSurvive;

  const modelValues: ModelValue[] = values.map(({ modelId, value, ciLow, ciHigh }) => ({ modelId, value, ciLow, ciHigh }));
  const { threshold, eliminated, survivors } = applyThreshold({ values: modelValues, rule: policy.rule });
  return { threshold, eliminated, survivors, values };
}
