import { describe, expect, it } from 'vitest';

import {
  applyThreshold,
  exhaustiveTrainings,
  isSelectionFinished,
  pickSelectedModel,
  shouldEliminate,
  type ModelValue,
} from './selection';
import { thresholdRuleSchema } from './config';
import { robustnessValue } from './statistics';

const median = { kind: 'quantile', q: 0.5 } as const;

function values(entries: Record<string, number | null>): ModelValue[] {
  return Object.entries(entries).map(([modelId, value]) => ({ modelId, value }));
}

describe('applyThreshold with a quantile rule', () => {
  it('eliminates models above the median', () => {
    const result = applyThreshold({ values: values({ a: 0.4, b: 0.1, c: 0.3, d: 0.2 }), rule: median });
    // np.quantile([0.1, 0.2, 0.3, 0.4], 0.5) = 0.25
    expect(result.threshold).toBe(0.25);
    expect(result.eliminated).toEqual(['a', 'c']);
    expect(result.survivors).toEqual(['b', 'd']);
  });

  it('keeps a model whose value equals the threshold', () => {
    const result = applyThreshold({ values: values({ a: 0.1, b: 0.2, c: 0.3 }), rule: median });
    expect(result.threshold).toBe(0.2);
    expect(result.survivors).toEqual(['a', 'b']);
    expect(result.eliminated).toEqual(['c']);
  });

  it('keeps every model when all values tie', () => {
    const result = applyThreshold({ values: values({ a: 0.5, b: 0.5, c: 0.5 }), rule: median });
    expect(result.threshold).toBe(0.5);
    expect(result.eliminated).toEqual([]);
    expect(result.survivors).toEqual(['a', 'b', 'c']);
  });

  it('uses the linear quantile of the defined values only', () => {
    // np.quantile([1, 2, 3, 4, 5], 0.25) = 2.0; the null model is eliminated.
    const result = applyThreshold({
      values: values({ a: 5, b: 4, c: null, d: 3, e: 2, f: 1 }),
      rule: { kind: 'quantile', q: 0.25 },
    });
    expect(result.threshold).toBe(2);
    expect(result.eliminated).toEqual(['a', 'b', 'c', 'd']);
    expect(result.survivors).toEqual(['e', 'f']);
  });

  it('keeps all models when every value is null', () => {
    const result = applyThreshold({ values: values({ a: null, b: null }), rule: median });
    expect(result).toEqual({ threshold: null, eliminated: [], survivors: ['a', 'b'] });
  });

  it('keeps a single model', () => {
    expect(applyThreshold({ values: values({ only: 0.7 }), rule: median })).toEqual({
      threshold: 0.7,
      eliminated: [],
      survivors: ['only'],
    });
  });

  it('returns empty lists for no models', () => {
    expect(applyThreshold({ values: [], rule: median })).toEqual({ threshold: null, eliminated: [], survivors: [] });
  });
});

describe('applyThreshold with a keepBest rule', () => {
  it('keeps the n best models', () => {
    const result = applyThreshold({ values: values({ a: 0.4, b: 0.1, c: 0.3, d: 0.2 }), rule: { kind: 'keepBest', n: 2 } });
    expect(result.threshold).toBe(0.2);
    expect(result.survivors).toEqual(['b', 'd']);
    expect(result.eliminated).toEqual(['a', 'c']);
  });

  it('keeps ties at the boundary', () => {
    const result = applyThreshold({ values: values({ a: 0.2, b: 0.1, c: 0.2, d: 0.3 }), rule: { kind: 'keepBest', n: 2 } });
    expect(result.threshold).toBe(0.2);
    expect(result.survivors).toEqual(['a', 'b', 'c']);
    expect(result.eliminated).toEqual(['d']);
  });

  it('keeps every defined model when n exceeds their count', () => {
    const result = applyThreshold({ values: values({ a: 0.2, b: null, c: 0.9 }), rule: { kind: 'keepBest', n: 5 } });
    expect(result.threshold).toBe(0.9);
    expect(result.survivors).toEqual(['a', 'c']);
    expect(result.eliminated).toEqual(['b']);
  });
});

