/** The pure parts of the template findings: plateau, selection replay, ranks and differences of means. */
import { describe, expect, test } from 'vitest';
import { rankModels, replaySelection } from '../../lib/templates-replay.ts';
import { differenceOfMeans, plateauSize, summarizeRandomnessSources, summarizeSampleSize } from '../../lib/templates-summary.ts';
import { defaultTemplateParams } from '../../lib/templates.ts';
import { runStatus } from '../../server/templates/runs.ts';

describe('plateauSize', () => {
  const points = (values: Array<number | null>) => values.map((value, i) => ({ size: 1000 * 2 ** i, value }));

  test('finds first size of the plateau', () => {
    // Improvements: 50%, 20%, 4%, 1%.
    expect(plateauSize(points([10, 5, 4, 3.84, 3.8016]), 0.05)).toBe(4000);
  });

  test('is null while still improving', () => {
    expect(plateauSize(points([10, 9.9, 9.8, 5]), 0.05)).toBeNull();
  });

  test('counts a worse value as no improvement', () => {
    expect(plateauSize(points([10, 11, 12]), 0.05)).toBe(1000);
  });

  test('is null with an undefined value', () => {
    expect(plateauSize(points([10, null, 9]), 0.05)).toBeNull();
  });
});

describe('replaySelection', () => {
  // Instance i of model m has loss base(m) + 0.01 * i, so every statistic orders the models by base.
  const models = ['a', 'b', 'c', 'd'].map((id, rank) => ({ id, losses: [0, 1, 2, 3].map((i) => 1 + rank + 0.01 * i) }));

  test('halves survivors after warm-up', () => {
    const result = replaySelection({ models, statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 4 });
    // Step 1 trains 4; step 2 trains 4 and keeps a, b; step 3 trains 2 and keeps a.
    expect(result.survivorsPerStep).toEqual([4, 2, 1]);
    expect(result.trainings).toBe(10);
    expect(result.selectedModelId).toBe('a');
    expect(result.rank).toBe(1);
    expect(result.savingFactor).toBeCloseTo(16 / 10, 12);
    expect(result.selectedValue).toBeCloseTo(1.01, 12);
  });

  test('never eliminates within warm-up', () => {
    const result = replaySelection({ models, statistic: 'mean', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 3, maxInstances: 4 });
    expect(result.survivorsPerStep).toEqual([4, 4, 4, 2]);
    expect(result.trainings).toBe(16);
    expect(result.savingFactor).toBe(1);
  });

  test('racing keeps overlapping models', () => {
    // Every model has the same losses, so all CIs coincide and racing eliminates nothing.
    const same = ['a', 'b', 'c'].map((id) => ({ id, losses: [1, 2, 3, 4] }));
    const result = replaySelection({ models: same, statistic: 'mean', rule: { kind: 'racing', confidence: 0.95 }, warmupSteps: 1, maxInstances: 4 });
    expect(result.survivorsPerStep).toEqual([3, 3, 3, 3]);
    expect(result.trainings).toBe(12);
    expect(result.selectedModelId).toBe('a');
  });

  test('racing drops a clearly worse model', () => {
    const separated = [
      { id: 'good', losses: [1, 1.1, 0.9, 1, 1.05] },
      { id: 'bad', losses: [10, 10.1, 9.9, 10, 10.05] },
    ];
    const result = replaySelection({ models: separated, statistic: 'mean', rule: { kind: 'racing', confidence: 0.95 }, warmupSteps: 2, maxInstances: 5 });
    expect(result.survivorsPerStep).toEqual([2, 2, 1]);
    expect(result.selectedModelId).toBe('good');
    expect(result.trainings).toBe(6);
  });

  test('skips diverged instances', () => {
    const withNull = [
      { id: 'a', losses: [null, 1, 1] },
      { id: 'b', losses: [2, 2, 2] },
    ];
    const result = replaySelection({ models: withNull, statistic: 'mean', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 3 });
    // After step 2, a has one finished loss (undefined value) and is eliminated.
    expect(result.selectedModelId).toBe('b');
  });

  test('rejects missing instances', () => {
    expect(() => replaySelection({ models: [{ id: 'a', losses: [1] }], statistic: 'mean', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 })).toThrow(
      /model a: it has 1 instances, the replay needs maxInstances 2/,
    );
  });
});

