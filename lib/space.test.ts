import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { modelSpaceSchema, modelSpecSchema, type Architecture, type ModelSpec } from './config';
import { canonicalJson, convInputShape, countParameters, expandModelSpace, modelHash, modelLabel } from './space';

/** Builds the network that countParameters describes with TensorFlow.js layers, as the trainer does. */
function buildTfModel(architecture: Architecture, shape: number[], classes: number): tf.LayersModel {
  const model = tf.sequential();
  if (architecture.conv.length > 0) {
    const inputShape = convInputShape(shape);
    model.add(shape.length === 3 ? tf.layers.inputLayer({ inputShape }) : tf.layers.reshape({ targetShape: inputShape, inputShape: shape }));
    for (const layer of architecture.conv) {
      model.add(tf.layers.conv2d({ filters: layer.filters, kernelSize: layer.kernelSize, strides: 1, padding: 'same', activation: 'relu' }));
      if (layer.pool > 1) model.add(tf.layers.maxPooling2d({ poolSize: layer.pool, strides: layer.pool, padding: 'valid' }));
    }
    model.add(tf.layers.flatten());
  } else {
    model.add(tf.layers.flatten({ inputShape: shape }));
  }
  for (const width of architecture.dense) model.add(tf.layers.dense({ units: width, activation: 'relu' }));
  model.add(tf.layers.dense({ units: classes, activation: classes > 1 ? 'softmax' : 'linear' }));
  return model;
}

const architecture = (input: unknown): Architecture => modelSpaceSchema.shape.architectures.element.parse(input);

describe('countParameters', () => {
  const cases: { name: string; architecture: Architecture; shape: number[]; classes: number }[] = [
    { name: 'MNIST CNN', architecture: architecture({ conv: [{ filters: 16, kernelSize: 3 }, { filters: 32, kernelSize: 3 }], dense: [32] }), shape: [28, 28, 1], classes: 10 },
    { name: 'odd sizes and pool 3', architecture: architecture({ conv: [{ filters: 5, kernelSize: 5, pool: 3 }, { filters: 7, kernelSize: 2, pool: 2 }] }), shape: [15, 15, 1], classes: 1 },
    { name: 'no pooling, RGB input', architecture: architecture({ conv: [{ filters: 4, kernelSize: 3, pool: 1 }], dense: [8, 8] }), shape: [9, 7, 3], classes: 4 },
    { name: 'flat input reshaped for conv', architecture: architecture({ conv: [{ filters: 8, kernelSize: 3, pool: 4 }] }), shape: [784], classes: 10 },
    { name: 'MLP on an image', architecture: architecture({ dense: [64, 32, 16, 8] }), shape: [28, 28, 1], classes: 10 },
    { name: 'linear regression', architecture: architecture({}), shape: [15, 15], classes: 1 },
  ];

  it.each(cases)('equals tf model.countParams(): $name', ({ architecture, shape, classes }) => {
    const model = buildTfModel(architecture, shape, classes);
    expect(countParameters(architecture, shape, classes)).toBe(model.countParams());
    model.dispose();
  });

  it('follows the formula for a small CNN', () => {
    // conv 3*3*1*16+16 = 160; 28 -> 14; conv 3*3*16*32+32 = 4640; 14 -> 7; dense (7*7*32+1)*32 = 50208; out (32+1)*10 = 330
    expect(countParameters(cases[0].architecture, [28, 28, 1], 10)).toBe(160 + 4640 + 50208 + 330);
  });

  it('rejects pooling below one cell', () => {
    const tooDeep = architecture({ conv: [{ filters: 4, kernelSize: 3, pool: 4 }, { filters: 4, kernelSize: 3, pool: 4 }] });
    expect(() => countParameters(tooDeep, [15, 15, 1], 2)).toThrow(/conv layer 2 pools a 3x3 feature map with pool 4/);
  });

  it('rejects bad shapes and class counts', () => {
    const conv = architecture({ conv: [{ filters: 4, kernelSize: 3 }] });
    expect(() => countParameters(conv, [10], 2)).toThrow(/square length/);
    expect(() => countParameters(conv, [0, 4], 2)).toThrow(/Invalid input shape \[0,4\]/);
    expect(() => countParameters(conv, [4, 4], 0)).toThrow(/classes 0/);
  });
});