describe('applyThreshold with a racing rule', () => {
  const racing = { kind: 'racing', confidence: 0.95 } as const;

  function withCi(entries: Record<string, [number, number, number] | null>): ModelValue[] {
    return Object.entries(entries).map(([modelId, entry]) =>
      entry === null
        ? { modelId, value: null, ciLow: null, ciHigh: null }
        : { modelId, value: entry[1], ciLow: entry[0], ciHigh: entry[2] },
    );
  }

  it('eliminates a model whose CI lies above the best CI', () => {
    const result = applyThreshold({
      values: withCi({ best: [0.1, 0.2, 0.3], overlapping: [0.25, 0.35, 0.5], worse: [0.31, 0.4, 0.6] }),
      rule: racing,
    });
    expect(result.threshold).toBe(0.3);
    expect(result.eliminated).toEqual(['worse']);
    expect(result.survivors).toEqual(['best', 'overlapping']);
  });

  it('keeps a model whose lower bound equals the best upper bound', () => {
    const result = applyThreshold({ values: withCi({ a: [0.1, 0.2, 0.3], b: [0.3, 0.5, 0.7] }), rule: racing });
    expect(result.eliminated).toEqual([]);
  });

  it('takes the best model by value, not by CI bound', () => {
    // Model b has the lower upper bound, but a has the lower value, so a's upper bound 0.9 is the threshold.
    const result = applyThreshold({ values: withCi({ a: [0.05, 0.2, 0.9], b: [0.25, 0.3, 0.35], c: [0.95, 1, 1.1] }), rule: racing });
    expect(result.threshold).toBe(0.9);
    expect(result.eliminated).toEqual(['c']);
    expect(result.survivors).toEqual(['a', 'b']);
  });

  it('breaks ties of the best value by model id', () => {
    const result = applyThreshold({ values: withCi({ m2: [0.1, 0.2, 0.25], m1: [0.15, 0.2, 0.4], m3: [0.3, 0.5, 0.6] }), rule: racing });
    expect(result.threshold).toBe(0.4);
    expect(result.eliminated).toEqual([]);
  });

  it('eliminates models without a value', () => {
    const result = applyThreshold({ values: withCi({ a: [0.1, 0.2, 0.3], b: null }), rule: racing });
    expect(result.eliminated).toEqual(['b']);
    expect(result.survivors).toEqual(['a']);
  });

  it('keeps every model when no value is defined', () => {
    expect(applyThreshold({ values: withCi({ a: null, b: null }), rule: racing })).toEqual({
      threshold: null,
      eliminated: [],
      survivors: ['a', 'b'],
    });
  });

  it('rejects a defined value without CI bounds', () => {
    expect(() => applyThreshold({ values: values({ a: 0.2, b: 0.3 }), rule: racing })).toThrow(
      /Invalid CI of model a \(ciLow undefined, ciHigh undefined\)/,
    );
  });

  it('rejects a confidence outside (0, 1)', () => {
    expect(() => applyThreshold({ values: withCi({ a: [0.1, 0.2, 0.3] }), rule: { kind: 'racing', confidence: 1 } })).toThrow(
      /racing rule confidence 1/,
    );
  });

  it('separates clearly worse losses with bootstrap CIs', () => {
    const ci = (losses: number[], seed: number) => robustnessValue(losses, 'median', { seed, confidence: 0.95 });
    const good = ci([0.1, 0.11, 0.12, 0.1, 0.13, 0.11, 0.12, 0.1], 1);
    const close = ci([0.11, 0.12, 0.1, 0.13, 0.12, 0.11, 0.14, 0.12], 2);
    const bad = ci([0.3, 0.32, 0.31, 0.35, 0.3, 0.33, 0.34, 0.31], 3);
    const result = applyThreshold({
      values: [
        { modelId: 'good', value: good.value, ciLow: good.ciLow, ciHigh: good.ciHigh },
        { modelId: 'close', value: close.value, ciLow: close.ciLow, ciHigh: close.ciHigh },
        { modelId: 'bad', value: bad.value, ciLow: bad.ciLow, ciHigh: bad.ciHigh },
      ],
      rule: racing,
    });
    expect(result.eliminated).toEqual(['bad']);
    expect(result.survivors).toEqual(['good', 'close']);
  });

  it('defaults the confidence to 0.95 in the config schema', () => {
    expect(thresholdRuleSchema.parse({ kind: 'racing' })).toEqual({ kind: 'racing', confidence: 0.95 });
    expect(thresholdRuleSchema.safeParse({ kind: 'racing', confidence: 1 }).success).toBe(false);
    expect(thresholdRuleSchema.safeParse({ kind: 'racing', confidence: 0.9, q: 0.5 }).success).toBe(false);
  });
});

