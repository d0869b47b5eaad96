import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds';
import { initBackend } from './backend';

type Shape4D = [number, number, number, number];
type Padding = 'same' | 'valid';

interface ConvCase {
  input: Shape4D;
  filter: [number, number];
  outChannels: number;
  stride: number | [number, number];
  padding: Padding;
}

interface PoolCase {
  input: Shape4D;
  window: [number, number];
  stride: number | [number, number];
  padding: Padding;
  /** Number of distinct input values; few levels make ties within a window common. */
  levels: number;
}

const CONV_CASES: ConvCase[] = [
  { input: [1, 5, 5, 1], filter: [3, 3], outChannels: 1, stride: 1, padding: 'same' },
  { input: [1, 7, 7, 2], filter: [3, 3], outChannels: 3, stride: 2, padding: 'same' },
  { input: [1, 7, 7, 2], filter: [3, 3], outChannels: 3, stride: 2, padding: 'valid' },
  { input: [2, 8, 6, 3], filter: [2, 2], outChannels: 4, stride: 2, padding: 'same' },
  { input: [3, 9, 11, 2], filter: [4, 5], outChannels: 2, stride: [2, 1], padding: 'valid' },
  { input: [2, 15, 15, 1], filter: [3, 3], outChannels: 32, stride: 1, padding: 'same' },
  { input: [1, 6, 6, 2], filter: [6, 6], outChannels: 2, stride: 1, padding: 'valid' },
  { input: [2, 5, 5, 3], filter: [1, 1], outChannels: 5, stride: 2, padding: 'valid' },
  { input: [1, 4, 4, 2], filter: [2, 2], outChannels: 2, stride: 2, padding: 'same' },
];

const POOL_CASES: PoolCase[] = [
  { input: [1, 4, 4, 1], window: [2, 2], stride: 2, padding: 'valid', levels: 2 },
  { input: [2, 28, 28, 8], window: [2, 2], stride: 2, padding: 'valid', levels: 1000 },
  { input: [1, 7, 7, 3], window: [2, 2], stride: 2, padding: 'valid', levels: 3 },
  { input: [1, 7, 7, 3], window: [2, 2], stride: 2, padding: 'same', levels: 3 },
  { input: [2, 9, 8, 2], window: [3, 3], stride: 1, padding: 'same', levels: 4 },
  { input: [1, 5, 6, 2], window: [3, 2], stride: [2, 1], padding: 'valid', levels: 2 },
  { input: [3, 6, 6, 4], window: [3, 3], stride: 2, padding: 'same', levels: 1 },
];

function randomInt(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function randomConvCases(count: number, seed: number): ConvCase[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const kernel = randomInt(rng, 1, 5);
    return {
      input: [randomInt(rng, 1, 4), randomInt(rng, kernel, 13), randomInt(rng, kernel, 13), randomInt(rng, 1, 4)],
      filter: [kernel, kernel],
      outChannels: randomInt(rng, 1, 6),
      stride: randomInt(rng, 1, 2),
      padding: rng() < 0.5 ? 'same' : 'valid',
    } satisfies ConvCase;
  });
}

function randomPoolCases(count: number, seed: number): PoolCase[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const window = randomInt(rng, 1, 3);
    return {
      input: [randomInt(rng, 1, 3), randomInt(rng, window, 11), randomInt(rng, window, 11), randomInt(rng, 1, 5)],
      window: [window, window],
      stride: randomInt(rng, 1, 2),
      padding: rng() < 0.5 ? 'same' : 'valid',
      levels: randomInt(rng, 1, 5),
    } satisfies PoolCase;
  });
}

function randomValues(size: number, rng: () => number, levels = 0): Float32Array {
  if (levels > 0) return Float32Array.from({ length: size }, () => Math.floor(rng() * levels) - 1);
  return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** dL/dx for L = sum(conv2d(x, filter) * weights), on the active backend. */
function convInputGradient(c: ConvCase, seed: number): Float32Array {
  const rng = createRng(seed);
  const filterShape: Shape4D = [...c.filter, c.input[3], c.outChannels];
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(sizeOf(c.input), rng), c.input);
    const filter = tf.tensor4d(randomValues(sizeOf(filterShape), rng), filterShape);
    const outShape = tf.conv2d(x, filter, c.stride, c.padding).shape;
    const weights = tf.tensor(randomValues(sizeOf(outShape), rng), outShape);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, filter, c.stride, c.padding), weights)));
    return gradient(x).dataSync() as Float32Array;
  });
}

