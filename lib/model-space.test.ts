import { describe, expect, it } from 'vitest';

import { experimentConfigSchema, modelSpaceSchema, modelSpecSchema, newExperimentConfigSchema, newModelSpaceSchema, selectionPolicySchema, type ModelSpace } from './config';
import { sampleDistinctIndices, createRng } from './seeds';
import { countParameters, estimateTrainings, expandModelSpace, modelHash, modelLabel, summarizeModelSpace } from './space';

const IMAGE = { shape: [28, 28, 1], classes: 10 } as const;

function spaceOf(input: Record<string, unknown>): ModelSpace {
  return modelSpaceSchema.parse(input);
}

describe('loss and early-stopping schema', () => {
  it('accepts a loss name as shorthand', () => {
    const spec = modelSpecSchema.parse({ architecture: {}, loss: 'mae' });
    expect(spec.loss).toEqual({ kind: 'mae' });
  });

  it('fills the Huber delta', () => {
    const spec = modelSpecSchema.parse({ architecture: {}, loss: { kind: 'huber' } });
    expect(spec.loss).toEqual({ kind: 'huber', delta: 1 });
  });

  it('rejects an unknown loss', () => {
    const result = modelSpecSchema.safeParse({ architecture: {}, loss: 'hinge' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['loss', 'kind']);
  });

  it('rejects a non-positive Huber delta', () => {
    expect(modelSpecSchema.safeParse({ architecture: {}, loss: { kind: 'huber', delta: 0 } }).success).toBe(false);
  });

  it('keeps the hash of a spec without loss', () => {
    // The hash this spec had before losses and early stopping existed, so stored models keep their identity.
    const spec = modelSpecSchema.parse({ architecture: { dense: [8] } });
    expect(modelHash(spec)).toBe('301dc5520a33075cd0207971964d7567fa44846190aef5244a61a0cd88544a69');
    expect(modelHash(spec)).not.toBe(modelHash({ ...spec, loss: { kind: 'mse' } }));
  });

  it('needs a validation split for early stopping', () => {
    const config = {
      name: 'x',
      dataset: 'mnist',
      space: { architectures: [{ dense: [8] }], earlyStopping: { patience: 2 } },
      validationFraction: 0,
    };
    const result = experimentConfigSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['space', 'earlyStopping']);
    expect(result.error!.issues[0].message).toMatch(/validationFraction must be above 0/);
    expect(experimentConfigSchema.safeParse({ ...config, validationFraction: 0.1 }).success).toBe(true);
  });

  it('rejects a validation split of 0 samples', () => {
    const config = {
      name: 'x',
      dataset: 'mnist',
      space: { architectures: [{ dense: [8] }], earlyStopping: { patience: 2 } },
      trainSize: 10,
      validationFraction: 0.01,
    };
    const result = newExperimentConfigSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['space', 'earlyStopping']);
    expect(result.error!.issues[0].message).toContain('trainSize 10 x validationFraction 0.01 rounds to 0 validation samples');
    expect(newExperimentConfigSchema.safeParse({ ...config, validationFraction: 0.05 }).success).toBe(true);
    // A stored experiment from before the rule still parses.
    expect(experimentConfigSchema.safeParse(config).success).toBe(true);
  });

  it('rejects more than one loss', () => {
    const twoLosses = { architectures: [{}], losses: ['mse', { kind: 'huber', delta: 1 }] };
    const result = newModelSpaceSchema.safeParse(twoLosses);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['losses']);
    expect(result.error!.issues[0].message).toContain('found 2 losses. Start one experiment per loss.');
    expect(newModelSpaceSchema.safeParse({ architectures: [{}], losses: [{ kind: 'huber', delta: 1 }] }).success).toBe(true);

    const config = newExperimentConfigSchema.safeParse({ name: 'x', dataset: 'energy', space: twoLosses });
    expect(config.success).toBe(false);
    expect(config.error!.issues[0].path).toEqual(['space', 'losses']);
    // A stored experiment from before the rule still parses, so the worker can finish it.
    expect(experimentConfigSchema.safeParse({ name: 'x', dataset: 'energy', space: twoLosses }).success).toBe(true);
  });

  it('rejects patience 0', () => {
    expect(modelSpaceSchema.safeParse({ architectures: [{}], earlyStopping: { patience: 0 } }).success).toBe(false);
  });
});

