import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds';
import { initBackend } from './backend';
import { FILTER_GRADIENT_METHODS } from './wasm-conv-filter-grad';
import type { WasmBackendLike } from './wasm-kernel-call';
import { randomConvCases, randomInt, randomValues, sizeOf, type ConvCase, type Padding, type Shape4D } from './kernel-test-cases';

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
  // 2x2 pools with stride 2, which take the unrolled path: odd sizes, cut-off windows, all ties, batch 1.
  { input: [1, 5, 9, 2], window: [2, 2], stride: 2, padding: 'same', levels: 2 },
  { input: [3, 13, 13, 16], window: [2, 2], stride: 2, padding: 'valid', levels: 1000 },
  { input: [2, 15, 15, 4], window: [2, 2], stride: 2, padding: 'same', levels: 1 },
  { input: [1, 1, 1, 3], window: [2, 2], stride: 2, padding: 'same', levels: 2 },
  { input: [1, 2, 3, 1], window: [2, 2], stride: 2, padding: 'valid', levels: 2 },
];

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

/** Inputs of Conv2DBackpropFilter for a case: x, an output gradient of the right shape and the kernel attributes. */
function filterGradientInputs(c: ConvCase, seed: number) {
  const rng = createRng(seed);
  const filterShape: Shape4D = [...c.filter, c.input[3], c.outChannels];
  const x = tf.tensor4d(randomValues(sizeOf(c.input), rng), c.input);
  const info = tf.backend_util.computeConv2DInfo(c.input, filterShape, c.stride, 1, c.padding);
  const dy = tf.tensor4d(randomValues(info.outHeight * info.outWidth * c.outChannels * c.input[0], rng), [c.input[0], info.outHeight, info.outWidth, c.outChannels]);
  const attrs = { strides: c.stride, pad: c.padding, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape };
  return { x, dy, info, attrs };
}

/** One-channel inputs, the case that the im2col filter gradient is chosen for, at odd sizes, strides 1 and 2 and batch 1. */
const ONE_CHANNEL_CASES: ConvCase[] = [
  { input: [1, 28, 28, 1], filter: [3, 3], outChannels: 16, stride: 1, padding: 'valid' },
  { input: [3, 15, 15, 1], filter: [3, 3], outChannels: 32, stride: 1, padding: 'same' },
  { input: [1, 9, 7, 1], filter: [3, 3], outChannels: 4, stride: 2, padding: 'same' },
  { input: [2, 9, 7, 1], filter: [4, 2], outChannels: 3, stride: [2, 1], padding: 'valid' },
  { input: [1, 5, 5, 1], filter: [5, 5], outChannels: 2, stride: 2, padding: 'same' },
];

/** Shape of `tf.sum(x, axis, keepDims)` for an input of `shape`, by the documented rule. */
function expectedSumShape(shape: number[], axis: number | number[] | null, keepDims: boolean): number[] {
  const axes = axis === null ? shape.map((_, index) => index) : [axis].flat().map((value) => (value + shape.length) % shape.length);
  if (keepDims) return shape.map((size, index) => (axes.includes(index) ? 1 : size));
  return shape.filter((_, index) => !axes.includes(index));
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

  describe.each(Object.keys(FILTER_GRADIENT_METHODS) as (keyof typeof FILTER_GRADIENT_METHODS)[])('%s filter gradient', (method) => {
    test.each([...ONE_CHANNEL_CASES, ...CONV_CASES, ...randomConvCases(16, 17)])('matches cpu for %j', async (c) => {
      const seed = caseSeed(c.input, c.outChannels + 100);

      expect(await initBackend('cpu')).toBe('cpu');
      const onCpu = tf.tidy(() => {
        const { x, dy, attrs } = filterGradientInputs(c, seed);
        return (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor).dataSync() as Float32Array;
      });

      expect(await initBackend('wasm')).toBe('wasm');
      const { x, dy, info } = filterGradientInputs(c, seed);
      const wasm = tf.backend() as unknown as WasmBackendLike & tf.KernelBackend;
      const buffersBefore = wasm.numDataIds();
      const dw = FILTER_GRADIENT_METHODS[method](x, dy, info, wasm);
      const onWasm = wasm.readSync(dw.dataId) as Float32Array;
      wasm.disposeData(dw.dataId);
      // Every intermediate buffer of the method is released again.
      expect(wasm.numDataIds()).toBe(buffersBefore);
      tf.dispose([x, dy]);

      expect(dw.shape).toEqual([...c.filter, c.input[3], c.outChannels]);
      expect(onWasm.length).toBe(onCpu.length);
      const scale = Math.max(1, ...onCpu.map(Math.abs));
      let maxError = 0;
      onCpu.forEach((value, i) => (maxError = Math.max(maxError, Math.abs(value - onWasm[i]))));
      // Sums of up to a few thousand float32 products differ only in rounding order.
      expect(maxError / scale).toBeLessThan(1e-5);
    });
  });

  test.each([
    { window: [2, 2] as [number, number], stride: 2 },
    { window: [3, 3] as [number, number], stride: 1 },
  ])('MaxPoolGrad of NaN and -Infinity windows matches cpu for %j', async (c) => {
    // Windows: all NaN, all -Infinity, NaN before 1, -Infinity before NaN and 2.
    const values = [NaN, NaN, -Infinity, -Infinity, NaN, 1, -Infinity, NaN, NaN, NaN, -Infinity, -Infinity, NaN, 1, NaN, 2];
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(values, [1, 4, 4, 1]);
        const output = tf.maxPool(x, c.window, c.stride, 'valid');
        const dy = tf.fill(output.shape, 3);
        const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output }, { filterSize: c.window, strides: c.stride, pad: 'valid' }) as tf.Tensor;
        return dx.dataSync() as Float32Array;
      });
    expect(await compareWithCpu(compute)).toBe(0);
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

  test.each([
    { shape: [32, 26, 26, 16], axis: [0, 1, 2], keepDims: false },
    { shape: [1, 5, 5, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 7], axis: 0, keepDims: false },
    { shape: [3, 5, 6], axis: [0, 1], keepDims: true },
    { shape: [2, 3, 4], axis: [1, 0], keepDims: false },
    { shape: [2, 3, 4], axis: [-3, -2], keepDims: false },
    { shape: [2, 3, 4], axis: [0, 2], keepDims: false },
    { shape: [2, 3, 4], axis: [1], keepDims: true },
    { shape: [2, 3, 4], axis: null, keepDims: false },
    { shape: [3, 1, 5], axis: [0, 1], keepDims: false },
  ])('Sum matches cpu for %j', async (c) => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor(randomValues(sizeOf(c.shape), createRng(caseSeed(c.shape, Number(c.keepDims)))), c.shape);
        const total = tf.sum(x, c.axis ?? undefined, c.keepDims);
        expect(total.shape).toEqual(expectedSumShape(c.shape, c.axis, c.keepDims));
        return total.dataSync() as Float32Array;
      });
    // XNNPACK accumulates in float32 and the cpu backend in float64. The 21,632 terms per sum of the
    // first case differ by about 4e-6 of the largest sum.
    expect(await compareWithCpu(compute)).toBeLessThan(1e-5);
  });

  test('Sum of int32 keeps the shipped kernel', async () => {
    await initBackend('wasm');
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const total = tf.sum(x, [0, 1]);

    expect(total.dtype).toBe('int32');
    expect(Array.from(total.dataSync())).toEqual([16, 20]);
    tf.dispose([x, total]);
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
