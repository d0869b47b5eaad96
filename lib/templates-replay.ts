/**
 * Replay of the selection algorithm over the instances of an exhaustive
 * reference experiment, in which every model was trained n_max times.
 *
 * Step s of the replay gives every surviving model its instance of index
 * s - 1, recomputes the robustness values and, after the warm-up steps,
 * applies the threshold rule. A live selection trains that same instance at
 * step s, because instance seeds depend only on the experiment seed, the
 * model and the instance index. So the replay gives the same eliminations as
 * a live experiment with the same seed, without training any model again.
 */
import { createHash } from 'node:crypto';

import type { Statistic, ThresholdRule } from './config';
import { applyThreshold, isSelectionFinished, pickSelectedModel, type ModelValue } from './selection';
import { robustnessValue } from './statistics';

/** One model of the reference experiment with its instances in instance-index order. */
export interface ReplayModel {
  id: string;
  /** Test loss of instance i at index i; null for an instance that diverged, failed or is missing. */
  losses: readonly (number | null)[];
}

/** Outcome of one replayed selection. */
export interface ReplayResult {
  statistic: Statistic;
  rule: ThresholdRule;
  /** The selected model, or null when no survivor had a defined value. */
  selectedModelId: string | null;
  /** Robustness value of the selected model over the instances it had when the replay ended. */
  selectedValue: number | null;
  /** 1-based rank of the selected model among all models under `statistic` over all n_max instances. */
  rank: number | null;
  /** Trainings the replayed selection used: the survivors of each step, summed. */
  trainings: number;
  /** Trainings of exhaustive search (models x n_max) divided by `trainings`. */
  savingFactor: number;
  /** Survivor count after each replayed step, starting with step 1. */
  survivorsPerStep: number[];
}

/**
 * Returns the bootstrap seed of a model as the scheduler derives it
 * (worker/selection-step.ts `bootstrapSeed`), so racing CIs match a live step.
 */
function bootstrapSeedOf(modelId: string): number {
  return createHash('sha256').update(`robustlab-bootstrap|${modelId}`).digest().readUInt32BE(0);
}

/**
 * Replays the selection algorithm with one statistic and threshold rule.
 * The racing rule compares bootstrap CIs (1,000 resamples, as in a live
 * step) at the rule's confidence level; the other rules use values only.
 *
 * @throws RangeError when a model has fewer than `maxInstances` entries.
 */
export function replaySelection(input: {
  models: readonly ReplayModel[];
  statistic: Statistic;
  rule: ThresholdRule;
  warmupSteps: number;
  maxInstances: number;
}): ReplayResult {
  const { models, statistic, rule, warmupSteps, maxInstances } = input;
  for (const model of models) {
    if (model.losses.length < maxInstances) {
      throw new RangeError(`Invalid reference model ${model.id}: it has ${model.losses.length} instances, the replay needs maxInstances ${maxInstances}.`);
    }
  }

  const confidence = rule.kind === 'racing' ? rule.confidence : undefined;
  // The scheduler orders models by id, and ties in pickSelectedModel go to the smaller id.
  let survivors = [...models].sort(compareIds);
  let values: ModelValue[] = [];
  let trainings = 0;
  const survivorsPerStep: number[] = [];

  for (let step = 1; step <= maxInstances; step++) {
    trainings += survivors.length;
    values = survivors.map((model) => valueAfter(model, step, statistic, confidence));

    if (step > warmupSteps) {
      const { survivors: kept } = applyThreshold({ values, rule });
      const keptIds = new Set(kept);
      survivors = survivors.filter((model) => keptIds.has(model.id));
      values = values.filter((value) => keptIds.has(value.modelId));
    }
    survivorsPerStep.push(survivors.length);
    if (isSelectionFinished({ survivors: survivors.length, modelCount: models.length, step, maxInstances })) break;
  }

  const selectedModelId = pickSelectedModel(values.map(({ modelId, value }) => ({ modelId, value })));
  const ranks = rankModels(models, statistic, maxInstances);
  const exhaustive = models.length * maxInstances;
  return {
    statistic,
    rule,
    selectedModelId,
    selectedValue: values.find((value) => value.modelId === selectedModelId)?.value ?? null,
    rank: selectedModelId === null ? null : (ranks.get(selectedModelId) ?? null),
    trainings,
    savingFactor: trainings > 0 ? exhaustive / trainings : 0,
    survivorsPerStep,
  };
}

function compareIds(a: ReplayModel, b: ReplayModel): number {
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function valueAfter(model: ReplayModel, step: number, statistic: Statistic, confidence: number | undefined): ModelValue {
  const losses = model.losses.slice(0, step).filter((loss): loss is number => loss !== null);
  const options = confidence === undefined ? { bootstrap: 0 } : { confidence, seed: bootstrapSeedOf(model.id) };
  const result = robustnessValue(losses, statistic, options);
  return { modelId: model.id, value: result.value, ciLow: result.ciLow, ciHigh: result.ciHigh };
}

/**
 * Ranks models by `statistic` over their first `maxInstances` instances:
 * rank 1 is the lowest value, tied models share the better rank, and models
 * without a defined value rank after all others.
 */
export function rankModels(models: readonly ReplayModel[], statistic: Statistic, maxInstances: number): Map<string, number> {
  const values = models.map((model) => ({
    id: model.id,
    value: robustnessValue(model.losses.slice(0, maxInstances).filter((loss): loss is number => loss !== null), statistic, { bootstrap: 0 }).value,
  }));
  const defined = values.filter((entry) => entry.value !== null).map((entry) => entry.value as number).sort((a, b) => a - b);

  const ranks = new Map<string, number>();
  for (const entry of values) {
    if (entry.value === null) {
      ranks.set(entry.id, defined.length + 1);
      continue;
    }
    ranks.set(entry.id, 1 + lowerBound(defined, entry.value));
  }
  return ranks;
}

/** Returns the count of sorted values strictly below `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
