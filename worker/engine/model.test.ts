import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Architecture } from '../../lib/config';
import { countParameters } from '../../lib/space';
import { initBackend } from './backend';
import { buildModel, createOptimizer } from './model';
import { specOf } from './test-fixtures';

const MNIST_INPUT = { shape: [28, 28, 1], classes: 10 };

const ARCHITECTURES: Array<{ architecture: Architecture; shape: number[] }> = [
  { architecture: { conv: [], dense: [] }, shape: [28, 28, 1] },
  { architecture: { conv: [], dense: [32, 16] }, shape: [28, 28, 1] },
  { architecture: { conv: [{ filters: 8, kernelSize: 3, pool: 2 }], dense: [16] }, shape: [28, 28, 1] },
  {
    architecture: { conv: [{ filters: 16, kernelSize: 3, pool: 2 }, { filters: 32, kernelSize: 3, pool: 2 }], dense: [32] },
    shape: [28, 28, 1],
  },
  { architecture: { conv: [{ filters: 4, kernelSize: 5, pool: 3 }, { filters: 6, kernelSize: 2, pool: 1 }], dense: [] }, shape: [28, 28, 1] },
  { architecture: { conv: [{ filters: 4, kernelSize: 3, pool: 2 }], dense: [8] }, shape: [15, 15] },
  { architecture: { conv: [{ filters: 4, kernelSize: 3, pool: 4 }], dense: [] }, shape: [225] },
];

function denseLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((layer) => layer.getClassName() === 'Dense');
}

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => weight.dataSync() as Float32Array);
}

describe('buildModel', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  test.each(ARCHITECTURES)('counts parameters like lib/space for %j', ({ architecture, shape }) => {
    const model = buildModel(specOf({ architecture }), { shape, classes: 10 }, 1);
    expect(model.countParams()).toBe(countParameters(architecture, shape, 10));
    expect(model.outputs[0].shape).toEqual([null, 10]);
    model.dispose();
  });

  test('uses same padding, valid pooling and softmax output', () => {
    const architecture = { conv: [{ filters: 4, kernelSize: 3, pool: 2 }], dense: [8] };
    const model = buildModel(specOf({ architecture, activation: 'tanh' }), MNIST_INPUT, 1);
    const configs = model.layers.map((layer) => ({ name: layer.getClassName(), config: layer.getConfig() }));

    expect(configs.map((c) => c.name)).toEqual(['InputLayer', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    expect(configs[1].config.padding).toBe('same');
    expect(configs[1].config.strides).toEqual([1, 1]);
    expect(configs[1].config.activation).toBe('tanh');
    expect(configs[2].config.poolSize).toEqual([2, 2]);
    expect(configs[2].config.strides).toEqual([2, 2]);
    expect(configs[2].config.padding).toBe('valid');
    expect(configs[4].config.activation).toBe('tanh');
    expect(configs[5].config.activation).toBe('softmax');
    model.dispose();
  });

  test('same seed gives same weights', () => {
    const spec = specOf({ architecture: { conv: [{ filters: 4, kernelSize: 3, pool: 2 }], dense: [8] } });
    const first = buildModel(spec, MNIST_INPUT, 42);
    const second = buildModel(spec, MNIST_INPUT, 42);
    const third = buildModel(spec, MNIST_INPUT, 43);

    expect(weightValues(second)).toEqual(weightValues(first));
    expect(weightValues(third)[0]).not.toEqual(weightValues(first)[0]);
    [first, second, third].forEach((model) => model.dispose());
  });

  test('layers draw from different seeds', () => {
    // With a fixed-deviation initializer, two layers sharing a seed would start with the same values.
    const spec = specOf({ architecture: { conv: [], dense: [8, 8] }, initializer: 'normal' });
    const model = buildModel(spec, MNIST_INPUT, 42);
    const [firstKernel, , secondKernel] = weightValues(model);

    expect(firstKernel.slice(0, 8)).not.toEqual(secondKernel.slice(0, 8));
    model.dispose();
  });

  // tfjs-layers 4.22 draws he, glorot and lecun from a normal truncated at 2 standard
  // deviations without rescaling it, so their spread is 0.8796 of the nominal one.
  const TRUNCATION = 0.87962566103423978;

  test.each([
    ['he', TRUNCATION * Math.sqrt(2 / 784)],
    ['glorot', TRUNCATION * Math.sqrt(2 / (784 + 256))],
    ['lecun', TRUNCATION * Math.sqrt(1 / 784)],
    ['normal', 0.05],
  ] as const)('%s initializer has the expected spread', (initializer, expected) => {
    const model = buildModel(specOf({ architecture: { conv: [], dense: [256] }, initializer }), MNIST_INPUT, 5);
    const [kernelTensor, biasTensor] = denseLayers(model)[0].getWeights();
    const kernel = Array.from(kernelTensor.dataSync());
    const std = Math.sqrt(kernel.reduce((sum, value) => sum + value * value, 0) / kernel.length);
    const bias = biasTensor.dataSync();

    // With 200k draws the sample deviation is within 1% of the true one; 5% is generous.
    expect(std).toBeGreaterThan(expected * 0.95);
    expect(std).toBeLessThan(expected * 1.05);
    expect(Array.from(bias).every((value) => value === 0)).toBe(true);
    model.dispose();
  });

  test('adds an L2 kernel regularizer only when l2 > 0', () => {
    const withL2 = buildModel(specOf({ architecture: { conv: [], dense: [8] }, l2: 0.01 }), MNIST_INPUT, 1);
    const withoutL2 = buildModel(specOf({ architecture: { conv: [], dense: [8] }, l2: 0 }), MNIST_INPUT, 1);

    expect(denseLayers(withL2)[0].getConfig().kernelRegularizer).toMatchObject({ config: { l2: 0.01 } });
    expect(denseLayers(withoutL2)[0].getConfig().kernelRegularizer).toBeNull();
    const penalties = withL2.calculateLosses();
    expect(penalties).toHaveLength(2);
    tf.dispose(penalties);
    withL2.dispose();
    withoutL2.dispose();
  });

  test('rejects invalid input shape and classes', () => {
    const spec = specOf({ architecture: { conv: [], dense: [] } });
    expect(() => buildModel(spec, { shape: [28, 0], classes: 10 }, 1)).toThrow(/Invalid input shape \[28, 0\]/);
    expect(() => buildModel(spec, { shape: [784], classes: 0 }, 1)).toThrow(/Invalid number of targets 0/);
  });
});

describe('createOptimizer', () => {
  test.each([
    ['adam', 'Adam'],
    ['sgd', 'Momentum'],
    ['rmsprop', 'RMSProp'],
    ['adagrad', 'Adagrad'],
  ] as const)('%s becomes %s with the learning rate', (optimizer, className) => {
    const created = createOptimizer({ optimizer, learningRate: 0.05 });
    const config = created.getConfig();

    expect(created.getClassName()).toBe(className);
    expect(config.learningRate).toBe(0.05);
    if (optimizer === 'sgd') expect(config.momentum).toBe(0.9);
    created.dispose();
  });
});
