import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds';
import { initBackend } from './backend';
import { WasmAdamOptimizer } from './wasm-adam';

// The last shape is long enough for the vector loops of the native step, and not a multiple of their width.
const SHAPES = [[3, 3, 1, 4], [7], [13, 5], [1], [101, 37]];
const STEPS = 6;

function randomArray(size: number, rng: () => number, scale: number): Float32Array {
  return Float32Array.from({ length: size }, () => (rng() * 2 - 1) * scale);
}

/** Applies the same seeded gradients for STEPS steps and returns the final weights. */
function runOptimizer(create: () => tf.Optimizer, seed: number): Float32Array[] {
  const rng = createRng(seed);
  const variables = SHAPES.map((shape, i) =>
    tf.tidy(() => tf.variable(tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), rng, 1), shape), true, `w${seed}_${i}_${tf.getBackend()}`)),
  );
  const optimizer = create();
  for (let step = 0; step < STEPS; step++) {
    // Gradients of very different sizes, to exercise the bias correction and epsilon.
    const gradients = variables.map((variable) => ({ name: variable.name, tensor: tf.tensor(randomArray(variable.size, rng, 10 ** (step - 3)), variable.shape) }));
    optimizer.applyGradients(gradients);
    tf.dispose(gradients.map((gradient) => gradient.tensor));
  }
  const values = variables.map((variable) => variable.dataSync() as Float32Array);
  optimizer.dispose();
  tf.dispose(variables);
  return values;
}

describe('WasmAdamOptimizer', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    tf.env().set('IS_TEST', true);
  });

  afterAll(() => {
    tf.env().set('IS_TEST', false);
  });

  // The native step runs where the native kernels are active; native-kernels.test.ts checks that they are in CI.
  test.each([
    { step: 'the native or JavaScript step', useNative: true },
    { step: 'the JavaScript step', useNative: false },
  ])('matches tf.train.adam on cpu bit for bit with $step', async ({ useNative }) => {
    await initBackend('cpu');
    const reference = runOptimizer(() => tf.train.adam(0.01), 3);

    await initBackend('wasm');
    const before = tf.memory().numTensors;
    const result = runOptimizer(() => new WasmAdamOptimizer(0.01, 0.9, 0.999, useNative), 3);

    expect(tf.memory().numTensors).toBe(before);
    expect(result.map((values) => Array.from(values))).toEqual(reference.map((values) => Array.from(values)));
  });

  test('matches tf.train.adam on wasm bit for bit', async () => {
    await initBackend('wasm');
    const reference = runOptimizer(() => tf.train.adam(0.001), 4);
    const result = runOptimizer(() => new WasmAdamOptimizer(0.001), 4);

    expect(result.map((values) => Array.from(values))).toEqual(reference.map((values) => Array.from(values)));
  });

  test('trains a dense network like tf.train.adam on wasm', async () => {
    // Dense layers run on XNNPACK operators cached with packed weights, so this catches stale weights.
    await initBackend('wasm');
    // tfjs-core 4.22 reports its own fusedMatMul gradient as a leak under IS_TEST.
    tf.env().set('IS_TEST', false);
    const train = (create: () => tf.Optimizer) => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
          tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
        ],
      });
      const optimizer = create();
      const rng = createRng(9);
      const xs = tf.tensor2d(randomArray(8 * 6, rng, 1), [8, 6]);
      const ys = tf.tensor2d(randomArray(8 * 3, rng, 1), [8, 3]);
      for (let step = 0; step < 5; step++) {
        optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar);
      }
      const weights = model.getWeights().map((weight) => Array.from(weight.dataSync()));
      optimizer.dispose();
      model.dispose();
      tf.dispose([xs, ys]);
      return weights;
    };

    const before = tf.memory().numTensors;
    const result = train(() => new WasmAdamOptimizer(0.05));
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toEqual(train(() => tf.train.adam(0.05)));
    tf.env().set('IS_TEST', true);
  });

  test('leaves a tensor sharing the weights unchanged', async () => {
    await initBackend('wasm');
    const variable = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, 'shared-weights'));
    const alias = tf.clone(variable);
    const optimizer = new WasmAdamOptimizer(0.1);
    const gradient = tf.tensor1d([1, -1, 0.5]);

    optimizer.applyGradients([{ name: variable.name, tensor: gradient }]);

    expect(Array.from(alias.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(variable.dataSync())).not.toEqual([1, 2, 3]);
    optimizer.dispose();
    tf.dispose([variable, alias, gradient]);
  });

  test('rejects a backend other than wasm', async () => {
    await initBackend('wasm');
    const optimizer = new WasmAdamOptimizer(0.1);
    await initBackend('cpu');
    const variable = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'cpu-weights'));
    const gradient = tf.tensor1d([1]);

    expect(() => optimizer.applyGradients([{ name: variable.name, tensor: gradient }])).toThrow(
      "WasmAdamOptimizer runs on the wasm backend only, but 'cpu' is active; use tf.train.adam there.",
    );
    optimizer.dispose();
    tf.dispose([variable, gradient]);
  });
});
