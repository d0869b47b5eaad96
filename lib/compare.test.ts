import { describe, expect, it } from 'vitest';

import { boxSummary, compareLosses, probabilityOfLowerSorted } from './compare';
import { createRng } from './seeds';

/** Counts every pair directly, the O(n·m) definition. */
function bruteForceProbability(a: number[], b: number[]): number {
  let score = 0;
  for (const x of a) {
    for (const y of b) {
      if (x < y) score += 1;
      else if (x === y) score += 0.5;
    }
  }
  return score / (a.length * b.length);
}

describe('probabilityOfLowerSorted', () => {
  it('matches a hand-counted example with a tie', () => {
    // Pairs of [1, 2, 3] with [2, 4]: 4 lower, 1 tie (2 = 2), 1 higher, so (4 + 0.5) / 6.
    expect(probabilityOfLowerSorted([1, 2, 3], [2, 4])).toBe(0.75);
  });

  it('returns 1 and 0 for separated lists', () => {
    expect(probabilityOfLowerSorted([1, 2], [3, 4])).toBe(1);
    expect(probabilityOfLowerSorted([3, 4], [1, 2])).toBe(0);
  });

  it('returns 0.5 when every pair ties', () => {
    expect(probabilityOfLowerSorted([1, 1], [1, 1, 1])).toBe(0.5);
  });

  it('agrees with counting every pair', () => {
    const rng = createRng(42);
    for (let trial = 0; trial < 50; trial++) {
      // Values on a coarse grid, so ties are frequent.
      const a = Array.from({ length: 1 + Math.floor(rng() * 12) }, () => Math.round(rng() * 8) / 4).sort((x, y) => x - y);
      const b = Array.from({ length: 1 + Math.floor(rng() * 12) }, () => Math.round(rng() * 8) / 4).sort((x, y) => x - y);
      expect(probabilityOfLowerSorted(a, b)).toBeCloseTo(bruteForceProbability(a, b), 12);
    }
  });

  it('rejects an empty list', () => {
    expect(() => probabilityOfLowerSorted([], [1])).toThrow(/at least one loss of each model/);
  });
});

