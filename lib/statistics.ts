/**
 * Robustness statistics over the finished instance test losses of a model.
 * Lower is better for every statistic. Quantiles interpolate linearly like
 * numpy's default `np.quantile` and Postgres `percentile_cont`.
 */
import type { Statistic } from './config';
import { STATISTICS } from './config';
import { createRng } from './seeds';

/** Robustness value of one model, with the instance count and a bootstrap confidence interval. */
export interface RobustnessValue {
  /** The statistic, or null when fewer than 2 losses make it undefined. */
  value: number | null;
  /** Number of losses the value is computed from. */
  count: number;
  /** Lower CI bound, or null when the value is undefined or no bootstrap was requested. */
  ciLow: number | null;
  /** Upper CI bound, or null when the value is undefined or no bootstrap was requested. */
  ciHigh: number | null;
}

/** Options of `robustnessValue`. */
export interface RobustnessOptions {
  /** Bootstrap resamples for the CI, default 1000. 0 skips the CI. */
  bootstrap?: number;
  /** PRNG seed of the bootstrap, an integer in [0, 2^32 - 1]. Default 0. */
  seed?: number;
  /** Confidence level of the CI, in (0, 1). Default 0.95. */
  confidence?: number;
}

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;
const MAX_BOOTSTRAP_RESAMPLES = 1_000_000;

/**
 * Returns the q-quantile of ascending-sorted values with linear interpolation
 * between the two nearest ranks, as `np.quantile(values, q)` computes it.
 * Like numpy 2.x, it interpolates from the upper rank when the fraction is at
 * least 0.5, so results agree with numpy to the last bit.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('Invalid sorted values: the quantile of an empty list is undefined.');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`Invalid quantile q ${q}: expected a number from 0 to 1.`);
  for (let i = 1; i < sorted.length; i++) {
    if (!(sorted[i - 1] <= sorted[i])) {
      throw new RangeError(`Invalid sorted values: value ${sorted[i]} at index ${i} is below its predecessor ${sorted[i - 1]}.`);
    }
  }
  return quantileOfSorted(sorted, q);
}

function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const fraction = position - lower;
  const a = sorted[lower];
  const b = sorted[upper];
  const difference = b - a;
  return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction;
}

function mean(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (sorted[0] === sorted[n - 1]) return sorted[0];

  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  if (Number.isFinite(sum)) return sum / n;

  // The sum overflowed, so add the values scaled by the largest magnitude.
  const scale = Math.max(Math.abs(sorted[0]), Math.abs(sorted[n - 1]));
  let scaledSum = 0;
  for (let i = 0; i < n; i++) scaledSum += sorted[i] / scale;
  return (scaledSum / n) * scale;
}

/** Sample standard deviation (ddof = 1), scaled by the largest deviation so squares neither overflow nor underflow. */
function sampleStd(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const center = mean(sorted);
  const scale = Math.max(Math.abs(sorted[0] - center), Math.abs(sorted[n - 1] - center));
  if (scale === 0) return 0;

  let sumOfSquares = 0;
  for (let i = 0; i < n; i++) {
    const deviation = (sorted[i] - center) / scale;
    sumOfSquares += deviation * deviation;
  }
  return scale * Math.sqrt(sumOfSquares / (n - 1));
}

function interquartileRange(sorted: ArrayLike<number>): number {
  return quantileOfSorted(sorted, 0.75) - quantileOfSorted(sorted, 0.25);
}

/**
 * The statistics over ascending-sorted losses. `std` is the sample standard
 * deviation (ddof = 1, `np.std(x, ddof=1)`), `iqr` is Q3 - Q1 and `q3_iqr`
 * is Q3 + IQR. Each needs at least one value, and `std` at least two.
 */
