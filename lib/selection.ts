/**
 * The selection rule: after the warm-up steps, each selection step eliminates
 * the models whose robustness value is worse (higher) than a threshold
 * computed from the surviving models' values, until one model is left or
 * every survivor has the instance cap.
 */
import type { ThresholdRule } from './config';
import { quantile } from './statistics';

/** Robustness value of one surviving model, null when it has fewer than 2 finished instances. */
export interface ModelValue {
  modelId: string;
  value: number | null;
  /** Lower bound of the value's bootstrap CI. The `racing` rule needs it for every defined value. */
  ciLow?: number | null;
  /** Upper bound of the value's bootstrap CI. The `racing` rule needs it for every defined value. */
  ciHigh?: number | null;
}

/** Outcome of one elimination. `eliminated` and `survivors` keep the input order. */
export interface ThresholdResult {
  /** The threshold, or null when no model has a defined value. */
  threshold: number | null;
  eliminated: string[];
  survivors: string[];
}

/**
 * Applies the threshold rule to the survivors' robustness values.
 *
 * - `quantile`: the threshold is the linear q-quantile of the defined values.
 * - `keepBest`: the threshold is the n-th best defined value (the worst one
 *   when fewer than n are defined), so ties at the boundary are kept.
 * - `racing`: the threshold is the upper CI bound of the best model (lowest
 *   value, ties broken by the smaller model id), and a model is eliminated
 *   when its lower CI bound, not its value, is above it. The CIs must be
 *   computed at the rule's confidence level.
 *
 * A model is eliminated when its value is above the threshold or null, for
 * example when its instances diverged. When no value is defined, every model
 * is kept, so the rule never eliminates all models.
 *
 * @throws RangeError when a rule parameter is out of range, or when the
 *   `racing` rule gets a defined value without both CI bounds.
 */
export function applyThreshold(input: { values: readonly ModelValue[]; rule: ThresholdRule }): ThresholdResult {
  const { values, rule } = input;
  assertModelValues(values);
  const defined = values
    .map((entry) => entry.value)
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
  if (defined.length === 0) {
    return { threshold: null, eliminated: [], survivors: values.map((entry) => entry.modelId) };
  }

  if (rule.kind === 'racing') return applyRacing(values, rule.confidence);

  const threshold = thresholdOf(defined, rule);
  const eliminated: string[] = [];
  const survivors: string[] = [];
  for (const { modelId, value } of values) {
    if (value === null || value > threshold) eliminated.push(modelId);
    else survivors.push(modelId);
  }
  return { threshold, eliminated, survivors };
}

/**
 * Confidence racing: a model leaves once the lower bound of its CI is above
 * the upper bound of the best model's CI, so the data show it is worse at
 * the given confidence. Overlapping CIs keep both models. The best model
 * always survives because its own lower bound is at most its upper bound.
 */
function applyRacing(values: readonly ModelValue[], confidence: number): ThresholdResult {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`Invalid racing rule confidence ${confidence}: expected a number strictly between 0 and 1.`);
  }
  for (const entry of values) {
    if (entry.value === null) continue;
    if (!isFiniteNumber(entry.ciLow) || !isFiniteNumber(entry.ciHigh)) {
      throw new RangeError(
        `Invalid CI of model ${entry.modelId} (ciLow ${String(entry.ciLow)}, ciHigh ${String(entry.ciHigh)}): the racing rule needs finite CI bounds for every defined value.`,
      );
    }
  }

  const bestId = pickSelectedModel(values.filter((entry) => entry.value !== null));
  const threshold = values.find((entry) => entry.modelId === bestId)?.ciHigh as number;
  const eliminated: string[] = [];
  const survivors: string[] = [];
  for (const { modelId, value, ciLow } of values) {
    if (value === null || (ciLow as number) > threshold) eliminated.push(modelId);
    else survivors.push(modelId);
  }
  return { threshold, eliminated, survivors };
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function thresholdOf(sortedValues: number[], rule: Exclude<ThresholdRule, { kind: 'racing' }>): number {
  switch (rule.kind) {
    case 'quantile':
      if (!(rule.q > 0 && rule.q < 1)) {
        throw new RangeError(`Invalid quantile rule q ${rule.q}: expected a number strictly between 0 and 1.`);
      }
      return quantile(sortedValues, rule.q);
    case 'keepBest':
      if (!Number.isInteger(rule.n) || rule.n < 1) {
        throw new RangeError(`Invalid keepBest rule n ${rule.n}: expected an integer of at least 1.`);
      }
      return sortedValues[Math.min(rule.n, sortedValues.length) - 1];
    default: {
      const unknown: never = rule;
      throw new RangeError(`Invalid threshold rule kind ${JSON.stringify((unknown as { kind: unknown }).kind)}.`);
    }
  }
}