describe('applyThreshold input checks', () => {
  it('rejects duplicate ids, non-finite values and bad rules', () => {
    expect(() => applyThreshold({ values: values({ a: 1 }).concat(values({ a: 2 })), rule: median })).toThrow(
      /model a is listed twice/,
    );
    expect(() => applyThreshold({ values: values({ a: Number.NaN }), rule: median })).toThrow(/NaN of model a/);
    expect(() => applyThreshold({ values: values({ a: 1 }), rule: { kind: 'quantile', q: 1 } })).toThrow(/q 1/);
    expect(() => applyThreshold({ values: values({ a: 1 }), rule: { kind: 'keepBest', n: 0 } })).toThrow(/n 0/);
  });
});

describe('shouldEliminate', () => {
  it('waits for the warm-up steps', () => {
    expect(shouldEliminate(1, 3)).toBe(false);
    expect(shouldEliminate(3, 3)).toBe(false);
    expect(shouldEliminate(4, 3)).toBe(true);
  });

  it('rejects negative and fractional steps', () => {
    expect(() => shouldEliminate(-1, 3)).toThrow(/step -1/);
    expect(() => shouldEliminate(2, 1.5)).toThrow(/warmupSteps 1.5/);
  });
});

describe('isSelectionFinished', () => {
  it('finishes when at most one of several models survives', () => {
    expect(isSelectionFinished({ survivors: ['a'], modelCount: 5, step: 4, maxInstances: 8 })).toBe(true);
    expect(isSelectionFinished({ survivors: 0, modelCount: 5, step: 4, maxInstances: 8 })).toBe(true);
  });

  it('finishes at the instance cap', () => {
    expect(isSelectionFinished({ survivors: ['a', 'b'], modelCount: 5, step: 8, maxInstances: 8 })).toBe(true);
    expect(isSelectionFinished({ survivors: ['a', 'b'], modelCount: 5, step: 7, maxInstances: 8 })).toBe(false);
  });

  it('accepts a survivor count', () => {
    expect(isSelectionFinished({ survivors: 3, modelCount: 3, step: 0, maxInstances: 8 })).toBe(false);
  });

  it('trains a single-model experiment up to the cap', () => {
    expect(isSelectionFinished({ survivors: ['only'], modelCount: 1, step: 0, maxInstances: 8 })).toBe(false);
    expect(isSelectionFinished({ survivors: ['only'], modelCount: 1, step: 7, maxInstances: 8 })).toBe(false);
    expect(isSelectionFinished({ survivors: ['only'], modelCount: 1, step: 8, maxInstances: 8 })).toBe(true);
  });

  it('rejects more survivors than models', () => {
    expect(() => isSelectionFinished({ survivors: 2, modelCount: 1, step: 0, maxInstances: 8 })).toThrow(
      'Invalid survivors 2: expected at most modelCount 1.',
    );
  });
});

describe('pickSelectedModel', () => {
  it('picks the lowest value', () => {
    expect(pickSelectedModel(values({ a: 0.3, b: 0.1, c: 0.2 }))).toBe('b');
  });

  it('breaks ties by model id', () => {
    expect(pickSelectedModel(values({ m3: 0.1, m1: 0.1, m2: 0.4 }))).toBe('m1');
  });

  it('ignores models without a value', () => {
    expect(pickSelectedModel(values({ a: null, b: 0.9 }))).toBe('b');
  });

  it('selects a single survivor even without a value', () => {
    expect(pickSelectedModel(values({ only: null }))).toBe('only');
  });

  it('returns null when several survive without values or none survives', () => {
    expect(pickSelectedModel(values({ a: null, b: null }))).toBeNull();
    expect(pickSelectedModel([])).toBeNull();
  });
});

describe('exhaustiveTrainings', () => {
  it('multiplies models by the instance cap', () => {
    expect(exhaustiveTrainings(6912, 50)).toBe(345_600);
    expect(exhaustiveTrainings(0, 8)).toBe(0);
  });

  it('rejects negative counts', () => {
    expect(() => exhaustiveTrainings(-1, 8)).toThrow(/modelCount -1/);
  });
});