export const STATISTIC_FUNCTIONS: Readonly<Record<Statistic, (sorted: ArrayLike<number>) => number>> = {
  mean,
  median: (sorted) => quantileOfSorted(sorted, 0.5),
  q3: (sorted) => quantileOfSorted(sorted, 0.75),
  q3_iqr: (sorted) => quantileOfSorted(sorted, 0.75) + interquartileRange(sorted),
  max: (sorted) => sorted[sorted.length - 1],
  min: (sorted) => sorted[0],
  std: sampleStd,
  iqr: interquartileRange,
};

/**
 * Computes the robustness value of a model from its finished instance test
 * losses, with a percentile-bootstrap confidence interval. The bootstrap
 * draws from a seeded PRNG, so the same losses and options give the same CI.
 * With fewer than 2 losses the value and the CI are null. A percentile CI can
 * in rare skewed samples exclude the value itself.
 *
 * @throws RangeError when a loss is not a finite number, the statistic is
 *   unknown or an option is out of range.
 */
export function robustnessValue(
  losses: readonly number[],
  statistic: Statistic,
  options: RobustnessOptions = {},
): RobustnessValue {
  const compute = statisticFunction(statistic);
  const { resamples, seed, confidence } = resolveBootstrapOptions(options);
  const sorted = sortedFiniteLosses(losses);
  const count = sorted.length;
  if (count < 2) return { value: null, count, ciLow: null, ciHigh: null };

  const value = compute(sorted);
  if (resamples === 0) return { value, count, ciLow: null, ciHigh: null };

  const estimates = bootstrapEstimates(sorted, compute, resamples, seed);
  const tail = (1 - confidence) / 2;
  return { value, count, ciLow: quantileOfSorted(estimates, tail), ciHigh: quantileOfSorted(estimates, 1 - tail) };
}

/**
 * Returns the sorted statistic of `resamples` resamples with replacement.
 * A resample is drawn as a count per original rank and expanded in rank
 * order, so it comes out sorted without a sort per resample.
 */
function bootstrapEstimates(
  sorted: Float64Array,
  compute: (sorted: ArrayLike<number>) => number,
  resamples: number,
  seed: number,
): Float64Array {
  const n = sorted.length;
  const rng = createRng(seed);
  const counts = new Uint32Array(n);
  const resample = new Float64Array(n);
  const estimates = new Float64Array(resamples);

  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]++;

    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let c = counts[i]; c > 0; c--) resample[k++] = sorted[i];
    }
    estimates[r] = compute(resample);
  }
  return estimates.sort();
}

function statisticFunction(statistic: Statistic): (sorted: ArrayLike<number>) => number {
  if (!(STATISTICS as readonly string[]).includes(statistic)) {
    throw new RangeError(`Invalid statistic ${JSON.stringify(statistic)}: expected one of ${STATISTICS.join(', ')}.`);
  }
  return STATISTIC_FUNCTIONS[statistic];
}

/** Checks bootstrap options and fills in their defaults. */
export function resolveBootstrapOptions(options: RobustnessOptions): { resamples: number; seed: number; confidence: number } {
  const resamples = options.bootstrap ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? 0;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;

  if (!Number.isInteger(resamples) || resamples < 0 || resamples > MAX_BOOTSTRAP_RESAMPLES) {
    throw new RangeError(`Invalid bootstrap ${resamples}: expected an integer from 0 to ${MAX_BOOTSTRAP_RESAMPLES}.`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`Invalid seed ${seed}: expected an integer from 0 to ${0xffffffff}.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`Invalid confidence ${confidence}: expected a number strictly between 0 and 1.`);
  }
  return { resamples, seed, confidence };
}

function sortedFiniteLosses(losses: readonly number[]): Float64Array {
  if (!Array.isArray(losses)) throw new TypeError(`Invalid losses ${String(losses)}: expected an array of numbers.`);

  const sorted = new Float64Array(losses.length);
  for (let i = 0; i < losses.length; i++) {
    const loss = losses[i];
    if (typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new RangeError(
        `Invalid test loss ${String(loss)} at index ${i}: losses must be finite numbers; leave diverged instances out.`,
      );
    }
    sorted[i] = loss;
  }
  return sorted.sort();
}