describe('compareLosses', () => {
  it('computes the probability from unsorted losses', () => {
    const result = compareLosses([3, 1, 2], [4, 2], { bootstrap: 0 });
    expect(result).toEqual({ probability: 0.75, ciLow: null, ciHigh: null, countA: 3, countB: 2 });
  });

  it('is complementary when A and B swap', () => {
    const a = [0.31, 0.29, 0.35, 0.3, 0.33];
    const b = [0.32, 0.3, 0.36, 0.4];
    const ab = compareLosses(a, b, { bootstrap: 0 }).probability as number;
    const ba = compareLosses(b, a, { bootstrap: 0 }).probability as number;
    expect(ab + ba).toBeCloseTo(1, 12);
  });

  it('gives a degenerate CI for separated losses', () => {
    // Every resample of separated lists stays separated, so every estimate is 1.
    const result = compareLosses([0.1, 0.2, 0.15], [0.5, 0.6, 0.55, 0.7], { seed: 3 });
    expect(result.probability).toBe(1);
    expect(result.ciLow).toBe(1);
    expect(result.ciHigh).toBe(1);
  });

  it('gives a seeded, reproducible CI inside [0, 1]', () => {
    const a = [0.31, 0.29, 0.35, 0.3, 0.33, 0.28];
    const b = [0.32, 0.3, 0.36, 0.4, 0.34];
    const first = compareLosses(a, b, { seed: 11 });
    const again = compareLosses(a, b, { seed: 11 });
    expect(again).toEqual(first);
    expect(first.ciLow as number).toBeGreaterThanOrEqual(0);
    expect(first.ciHigh as number).toBeLessThanOrEqual(1);
    expect(first.ciLow as number).toBeLessThan(first.probability as number);
    expect(first.ciHigh as number).toBeGreaterThan(first.probability as number);
  });

  it('matches a direct percentile bootstrap', () => {
    // Independent re-implementation: draw each resample index by index from the same PRNG stream
    // (A then B per resample), count pairs directly and take numpy-style linear quantiles.
    const a = [0.31, 0.29, 0.35, 0.3, 0.33, 0.28];
    const b = [0.32, 0.3, 0.36, 0.4, 0.34];
    const resamples = 200;
    const rng = createRng(21);
    const sortedA = [...a].sort((x, y) => x - y);
    const sortedB = [...b].sort((x, y) => x - y);
    const estimates: number[] = [];
    for (let r = 0; r < resamples; r++) {
      const drawA = sortedA.map(() => sortedA[Math.floor(rng() * sortedA.length)]);
      const drawB = sortedB.map(() => sortedB[Math.floor(rng() * sortedB.length)]);
      estimates.push(bruteForceProbability(drawA, drawB));
    }
    estimates.sort((x, y) => x - y);
    const linearQuantile = (q: number) => {
      const position = (estimates.length - 1) * q;
      const lower = Math.floor(position);
      return estimates[lower] + (estimates[Math.min(lower + 1, estimates.length - 1)] - estimates[lower]) * (position - lower);
    };

    const result = compareLosses(a, b, { seed: 21, bootstrap: resamples, confidence: 0.9 });
    expect(result.ciLow).toBeCloseTo(linearQuantile(0.05), 12);
    expect(result.ciHigh).toBeCloseTo(linearQuantile(0.95), 12);
  });

  it('widens the CI with the confidence level', () => {
    const a = [0.31, 0.29, 0.35, 0.3, 0.33, 0.28];
    const b = [0.32, 0.3, 0.36, 0.4, 0.34];
    const narrow = compareLosses(a, b, { seed: 5, confidence: 0.5 });
    const wide = compareLosses(a, b, { seed: 5, confidence: 0.99 });
    expect(wide.ciLow as number).toBeLessThan(narrow.ciLow as number);
    expect(wide.ciHigh as number).toBeGreaterThan(narrow.ciHigh as number);
  });

  it('leaves the probability undefined without losses', () => {
    expect(compareLosses([], [0.2, 0.3])).toEqual({ probability: null, ciLow: null, ciHigh: null, countA: 0, countB: 2 });
  });

  it('leaves the CI undefined with a single loss', () => {
    const result = compareLosses([0.1], [0.2, 0.3]);
    expect(result.probability).toBe(1);
    expect(result.ciLow).toBeNull();
    expect(result.ciHigh).toBeNull();
  });

  it('rejects non-finite losses and bad options', () => {
    expect(() => compareLosses([0.1, Number.NaN], [0.2])).toThrow('Invalid loss NaN at index 1 of a: expected a finite number.');
    expect(() => compareLosses([0.1], [0.2], { confidence: 1 })).toThrow(/confidence 1/);
    expect(() => compareLosses([0.1], [0.2], { bootstrap: -1 })).toThrow(/bootstrap -1/);
    expect(() => compareLosses([0.1], [0.2], { seed: 1.5 })).toThrow(/seed 1.5/);
  });
});

describe('boxSummary', () => {
  it('matches hand-computed quartiles, whiskers and outliers', () => {
    // np.quantile([1, 2, 3, 4, 100], [0.25, 0.5, 0.75]) = [2, 3, 4]; IQR 2, fences -1 and 7.
    expect(boxSummary([4, 100, 1, 3, 2])).toEqual({
      count: 5,
      min: 1,
      q1: 2,
      median: 3,
      q3: 4,
      max: 100,
      mean: 22,
      whiskerLow: 1,
      whiskerHigh: 4,
      outliers: [100],
    });
  });

  it('interpolates quartiles between ranks', () => {
    // np.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) = [1.75, 2.5, 3.25].
    const summary = boxSummary([1, 2, 3, 4])!;
    expect([summary.q1, summary.median, summary.q3]).toEqual([1.75, 2.5, 3.25]);
    expect(summary.outliers).toEqual([]);
    expect([summary.whiskerLow, summary.whiskerHigh]).toEqual([1, 4]);
  });

  it('summarizes a single loss', () => {
    expect(boxSummary([0.5])).toMatchObject({ count: 1, min: 0.5, median: 0.5, max: 0.5, whiskerLow: 0.5, whiskerHigh: 0.5 });
  });

  it('returns null for no losses', () => {
    expect(boxSummary([])).toBeNull();
  });
});
