import { describe, expect, it } from 'vitest';

import { STATISTICS, type Statistic } from './config';
import { quantile, robustnessValue, STATISTIC_FUNCTIONS } from './statistics';

/** Asserts a relative difference of at most 1e-12 against a numpy result. */
function expectClose(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

// Drawn once with np.random.default_rng(7).lognormal(mean=-1.0, sigma=0.3, size=20), rounded to 6 digits.
const TYPICAL = [
  0.368015, 0.402373, 0.338835, 0.281625, 0.320972, 0.273216, 0.374577, 0.549946, 0.317378, 0.305397, 0.426114,
  0.409453, 0.379699, 0.278276, 0.364665, 0.453206, 0.245793, 0.320689, 0.207969, 0.249858,
];

// Expected values computed with numpy 2.4.6, where q1/q3 = np.quantile(x, 0.25/0.75):
// mean = np.mean(x), median = np.quantile(x, 0.5), q3_iqr = q3 + (q3 - q1), max = np.max(x),
// min = np.min(x), std = np.std(x, ddof=1), iqr = q3 - q1.
const FIXTURES: { name: string; losses: number[]; expected: Record<Statistic, number> }[] = [
  {
    name: 'typical sample of 20',
    losses: TYPICAL,
    expected: {
      mean: 0.3434028,
      median: 0.3299035,
      q3: 0.3853675,
      q3_iqr: 0.48994724999999995,
      max: 0.549946,
      min: 0.207969,
      std: 0.08127653651292507,
      iqr: 0.10457974999999997,
    },
  },
  {
    name: 'two instances',
    losses: [0.3, 0.7],
    expected: { mean: 0.5, median: 0.5, q3: 0.6, q3_iqr: 0.8, max: 0.7, min: 0.3, std: 0.282842712474619, iqr: 0.2 },
  },
  {
    name: 'three unsorted instances',
    losses: [0.9, 0.1, 0.4],
    expected: {
      mean: 0.4666666666666666,
      median: 0.4,
      q3: 0.65,
      q3_iqr: 1.05,
      max: 0.9,
      min: 0.1,
      std: 0.40414518843273806,
      iqr: 0.4,
    },
  },
  {
    name: 'all-equal losses',
    losses: [0.25, 0.25, 0.25, 0.25, 0.25],
    expected: { mean: 0.25, median: 0.25, q3: 0.25, q3_iqr: 0.25, max: 0.25, min: 0.25, std: 0, iqr: 0 },
  },
  {
    // numpy's np.std overflows to inf here, so std is np.std(x / 1e300, ddof=1) * 1e300.
    name: 'huge values',
    losses: [1e300, 2e300, 3e300, 5e300, 8e300],
    expected: {
      mean: 3.8e300,
      median: 3e300,
      q3: 5e300,
      q3_iqr: 8e300,
      max: 8e300,
      min: 1e300,
      std: 2.7748873851023216e300,
      iqr: 3e300,
    },
  },
];

describe('quantile', () => {
  // Expected values: np.quantile([0.1, 0.2, 0.4, 0.7, 1.1, 1.6, 2.2], q) with numpy 2.4.6.
  const sorted = [0.1, 0.2, 0.4, 0.7, 1.1, 1.6, 2.2];
  const cases: [number, number][] = [
    [0, 0.1],
    [0.1, 0.16000000000000003],
    [0.25, 0.30000000000000004],
    [0.3, 0.36],
    [0.5, 0.7],
    [0.75, 1.35],
    [0.9, 1.8400000000000003],
    [1, 2.2],
  ];

  it.each(cases)('matches numpy bit for bit at q=%s', (q, expected) => {
    expect(quantile(sorted, q)).toBe(expected);
  });

  it('returns the only value of a single-element list', () => {
    expect(quantile([4.5], 0.3)).toBe(4.5);
  });

  it('rejects empty, unsorted and out-of-range input', () => {
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => quantile([2, 1], 0.5)).toThrow(/index 1/);
    expect(() => quantile([1, 2], 1.5)).toThrow(/q 1.5/);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(/q NaN/);
  });
});

describe('robustnessValue against numpy', () => {
  for (const fixture of FIXTURES) {
    it.each(STATISTICS.map((s) => [s]))(`${fixture.name}: %s`, (statistic) => {
      const result = robustnessValue(fixture.losses, statistic, { bootstrap: 0 });
      expectClose(result.value, fixture.expected[statistic]);
      expect(result.count).toBe(fixture.losses.length);
    });
  }

  it('returns exactly zero spread for all-equal losses that do not sum exactly', () => {
    // numpy returns rounding noise here (np.std([0.1] * 3, ddof=1) = 1.7e-17), so exact zero is stricter.
    expect(robustnessValue([0.1, 0.1, 0.1], 'std').value).toBe(0);
    expect(robustnessValue([0.1, 0.1, 0.1], 'mean').value).toBe(0.1);
  });

  it('keeps the mean finite when the sum overflows', () => {
    const value = robustnessValue([1.5e308, 1.7e308], 'mean', { bootstrap: 0 }).value;
    expectClose(value, 1.6e308);
  });
});

