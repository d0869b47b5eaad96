/**
 * Statistics for comparing models and experiments: the probability that one
 * model's instance test loss is lower than another's, with a seeded bootstrap
 * confidence interval, and the box-plot summary of a loss distribution.
 */
import { createRng } from './seeds.ts';
import { quantile, resolveBootstrapOptions, type RobustnessOptions } from './statistics.ts';

/** Outcome of comparing the instance test losses of models A and B. */
export interface LossComparison {
  /**
   * P(X < Y) + 0.5 P(X = Y) over all pairs of an A loss X and a B loss Y (the
   * common-language effect size, equal to the Mann-Whitney U of A over n·m).
   * Above 0.5 means A tends to the lower loss. Null when either list is empty.
   */
  probability: number | null;
  /** Lower bound of the percentile-bootstrap CI, or null unless both models have at least 2 losses. */
  ciLow: number | null;
  /** Upper bound of the percentile-bootstrap CI, or null unless both models have at least 2 losses. */
  ciHigh: number | null;
  countA: number;
  countB: number;
}

/** Options of `compareLosses`: the same bootstrap options as `robustnessValue`. */
export type ComparisonOptions = RobustnessOptions;

/** Box-plot summary of a loss distribution. Quantiles interpolate linearly like numpy. */
export interface BoxSummary {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  /** Smallest loss at or above Q1 - 1.5 IQR (Tukey's lower whisker). */
  whiskerLow: number;
  /** Largest loss at or below Q3 + 1.5 IQR (Tukey's upper whisker). */
  whiskerHigh: number;
  /** Losses outside the whiskers, ascending. */
  outliers: number[];
}

/**
 * Returns P(X < Y) + 0.5 P(X = Y) over all pairs (x from `a`, y from `b`).
 * Both inputs must be sorted ascending. A merge over the two lists counts the
 * pairs in O(n + m) instead of O(n·m).
 */
export function probabilityOfLowerSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('Invalid losses: the probability needs at least one loss of each model.');

  // For each x in a, `below` counts the y < x and `notAbove` the y <= x.
  // So m - notAbove pairs have x < y, and notAbove - below pairs tie.
  let below = 0;
  let notAbove = 0;
  let lowerPairs = 0;
  let tiedPairs = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    while (below < m && b[below] < x) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < m && b[notAbove] <= x) notAbove++;
    lowerPairs += m - notAbove;
    tiedPairs += notAbove - below;
  }
  return (lowerPairs + 0.5 * tiedPairs) / (n * m);
}

/**
 * Compares the instance test losses of two models: the probability that an
 * instance of A has the lower loss than an instance of B, with a percentile
 * bootstrap CI. The bootstrap resamples both lists independently from a
 * seeded PRNG, so the same inputs and options give the same CI.
 *
 * @throws RangeError when a loss is not a finite number or an option is out of range.
 */
export function compareLosses(a: readonly number[], b: readonly number[], options: ComparisonOptions = {}): LossComparison {
  const { resamples, seed, confidence } = resolveBootstrapOptions(options);
  const sortedA = sortedFinite(a, 'a');
  const sortedB = sortedFinite(b, 'b');
  const result: LossComparison = { probability: null, ciLow: null, ciHigh: null, countA: sortedA.length, countB: sortedB.length };
  if (sortedA.length === 0 || sortedB.length === 0) return result;

  result.probability = probabilityOfLowerSorted(sortedA, sortedB);
  if (resamples === 0 || sortedA.length < 2 || sortedB.length < 2) return result;

  const rng = createRng(seed);
  const resampleA = new Float64Array(sortedA.length);
  const resampleB = new Float64Array(sortedB.length);
  const counts = new Uint32Array(Math.max(sortedA.length, sortedB.length));
  const estimates = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    drawSortedResample(sortedA, resampleA, counts, rng);
    drawSortedResample(sortedB, resampleB, counts, rng);
    estimates[r] = probabilityOfLowerSorted(resampleA, resampleB);
  }
  estimates.sort();

  const tail = (1 - confidence) / 2;
  result.ciLow = quantile(estimates, tail);
  result.ciHigh = quantile(estimates, 1 - tail);
  return result;
}

/** Fills `target` with a resample of `sorted` with replacement, in ascending order, by counting draws per rank in `counts`. */
function drawSortedResample(sorted: Float64Array, target: Float64Array, counts: Uint32Array, rng: () => number): void {
  const n = sorted.length;
  counts.fill(0, 0, n);
  for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]++;

  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let c = counts[i]; c > 0; c--) target[k++] = sorted[i];
  }
}

/**
 * Summarizes losses for a box plot. Returns null for an empty list.
 *
 * @throws RangeError when a loss is not a finite number.
 */
export function boxSummary(losses: readonly number[]): BoxSummary | null {
  const sorted = sortedFinite(losses, 'losses');
  const n = sorted.length;
  if (n === 0) return null;

  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const fenceLow = q1 - 1.5 * (q3 - q1);
  const fenceHigh = q3 + 1.5 * (q3 - q1);

  let sum = 0;
  let whiskerLow = q1;
  let whiskerHigh = q3;
  const outliers: number[] = [];
  for (const loss of sorted) {
    sum += loss;
    if (loss < fenceLow || loss > fenceHigh) outliers.push(loss);
    else {
      whiskerLow = Math.min(whiskerLow, loss);
      whiskerHigh = Math.max(whiskerHigh, loss);
    }
  }

  return {
    count: n,
    min: sorted[0],
    q1,
    median: quantile(sorted, 0.5),
    q3,
    max: sorted[n - 1],
    mean: sum / n,
    whiskerLow,
    whiskerHigh,
    outliers,
  };
}

function sortedFinite(losses: readonly number[], name: string): Float64Array {
  if (!Array.isArray(losses)) throw new TypeError(`Invalid ${name} ${String(losses)}: expected an array of numbers.`);

  const sorted = new Float64Array(losses.length);
  for (let i = 0; i < losses.length; i++) {
    const loss = losses[i];
    if (typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new RangeError(`Invalid loss ${String(loss)} at index ${i} of ${name}: expected a finite number.`);
    }
    sorted[i] = loss;
  }
  return sorted.sort();
}