/**
 * Tells whether models may be eliminated after the given selection step.
 * Steps count from 1. The first `warmupSteps` steps (k) train every model
 * without elimination, so the first elimination follows step k + 1.
 */
export function shouldEliminate(step: number, warmupSteps: number): boolean {
  assertNonNegativeInteger('step', step);
  assertNonNegativeInteger('warmupSteps', warmupSteps);
  return step > warmupSteps;
}

/**
 * Tells whether selection has ended after `step` completed steps. An
 * experiment of several models ends when at most one model survives, or when
 * every survivor has `maxInstances` instances (n_max). An experiment of a
 * single model cannot eliminate anything, so it ends only at n_max, with that
 * model trained n_max times.
 *
 * @param input.survivors the surviving model ids, or their count
 * @param input.modelCount the number of models of the experiment's model space
 */
export function isSelectionFinished(input: {
  survivors: readonly string[] | number;
  modelCount: number;
  step: number;
  maxInstances: number;
}): boolean {
  const survivorCount = typeof input.survivors === 'number' ? input.survivors : input.survivors.length;
  assertNonNegativeInteger('survivors', survivorCount);
  assertNonNegativeInteger('modelCount', input.modelCount);
  assertNonNegativeInteger('step', input.step);
  assertNonNegativeInteger('maxInstances', input.maxInstances);
  if (survivorCount > input.modelCount) {
    throw new RangeError(`Invalid survivors ${survivorCount}: expected at most modelCount ${input.modelCount}.`);
  }

  if (input.step >= input.maxInstances || survivorCount === 0) return true;
  if (input.modelCount === 1) return false;
  return survivorCount === 1;
}

/**
 * Picks the selected model among the survivors: the lowest defined robustness
 * value, with ties broken by the smaller model id. A single survivor is
 * selected even when its value is null. Returns null when there is no
 * survivor, or when several survive and none has a defined value.
 */
export function pickSelectedModel(values: readonly ModelValue[]): string | null {
  assertModelValues(values);
  if (values.length === 1) return values[0].modelId;

  let best: ModelValue | null = null;
  for (const entry of values) {
    if (entry.value === null) continue;
    if (
      best === null ||
      entry.value < (best.value as number) ||
      (entry.value === best.value && entry.modelId < best.modelId)
    ) {
      best = entry;
    }
  }
  return best?.modelId ?? null;
}

/** Counts the trainings of exhaustive search, every model trained `maxInstances` times. */
export function exhaustiveTrainings(modelCount: number, maxInstances: number): number {
  assertNonNegativeInteger('modelCount', modelCount);
  assertNonNegativeInteger('maxInstances', maxInstances);
  return modelCount * maxInstances;
}

function assertModelValues(values: readonly ModelValue[]): void {
  if (!Array.isArray(values)) throw new TypeError(`Invalid values ${String(values)}: expected an array of { modelId, value }.`);

  const seen = new Set<string>();
  for (const { modelId, value } of values) {
    if (typeof modelId !== 'string' || modelId.length === 0) {
      throw new TypeError(`Invalid modelId ${JSON.stringify(modelId)}: expected a non-empty string.`);
    }
    if (seen.has(modelId)) throw new RangeError(`Invalid values: model ${modelId} is listed twice.`);
    seen.add(modelId);
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new RangeError(`Invalid robustness value ${String(value)} of model ${modelId}: expected a finite number or null.`);
    }
  }
}

function assertNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Invalid ${name} ${value}: expected a non-negative integer.`);
  }
}