describe('rankModels', () => {
  test('shares rank on ties', () => {
    const ranks = rankModels(
      [
        { id: 'a', losses: [2, 2] },
        { id: 'b', losses: [1, 1] },
        { id: 'c', losses: [2, 2] },
        { id: 'd', losses: [null, 1] },
      ],
      'mean',
      2,
    );
    expect(Object.fromEntries(ranks)).toEqual({ a: 2, b: 1, c: 2, d: 4 });
  });
});

describe('differenceOfMeans', () => {
  test('brackets the difference', () => {
    const a = [0.9, 0.92, 0.91, 0.93, 0.9];
    const b = [0.8, 0.82, 0.81, 0.79, 0.8];
    const difference = differenceOfMeans(a, b, 'test');
    expect(difference.value).toBeCloseTo(0.108, 12);
    expect(difference.ciLow!).toBeGreaterThan(0.09);
    expect(difference.ciHigh!).toBeLessThan(0.125);
    expect(differenceOfMeans(a, b, 'test')).toEqual(difference);
  });

  test('is undefined below two values', () => {
    expect(differenceOfMeans([1], [1, 2], 'test')).toEqual({ value: null, ciLow: null, ciHigh: null });
  });
});

describe('summarizeRandomnessSources', () => {
  const experiment = (key: string, losses: number[]) => ({
    key,
    experimentId: key,
    models: [
      {
        id: `${key}-model`,
        label: 'm',
        parameterCount: 1,
        spec: { architecture: { conv: [] }, initializer: 'he' as const },
        instances: losses.map((testLoss, index) => ({ index, status: 'finished', testLoss, testAccuracy: null })),
      },
    ],
  });

  test('shares follow the variances', () => {
    // Sample variances 4, 1, 0 and, with all sources varied, 9.
    const summary = summarizeRandomnessSources(defaultTemplateParams('randomness_sources'), [
      experiment('init', [1, 3, 5]),
      experiment('sample', [1, 2, 3]),
      experiment('shuffle', [2, 2, 2]),
      experiment('all', [0, 3, 6]),
    ]);
    const [init, sample, shuffle, all] = summary.sources;
    expect(init.variance).toBeCloseTo(4, 12);
    expect(init.share).toBeCloseTo(0.8, 12);
    expect(sample.share).toBeCloseTo(0.2, 12);
    expect(shuffle.share).toBe(0);
    expect(all.variance).toBeCloseTo(9, 12);
    expect(summary.interactionVariance).toBeCloseTo(4, 12);
    expect(summary.dominantSource).toBe('init');
  });
});

describe('summarizeSampleSize finding', () => {
  test('names the statistic by its display name', () => {
    const params = { ...defaultTemplateParams('sample_size'), sizes: [100, 200], statistic: 'q3_iqr' as const };
    const experiment = (size: number, losses: number[]) => ({
      key: `n=${size}`,
      experimentId: `e${size}`,
      models: [
        {
          id: `m${size}`,
          label: 'm',
          parameterCount: 1,
          spec: { architecture: { conv: [] }, initializer: 'he' as const },
          instances: losses.map((testLoss, index) => ({ index, status: 'finished', testLoss, testAccuracy: null })),
        },
      ],
    });
    const summary = summarizeSampleSize(params, [experiment(100, [1, 2, 3, 4]), experiment(200, [1, 1.1, 1.2, 1.3])]);
    expect(summary.finding).toContain('The Q3 + IQR robustness value goes from');
    expect(summary.finding).not.toContain('q3_iqr');
  });
});

describe('runStatus', () => {
  const open = { summary: null, error: null };
  const cases: Array<{ case: string; run: { summary: unknown; error: string | null }; statuses: string[]; expected: string }> = [
    { case: 'no experiment yet', run: open, statuses: [], expected: 'running' },
    { case: 'start failed', run: { summary: null, error: 'Starting the run failed' }, statuses: [], expected: 'failed' },
    { case: 'one still queued', run: open, statuses: ['finished', 'queued'], expected: 'running' },
    { case: 'all finished', run: open, statuses: ['finished', 'finished'], expected: 'finished' },
    { case: 'stored summary', run: { summary: { kind: 'sample_size' }, error: null }, statuses: ['finished'], expected: 'finished' },
    { case: 'one cancelled', run: open, statuses: ['finished', 'cancelled', 'failed'], expected: 'cancelled' },
    { case: 'one failed', run: open, statuses: ['finished', 'failed'], expected: 'failed' },
  ];

  test.each(cases)('$case', ({ run, statuses, expected }) => {
    expect(runStatus(run as never, statuses)).toBe(expected);
  });
});
