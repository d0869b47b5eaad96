import { describe, expect, test } from 'vitest';
import { formatBaseline, meanTestMetrics, type DatasetBaseline } from '../app/_features/datasets/baselines.ts';

const SUM_OF_DEPOSITS: DatasetBaseline = { name: 'Sum of deposits', metric: 'RMSE(E)/E', value: 0.0247463, unit: '' };

function energyInstance(status: string, rmse: number | null, relative: number | null) {
  return {
    status,
    testMetrics: [
      { name: 'RMSE(E)', value: rmse, unit: 'GeV' },
      { name: 'RMSE(E)/E', value: relative, unit: '' },
    ],
  };
}

describe('meanTestMetrics', () => {
  test('averages finished instances with baselines', () => {
    const instances = [energyInstance('FINISHED', 2, 0.04), energyInstance('FINISHED', 4, 0.06), energyInstance('DIVERGED', 90, 9)];

    const means = meanTestMetrics(instances, [SUM_OF_DEPOSITS]);

    expect(means).toHaveLength(2);
    expect(means[0]).toEqual({ name: 'RMSE(E)', unit: 'GeV', mean: 3, count: 2, baselines: [] });
    expect(means[1].name).toBe('RMSE(E)/E');
    expect(means[1].mean).toBeCloseTo(0.05, 12);
    expect(means[1].count).toBe(2);
    expect(means[1].baselines).toEqual([SUM_OF_DEPOSITS]);
  });

  test('skips null values and all-null metrics', () => {
    const instances = [energyInstance('FINISHED', 2, null), energyInstance('FINISHED', null, null), energyInstance('FINISHED', 5, null)];

    const means = meanTestMetrics(instances, [SUM_OF_DEPOSITS]);

    expect(means).toEqual([{ name: 'RMSE(E)', unit: 'GeV', mean: 3.5, count: 2, baselines: [] }]);
  });

  test('returns nothing without finished instances', () => {
    expect(meanTestMetrics([energyInstance('RUNNING', 1, 0.1)], [SUM_OF_DEPOSITS])).toEqual([]);
  });
});

describe('formatBaseline', () => {
  test('formats name, value and unit', () => {
    expect(formatBaseline(SUM_OF_DEPOSITS)).toBe('Sum of deposits: 0.02475');
    expect(formatBaseline({ name: 'Energy-weighted centre (x)', metric: 'RMSE(x)', value: 0.42849, unit: 'cm' })).toBe('Energy-weighted centre (x): 0.4285 cm');
  });
});