describe('PReLU parameter count', () => {
  it('adds one slope per filter and hidden unit', () => {
    const architecture = modelSpaceSchema.shape.architectures.element.parse({ conv: [{ filters: 4, kernelSize: 3 }], dense: [16, 8] });
    const plain = countParameters(architecture, [28, 28, 1], 10);
    expect(countParameters(architecture, [28, 28, 1], 10, 'prelu')).toBe(plain + 4 + 16 + 8);
    expect(countParameters(architecture, [28, 28, 1], 10, 'relu')).toBe(plain);
  });

  it('applies the budget per activation', () => {
    // d16 on 784 inputs has 12,730 parameters with ReLU and 12,746 with PReLU.
    const space = spaceOf({ architectures: [{ dense: [16] }], activations: ['relu', 'prelu'], parameterBudget: 12_730 });
    const { models, overBudget } = expandModelSpace(space, IMAGE);
    expect(models.map((model) => model.label)).toEqual(['d16 relu adam lr=0.001 bs=32']);
    expect(overBudget).toBe(1);
  });
});

describe('losses in the model space', () => {
  const space = spaceOf({ architectures: [{ dense: [4] }], losses: [{ kind: 'huber', delta: 0.5 }], earlyStopping: { patience: 2 } });

  it('sets the loss and early stopping on every model', () => {
    const { models } = expandModelSpace(spaceOf({ ...space, architectures: [{ dense: [4] }, { dense: [2] }] }), { shape: [15, 15, 1], classes: 1, task: 'regression' });
    expect(models.map((model) => model.label)).toEqual([
      'd4 relu adam lr=0.001 bs=32 loss=huber:0.5 patience=2',
      'd2 relu adam lr=0.001 bs=32 loss=huber:0.5 patience=2',
    ]);
    expect(models.every((model) => model.spec.earlyStopping?.patience === 2)).toBe(true);
  });

  it('rejects a loss that does not fit the task', () => {
    expect(() => expandModelSpace(space, { ...IMAGE, task: 'classification' })).toThrow(
      "loss 'huber' (losses[0]) does not fit the classification task of the dataset; use cross_entropy.",
    );
    const crossEntropy = spaceOf({ architectures: [{}], losses: ['cross_entropy'] });
    expect(() => expandModelSpace(crossEntropy, { shape: [4], classes: 1, task: 'regression' })).toThrow(/'cross_entropy' .* regression task/);
  });

  it('leaves the loss out when none is listed', () => {
    const { models } = expandModelSpace(spaceOf({ architectures: [{}] }), { ...IMAGE, task: 'classification' });
    expect(models[0].spec.loss).toBeUndefined();
    expect(modelLabel(models[0].spec)).toBe('linear relu adam lr=0.001 bs=32');
  });
});

describe('model space summary', () => {
  const space = spaceOf({
    architectures: [{ dense: [8] }, { conv: [{ filters: 4, kernelSize: 3 }], dense: [4] }, { dense: [300] }],
    activations: ['relu', 'prelu'],
    learningRates: [0.001, 0.01],
    losses: ['cross_entropy'],
    earlyStopping: { patience: 2 },
    sampling: { kind: 'random', count: 6, seed: 4 },
  });

  it('matches the expansion', () => {
    const expanded = expandModelSpace(space, IMAGE);
    const summary = summarizeModelSpace(space, IMAGE, 4);
    expect(summary.modelCount).toBe(6);
    expect(summary.spaceSize).toBe(expanded.spaceSize);
    expect(summary.withinBudget).toBe(expanded.withinBudget);
    expect(summary.overBudget).toBe(expanded.overBudget);
    expect(summary.models).toEqual(expanded.models.slice(0, 4).map(({ spec, label, parameterCount }) => ({ spec, label, parameterCount })));
  });

  it('hashes and labels as modelHash and modelLabel', () => {
    for (const model of expandModelSpace(space, IMAGE).models) {
      expect(model.hash).toBe(modelHash(model.spec));
      expect(model.label).toBe(modelLabel(model.spec));
      expect(model.spec).toEqual(modelSpecSchema.parse(model.spec));
    }
  });
});