/** dL/dx for L = sum(maxPool(x) * weights), on the active backend. */
function poolInputGradient(c: PoolCase, seed: number): Float32Array {
  const rng = createRng(seed);
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(sizeOf(c.input), rng, c.levels), c.input);
    const outShape = tf.maxPool(x, c.window, c.stride, c.padding).shape;
    const weights = tf.tensor(randomValues(sizeOf(outShape), rng), outShape);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, c.window, c.stride, c.padding), weights)));
    return gradient(x).dataSync() as Float32Array;
  });
}

/** Runs `compute` on wasm (checking that it leaks no tensor) and on cpu; returns the max error relative to the cpu scale. */
async function compareWithCpu(compute: () => Float32Array): Promise<number> {
  expect(await initBackend('wasm')).toBe('wasm');
  const before = tf.memory().numTensors;
  const onWasm = compute();
  expect(tf.memory().numTensors).toBe(before);

  expect(await initBackend('cpu')).toBe('cpu');
  const onCpu = compute();

  expect(onWasm.length).toBe(onCpu.length);
  const scale = Math.max(1, ...onCpu.map(Math.abs));
  let maxError = 0;
  onCpu.forEach((value, i) => (maxError = Math.max(maxError, Math.abs(value - onWasm[i]))));
  return maxError / scale;
}

function caseSeed(input: number[], extra: number): number {
  return input.reduce((a, b) => a * 31 + b, extra);
}

describe('wasm gradient kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    // Makes the engine check that every kernel disposes its intermediate buffers.
    tf.env().set('IS_TEST', true);
  });

  afterAll(() => {
    tf.env().set('IS_TEST', false);
  });

  test.each([...CONV_CASES, ...randomConvCases(24, 11)])('Conv2DBackpropInput matches cpu for %j', async (c) => {
    const error = await compareWithCpu(() => convInputGradient(c, caseSeed(c.input, c.outChannels)));
    // Sums of up to a few hundred float32 products differ only in rounding order.
    expect(error).toBeLessThan(1e-5);
  });

  test.each([...POOL_CASES, ...randomPoolCases(24, 13)])('MaxPoolGrad matches cpu for %j', async (c) => {
    const error = await compareWithCpu(() => poolInputGradient(c, caseSeed(c.input, c.levels)));
    // Ties go to the same position on both backends, so only the float32 rounding of overlapping windows differs.
    expect(error).toBeLessThan(1e-6);
  });

  test('MaxPoolGrad sends a tied window gradient to its first position', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const dy = tf.tensor4d([5], [1, 1, 1, 1]);
    const output = tf.maxPool(x, 2, 2, 'valid');
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;

    expect(Array.from(dx.dataSync())).toEqual([5, 0, 0, 0]);
    tf.dispose([x, dy, output, dx]);
  });

  test.each([
    { a: [32, 784], b: [784, 128], transposeA: false, transposeB: false },
    { a: [32, 784], b: [32, 128], transposeA: true, transposeB: false },
    { a: [32, 128], b: [784, 128], transposeA: false, transposeB: true },
    { a: [7, 3], b: [5, 7], transposeA: true, transposeB: true },
    { a: [1, 9], b: [1, 4], transposeA: true, transposeB: false },
    { a: [2, 5, 3], b: [2, 4, 3], transposeA: false, transposeB: true },
    { a: [3, 6, 5], b: [1, 6, 2], transposeA: true, transposeB: false },
  ])('BatchMatMul matches cpu for %j', async (c) => {
    const compute = () =>
      tf.tidy(() => {
        const rng = createRng(caseSeed([...c.a, ...c.b], Number(c.transposeA) + 2 * Number(c.transposeB)));
        const a = tf.tensor(randomValues(sizeOf(c.a), rng), c.a);
        const b = tf.tensor(randomValues(sizeOf(c.b), rng), c.b);
        return tf.matMul(a, b, c.transposeA, c.transposeB).dataSync() as Float32Array;
      });
    // Dot products of up to 784 float32 terms differ only in rounding order.
    expect(await compareWithCpu(compute)).toBeLessThan(1e-5);
  });

  test('Conv2DBackpropInput of conv2dTranspose matches cpu', async () => {
    const compute = () =>
      tf.tidy(() => {
        const rng = createRng(5);
        const x = tf.tensor4d(randomValues(2 * 4 * 5 * 3, rng), [2, 4, 5, 3]);
        const filter = tf.tensor4d(randomValues(3 * 3 * 2 * 3, rng), [3, 3, 2, 3]);
        return tf.conv2dTranspose(x, filter, [2, 8, 9, 2], 2, 'same').dataSync() as Float32Array;
      });
    expect(await compareWithCpu(compute)).toBeLessThan(1e-5);
  });
});
