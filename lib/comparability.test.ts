import { describe, expect, it } from 'vitest';

import { comparabilityWarning, lossNames } from './comparability';

describe('comparabilityWarning', () => {
  it('is null for one dataset and loss', () => {
    expect(comparabilityWarning([{ dataset: 'mnist v1', losses: ['cross_entropy'] }, { dataset: 'mnist v1', losses: ['cross_entropy'] }])).toBeNull();
  });

  it('names different datasets', () => {
    const warning = comparabilityWarning([{ dataset: 'mnist v1', losses: ['cross_entropy'] }, { dataset: 'mnist-permuted v1', losses: ['cross_entropy'] }]);
    expect(warning).toContain('different datasets (mnist v1, mnist-permuted v1)');
    expect(warning).not.toContain('different losses');
  });

  it('names different losses', () => {
    const warning = comparabilityWarning([{ dataset: 'energy v1', losses: ['mse'] }, { dataset: 'energy v1', losses: ['huber (delta 1)'] }]);
    expect(warning).toContain('different losses (mse, huber (delta 1))');
    expect(warning).not.toContain('different datasets');
  });

  it('flags a column with several losses', () => {
    const warning = comparabilityWarning([{ dataset: 'energy v1', losses: ['mse', 'mae'] }]);
    expect(warning).toContain('different losses (mse, mae)');
    expect(warning).toContain('mixes them within its column');
  });
});

describe('lossNames', () => {
  it('defaults to the task loss', () => {
    expect(lossNames(undefined, 'regression')).toEqual(['mse']);
    expect(lossNames([], 'classification')).toEqual(['cross_entropy']);
  });

  it('names the Huber delta', () => {
    expect(lossNames(['mse', { kind: 'huber', delta: 0.5 }], 'regression')).toEqual(['mse', 'huber (delta 0.5)']);
  });
});