describe('modelHash', () => {
  const spec = modelSpecSchema.parse({ architecture: { conv: [{ filters: 16, kernelSize: 3 }], dense: [32] } });

  it('ignores key order and filled-in defaults', () => {
    const reordered = {
      epochs: 5,
      batchSize: 32,
      architecture: { dense: [32], conv: [{ kernelSize: 3, pool: 2, filters: 16 }] },
      learningRate: 0.001,
    } as ModelSpec;
    expect(modelHash(reordered)).toBe(modelHash(spec));
    expect(modelHash(spec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when any setting differs', () => {
    const hashes = new Set([
      modelHash(spec),
      modelHash({ ...spec, learningRate: 0.01 }),
      modelHash({ ...spec, activation: 'tanh' }),
      modelHash({ ...spec, architecture: { conv: spec.architecture.conv, dense: [33] } }),
      modelHash({ ...spec, architecture: { conv: [{ filters: 16, kernelSize: 3, pool: 1 }], dense: [32] } }),
    ]);
    expect(hashes.size).toBe(5);
  });

  it('rejects an invalid spec', () => {
    expect(() => modelHash({ ...spec, learningRate: -1 })).toThrow(/learningRate/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: -0, c: 'x' }], e: undefined })).toBe('{"a":[{"c":"x","d":0}],"b":1}');
  });

  it('rejects non-finite numbers', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/Invalid number NaN/);
  });
});

describe('modelLabel', () => {
  it('names layers and hyperparameters', () => {
    const spec = modelSpecSchema.parse({
      architecture: { conv: [{ filters: 16, kernelSize: 3 }, { filters: 32, kernelSize: 3 }], dense: [32] },
    });
    expect(modelLabel(spec)).toBe('conv16k3p2-conv32k3p2-d32 relu adam lr=0.001 bs=32');
  });

  it('shows non-default initializer, L2 and epochs', () => {
    const spec = modelSpecSchema.parse({ architecture: {}, initializer: 'glorot', l2: 0.0001, epochs: 10, optimizer: 'sgd' });
    expect(modelLabel(spec)).toBe('linear relu glorot sgd lr=0.001 bs=32 l2=0.0001 ep=10');
  });
});

describe('expandModelSpace', () => {
  const space = modelSpaceSchema.parse({
    architectures: [{ dense: [16] }, { conv: [{ filters: 8, kernelSize: 3 }], dense: [32] }, { dense: [16] }],
    activations: ['relu', 'tanh'],
    learningRates: [0.001, 0.01],
    parameterBudget: 20_000,
  });

  it('enumerates the product in order and drops duplicates and over-budget models', () => {
    const { models, overBudget } = expandModelSpace(space, { shape: [28, 28, 1], classes: 10 });
    // d16 on 784 inputs: (784+1)*16 + (16+1)*10 = 12730; the CNN has 80 + (14*14*8+1)*32 + 330 = 50618.
    expect(models.map((model) => model.label)).toEqual([
      'd16 relu adam lr=0.001 bs=32',
      'd16 relu adam lr=0.01 bs=32',
      'd16 tanh adam lr=0.001 bs=32',
      'd16 tanh adam lr=0.01 bs=32',
    ]);
    expect(models.every((model) => model.parameterCount === 12_730)).toBe(true);
    expect(overBudget).toBe(4);
    expect(new Set(models.map((model) => model.hash)).size).toBe(4);
    expect(models[0].hash).toBe(modelHash(models[0].spec));
  });

  it('is deterministic', () => {
    const first = expandModelSpace(space, { shape: [28, 28, 1], classes: 10 });
    const second = expandModelSpace(space, { shape: [28, 28, 1], classes: 10 });
    expect(second).toEqual(first);
  });

  it('keeps every model within a large budget', () => {
    const { models, overBudget } = expandModelSpace({ ...space, parameterBudget: 1_000_000 }, { shape: [28, 28, 1], classes: 10 });
    expect(models).toHaveLength(8);
    expect(overBudget).toBe(0);
    expect(models[4].parameterCount).toBe(50_618);
  });

  it('rejects a space larger than the limit', () => {
    const huge = { ...space, learningRates: Array.from({ length: 50_000 }, (_, i) => (i + 1) * 1e-5) };
    expect(() => expandModelSpace(huge, { shape: [28, 28, 1], classes: 10 })).toThrow(/exceed the grid limit of 100000/);
  });
});