describe('random sampling default count', () => {
  it('draws all models of a space smaller than 200', () => {
    const space = spaceOf({ architectures: [{ dense: [8] }, { dense: [16] }], learningRates: [0.001, 0.01], sampling: { kind: 'random', seed: 2 } });
    expect(expandModelSpace(space, IMAGE).models).toHaveLength(4);
  });

  it('draws 200 models of a larger space', () => {
    const space = spaceOf({ architectures: [{ dense: [8] }], learningRates: Array.from({ length: 300 }, (_, i) => 0.0001 * (i + 1)), sampling: { kind: 'random', seed: 2 } });
    expect(summarizeModelSpace(space, IMAGE, 0).modelCount).toBe(200);
  });
});

describe('random sampling', () => {
  const wide = {
    architectures: [{ dense: [8] }, { dense: [16] }, { dense: [200] }],
    activations: ['relu', 'tanh', 'elu'],
    learningRates: [0.0001, 0.0003, 0.001, 0.003, 0.01],
    batchSizes: [16, 32, 64, 128],
    l2s: [0, 0.0001, 0.001],
    parameterBudget: 30_000,
  };

  it('draws distinct models from the grid within budget', () => {
    const grid = expandModelSpace(spaceOf(wide), IMAGE);
    const sample = expandModelSpace(spaceOf({ ...wide, sampling: { kind: 'random', count: 50, seed: 7 } }), IMAGE);

    expect(sample.models).toHaveLength(50);
    expect(new Set(sample.models.map((model) => model.hash)).size).toBe(50);
    const gridHashes = grid.models.map((model) => model.hash);
    const positions = sample.models.map((model) => gridHashes.indexOf(model.hash));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(sample.overBudget).toBe(grid.overBudget);
    expect(sample.withinBudget).toBe(grid.models.length);
    expect(sample.spaceSize).toBe(3 * 3 * 5 * 4 * 3);
    expect(sample.withinBudget).toBe(2 * 3 * 5 * 4 * 3);
  });

  it('is deterministic per seed', () => {
    const draw = (seed: number) =>
      expandModelSpace(spaceOf({ ...wide, sampling: { kind: 'random', count: 20, seed } }), IMAGE).models.map((model) => model.hash);
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });

  it('takes the whole budgeted grid when count equals it', () => {
    const grid = expandModelSpace(spaceOf(wide), IMAGE);
    const all = expandModelSpace(spaceOf({ ...wide, sampling: { kind: 'random', count: grid.models.length, seed: 1 } }), IMAGE);
    expect(all.models.map((model) => model.hash)).toEqual(grid.models.map((model) => model.hash));
  });

  it('rejects a count above the models within budget', () => {
    const space = spaceOf({ ...wide, sampling: { kind: 'random', count: 361, seed: 1 } });
    expect(() => expandModelSpace(space, IMAGE)).toThrow(
      'Invalid sampling.count 361: only 360 of the 540 models are within the parameter budget of 30000; lower the count, raise the budget or use grid sampling.',
    );
  });

  it('samples a space far beyond the grid limit', () => {
    const values = (count: number, scale: number) => Array.from({ length: count }, (_, i) => (i + 1) * scale);
    const huge = spaceOf({
      architectures: [{ dense: [8] }],
      learningRates: values(1000, 1e-6),
      batchSizes: values(1000, 1),
      l2s: values(1000, 1e-7),
      epochs: values(100, 1),
      sampling: { kind: 'random', count: 1000, seed: 11 },
    });
    const { models, spaceSize } = expandModelSpace(huge, IMAGE);
    expect(spaceSize).toBe(1e11);
    expect(models).toHaveLength(1000);
    expect(new Set(models.map((model) => model.hash)).size).toBe(1000);
    expect(() => expandModelSpace({ ...huge, sampling: { kind: 'grid' } }, IMAGE)).toThrow(/exceed the grid limit/);
  });

  it('treats values listed twice as one', () => {
    const space = spaceOf({ architectures: [{ dense: [8] }, { dense: [8] }], learningRates: [0.001, 0.001, 0.01] });
    const { models, spaceSize } = expandModelSpace({ ...space, sampling: { kind: 'random', count: 2, seed: 1 } }, IMAGE);
    expect(spaceSize).toBe(2);
    expect(models.map((model) => model.spec.learningRate)).toEqual([0.001, 0.01]);
  });

  it('rejects a count above the schema limit', () => {
    expect(modelSpaceSchema.safeParse({ architectures: [{}], sampling: { kind: 'random', count: 100_001 } }).success).toBe(false);
  });
});