describe('robustnessValue edge cases', () => {
  it('is undefined for zero and one instance', () => {
    for (const losses of [[], [0.42]]) {
      for (const statistic of STATISTICS) {
        expect(robustnessValue(losses, statistic)).toEqual({
          value: null,
          count: losses.length,
          ciLow: null,
          ciHigh: null,
        });
      }
    }
  });

  it('rejects non-finite losses naming the index', () => {
    expect(() => robustnessValue([0.1, Number.NaN], 'mean')).toThrow(/NaN at index 1/);
    expect(() => robustnessValue([Number.POSITIVE_INFINITY, 0.1], 'median')).toThrow(/Infinity at index 0/);
    expect(() => robustnessValue(['0.1' as unknown as number, 0.2], 'max')).toThrow(/0\.1 at index 0/);
  });

  it('rejects unknown statistics and bad options', () => {
    expect(() => robustnessValue([1, 2], 'p90' as Statistic)).toThrow(/Invalid statistic "p90"/);
    expect(() => robustnessValue([1, 2], 'mean', { bootstrap: 1.5 })).toThrow(/bootstrap 1.5/);
    expect(() => robustnessValue([1, 2], 'mean', { bootstrap: -1 })).toThrow(/bootstrap -1/);
    expect(() => robustnessValue([1, 2], 'mean', { confidence: 1 })).toThrow(/confidence 1/);
    expect(() => robustnessValue([1, 2], 'mean', { seed: -3 })).toThrow(/seed -3/);
  });

  it('skips the CI when bootstrap is 0', () => {
    const result = robustnessValue([1, 2, 3], 'mean', { bootstrap: 0 });
    expect(result.value).toBe(2);
    expect(result.ciLow).toBeNull();
    expect(result.ciHigh).toBeNull();
  });

  it('does not modify the input array', () => {
    const losses = [3, 1, 2];
    robustnessValue(losses, 'median');
    expect(losses).toEqual([3, 1, 2]);
  });
});

describe('robustnessValue bootstrap CI', () => {
  it.each(STATISTICS.map((s) => [s]))('contains the value of a typical sample: %s', (statistic) => {
    const result = robustnessValue(TYPICAL, statistic);
    expect(result.ciLow).not.toBeNull();
    expect(result.ciLow as number).toBeLessThanOrEqual(result.value as number);
    expect(result.ciHigh as number).toBeGreaterThanOrEqual(result.value as number);
    expect(result.ciLow as number).toBeLessThan(result.ciHigh as number);
  });

  it('is repeatable for a seed', () => {
    const first = robustnessValue(TYPICAL, 'median', { seed: 11 });
    const reordered = robustnessValue([...TYPICAL].reverse(), 'median', { seed: 11 });
    expect(reordered).toEqual(first);
  });

  it('changes with the seed', () => {
    const seed11 = robustnessValue(TYPICAL, 'mean', { seed: 11 });
    const seed12 = robustnessValue(TYPICAL, 'mean', { seed: 12 });
    expect(seed12.value).toBe(seed11.value);
    expect(seed12.ciLow).not.toBe(seed11.ciLow);
  });

  it('is a zero-width interval for all-equal losses', () => {
    expect(robustnessValue([0.25, 0.25, 0.25], 'q3_iqr')).toEqual({ value: 0.25, count: 3, ciLow: 0.25, ciHigh: 0.25 });
  });

  it('narrows as the confidence level drops', () => {
    const wide = robustnessValue(TYPICAL, 'mean', { confidence: 0.99 });
    const narrow = robustnessValue(TYPICAL, 'mean', { confidence: 0.5 });
    expect(narrow.ciLow as number).toBeGreaterThan(wide.ciLow as number);
    expect(narrow.ciHigh as number).toBeLessThan(wide.ciHigh as number);
  });

  // Reference: 200,000 numpy resamples, idx = np.random.default_rng(1).integers(0, 20, size=(200000, 20)),
  // bounds = np.quantile(estimates, [0.025, 0.975]). With 1000 resamples the bounds carry Monte Carlo
  // error estimated at 0.002 (mean, std) to 0.005 (median), hence the tolerances.
  const references: [Statistic, number, number, number][] = [
    ['mean', 0.30988121999999996, 0.37906990375, 0.008],
    ['median', 0.293511, 0.377138, 0.02],
    ['std', 0.05239023758354065, 0.10496625329317912, 0.008],
  ];
  it.each(references)('agrees with a large numpy bootstrap: %s', (statistic, low, high, tolerance) => {
    const result = robustnessValue(TYPICAL, statistic);
    expect(Math.abs((result.ciLow as number) - low)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs((result.ciHigh as number) - high)).toBeLessThanOrEqual(tolerance);
  });
});

describe('STATISTIC_FUNCTIONS', () => {
  it('covers every statistic of the config', () => {
    expect(Object.keys(STATISTIC_FUNCTIONS).sort()).toEqual([...STATISTICS].sort());
  });
});