describe('sampleDistinctIndices', () => {
  it('returns distinct indices in range', () => {
    const indices = sampleDistinctIndices(2 ** 52, 5000, createRng(5));
    expect(new Set(indices).size).toBe(5000);
    expect(indices.every((index) => Number.isInteger(index) && index >= 0 && index < 2 ** 52)).toBe(true);
  });

  it('draws every index when count equals size', () => {
    expect(sampleDistinctIndices(10, 10, createRng(1)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is close to uniform', () => {
    // 20,000 draws of 1 from 10: each index expects 2,000 hits, and 5 standard deviations are about 212.
    const hits = new Array<number>(10).fill(0);
    const rng = createRng(9);
    for (let i = 0; i < 20_000; i++) hits[sampleDistinctIndices(10, 1, rng)[0]]++;
    for (const count of hits) expect(Math.abs(count - 2000)).toBeLessThan(212);
  });

  it('rejects a count above the size', () => {
    expect(() => sampleDistinctIndices(3, 4, createRng(1))).toThrow('Invalid count 4: cannot draw more than size 3 distinct indices.');
  });
});

describe('estimateTrainings', () => {
  const policy = (input: Record<string, unknown>) => selectionPolicySchema.parse(input);

  it('halves the survivors with the median rule', () => {
    // 8 models, k = 2, n_max = 8: steps 1-3 train 8 each, then 4 survive, then 2, then 1.
    const estimate = estimateTrainings(8, policy({ warmupSteps: 2, maxInstances: 8, rule: { kind: 'quantile', q: 0.5 } }));
    expect(estimate).toEqual({ min: 24, expected: 8 * 3 + 4 + 2, max: 64 });
  });

  it('keeps N models with keepBest', () => {
    const estimate = estimateTrainings(10, policy({ warmupSteps: 1, maxInstances: 5, rule: { kind: 'keepBest', n: 3 } }));
    expect(estimate).toEqual({ min: 20, expected: 10 * 2 + 3 * 3, max: 50 });
  });

  it('gives only bounds for racing', () => {
    const estimate = estimateTrainings(10, policy({ warmupSteps: 3, maxInstances: 8, rule: { kind: 'racing', confidence: 0.95 } }));
    expect(estimate).toEqual({ min: 40, expected: null, max: 80 });
  });

  it('trains a single model n_max times', () => {
    expect(estimateTrainings(1, policy({ warmupSteps: 2, maxInstances: 6 }))).toEqual({ min: 6, expected: 6, max: 6 });
  });

  it('stops at n_max when warm-up fills it', () => {
    expect(estimateTrainings(4, policy({ warmupSteps: 5, maxInstances: 5 }))).toEqual({ min: 20, expected: 20, max: 20 });
  });
});
