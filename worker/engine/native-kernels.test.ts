import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds';
import { initBackend } from './backend';
import { randomConvCases, randomValues, sizeOf, type ConvCase, type Padding, type Shape4D } from './kernel-test-cases';
import { readFileSync } from 'node:fs';
import {
  avx512ProductsAllowed,
  isRepeatedRow,
  nativeKernelStatus,
  nativeKernelsEnabled,
  NATIVE_KERNEL_NAMES,
  NATIVE_RELU_GRAD,
} from './native-kernels';

const status = nativeKernelStatus();

/** Whether the addon should use its AVX-512 product: the CPU has AVX-512F and OpenBLAS's `core` kernels do not. */
function avx512ProductsExpected(core: string | undefined): boolean {
  const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].split(' ') ?? [];
  const blasHasAvx512 = ['skylakex', 'cooperlake', 'sapphirerapids'].includes((core ?? '').toLowerCase());
  return flags.includes('avx512f') && !blasHasAvx512;
}

/** Convolutions at odd sizes, strides 1 and 2, both paddings, batch 1, 1x1 filters and dilation. */
const CONV_CASES: ConvCase[] = [
  { input: [1, 5, 5, 1], filter: [3, 3], outChannels: 1, stride: 1, padding: 'same' },
  { input: [1, 28, 28, 1], filter: [3, 3], outChannels: 16, stride: 1, padding: 'valid' },
  { input: [3, 15, 15, 1], filter: [3, 3], outChannels: 32, stride: 1, padding: 'same' },
  { input: [2, 7, 7, 32], filter: [3, 3], outChannels: 64, stride: 1, padding: 'same' },
  { input: [2, 13, 13, 16], filter: [3, 3], outChannels: 32, stride: 1, padding: 'valid' },
  { input: [1, 7, 7, 2], filter: [3, 3], outChannels: 3, stride: 2, padding: 'same' },
  { input: [1, 7, 7, 2], filter: [3, 3], outChannels: 3, stride: 2, padding: 'valid' },
  { input: [3, 9, 11, 2], filter: [4, 5], outChannels: 2, stride: [2, 1], padding: 'valid' },
  { input: [2, 8, 6, 3], filter: [2, 2], outChannels: 4, stride: 2, padding: 'same' },
  { input: [2, 5, 5, 3], filter: [1, 1], outChannels: 5, stride: 2, padding: 'valid' },
  { input: [1, 6, 6, 2], filter: [6, 6], outChannels: 2, stride: 1, padding: 'valid' },
  { input: [1, 9, 9, 2], filter: [3, 3], outChannels: 3, stride: 1, padding: 'same', dilation: 2 },
  // 16,384 output rows of 72 patch values: several chunks of the patch matrix, which end inside an output row.
  { input: [4, 64, 64, 8], filter: [3, 3], outChannels: 6, stride: 1, padding: 'same' },
  // Two chunks of 144-value patches with 20 output channels: the filter gradient adds the second chunk's product.
  { input: [2, 40, 40, 16], filter: [3, 3], outChannels: 20, stride: 1, padding: 'same' },
];

function seedOf(values: number[]): number {
  return values.reduce((a, b) => (a * 31 + b) >>> 0, 7);
}

/**
 * Runs `compute` on wasm, where the native kernels are registered, checking
 * that it leaves no tensor and no wasm buffer behind, then on cpu. Returns the
 * largest difference relative to the largest cpu value.
 */
async function compareWithCpu(compute: () => Float32Array): Promise<number> {
  expect(await initBackend('wasm')).toBe('wasm');
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.backend().numDataIds();
  const onWasm = compute();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(tf.backend().numDataIds()).toBe(buffersBefore);

  expect(await initBackend('cpu')).toBe('cpu');
  const onCpu = compute();

  expect(onWasm.length).toBe(onCpu.length);
  let scale = 1;
  let maxError = 0;
  onCpu.forEach((value, i) => {
    scale = Math.max(scale, Math.abs(value));
    maxError = Math.max(maxError, Math.abs(value - onWasm[i]));
  });
  return maxError / scale;
}

function convTensors(c: ConvCase, seed: number) {
  const rng = createRng(seed);
  const filterShape: Shape4D = [...c.filter, c.input[3], c.outChannels];
  const x = tf.tensor4d(randomValues(sizeOf(c.input), rng), c.input);
  const filter = tf.tensor4d(randomValues(sizeOf(filterShape), rng), filterShape);
  const bias = tf.tensor1d(randomValues(c.outChannels, rng));
  return { x, filter, bias, filterShape };
}

const ALL_CONV_CASES = [...CONV_CASES, ...randomConvCases(20, 41)];

describe.runIf(status.active)('native kernels against the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    // Makes the engine check that every kernel disposes its intermediate tensors.
    tf.env().set('IS_TEST', true);
  });

  afterAll(() => {
    tf.env().set('IS_TEST', false);
  });

  test('are registered for the wasm backend', () => {
    for (const name of [...NATIVE_KERNEL_NAMES, NATIVE_RELU_GRAD]) {
      // Every native kernel hands the wasm heap to the addon.
      expect(tf.getKernel(name, 'wasm')?.kernelFunc.toString(), name).toContain('heapOf(backend)');
    }
  });

  test.each([
    { a: [32, 26, 26, 16], b: [16] },
    { a: [16], b: [3, 5, 16] },
    { a: [4, 7], b: [1, 7] },
    { a: [2, 3, 5], b: [2, 3, 5] },
    { a: [3, 1], b: [1, 4] },
    { a: [2, 3], b: [2, 1] },
    { a: [5], b: [] },
  ])('Add matches cpu for %j', async (c) => {
    const compute = () =>
      tf.tidy(() => {
        const rng = createRng(seedOf([...c.a, ...c.b]));
        const a = tf.tensor(randomValues(sizeOf(c.a), rng), c.a);
        const b = tf.tensor(randomValues(sizeOf(c.b), rng), c.b);
        return tf.add(a, b).dataSync() as Float32Array;
      });
    // Both add in float32: the results are equal.
    expect(await compareWithCpu(compute)).toBe(0);
  });

  test('Relu and its gradient match cpu, with NaN, infinities and signed zeros', async () => {
    const values = [NaN, -0, 0, -1, 2, Infinity, -Infinity, 1e-30, -1e-30, 3.5];
    const gradients = [1, 2, 3, Infinity, -2, 5, 6, NaN, 8, -Infinity];
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor1d(values);
        const dy = tf.tensor1d(gradients);
        const [dx] = tf.grads((input: tf.Tensor) => tf.mul(tf.relu(input), dy))([x]);
        return Float32Array.from([...tf.relu(x).dataSync(), ...dx.dataSync()]);
      });
    expect(await initBackend('wasm')).toBe('wasm');
    const onWasm = compute();
    expect(await initBackend('cpu')).toBe('cpu');
    const onCpu = compute();
    // Object.is treats NaN as equal to NaN and 0 as different from -0.
    expect(Array.from(onWasm).map((value, i) => Object.is(value, onCpu[i]) || (value === 0 && onCpu[i] === 0))).toEqual(Array.from(onCpu, () => true));
  });

  test('SGD steps of a small CNN match cpu', async () => {
    const train = () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [9, 9, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 6, kernelSize: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 2 }) }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
          tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.heNormal({ seed: 4 }) }),
        ],
      });
      const rng = createRng(21);
      const xs = tf.tensor4d(randomValues(6 * 81, rng), [6, 9, 9, 1]);
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3));
      const optimizer = tf.train.sgd(0.1);
      for (let step = 0; step < 5; step++) {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar);
      }
      const weights = Float32Array.from(model.getWeights().flatMap((weight) => Array.from(weight.dataSync())));
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
      return weights;
    };
    // tfjs-core 4.22 reports its own fusedMatMul gradient as a leak under IS_TEST.
    tf.env().set('IS_TEST', false);
    const error = await compareWithCpu(train);
    tf.env().set('IS_TEST', true);
    // Five steps of rounding-order differences in every kernel of the step.
    expect(error).toBeLessThan(1e-5);
  });

  test.each(ALL_CONV_CASES)('Conv2D, and FusedConv2D with bias and ReLU, match cpu for %j', async (c) => {
    const seed = seedOf([...c.input, c.outChannels]);
    const plain = () =>
      tf.tidy(() => {
        const { x, filter } = convTensors(c, seed);
        return tf.conv2d(x, filter, c.stride, c.padding, 'NHWC', c.dilation ?? 1).dataSync() as Float32Array;
      });
    const fused = () =>
      tf.tidy(() => {
        const { x, filter, bias } = convTensors(c, seed);
        const options = { x, filter, bias, strides: c.stride, pad: c.padding, dilations: c.dilation ?? 1, activation: 'relu' as const };
        return tf.fused.conv2d(options).dataSync() as Float32Array;
      });
    // Sums of up to a few hundred float32 products differ only in rounding order.
    expect(await compareWithCpu(plain)).toBeLessThan(1e-5);
    expect(await compareWithCpu(fused)).toBeLessThan(1e-5);
  });

  test.each(ALL_CONV_CASES.filter((c) => c.dilation === undefined))('Conv2DBackpropInput and Conv2DBackpropFilter match cpu for %j', async (c) => {
    const seed = seedOf([...c.input, c.outChannels, 1]);
    const gradients = () =>
      tf.tidy(() => {
        const { x, filter } = convTensors(c, seed);
        const outShape = tf.conv2d(x, filter, c.stride, c.padding).shape;
        const weights = tf.tensor(randomValues(sizeOf(outShape), createRng(seed + 1)), outShape);
        const loss = (input: tf.Tensor, kernel: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, c.stride, c.padding), weights));
        const [dx, dw] = tf.grads(loss)([x, filter]);
        return Float32Array.from([...dx.dataSync(), ...dw.dataSync()]);
      });
    // The filter gradient of the largest case sums 65,536 products.
    expect(await compareWithCpu(gradients)).toBeLessThan(1e-5);
  });

  test.each([
    { a: [32, 784], b: [784, 128], transposeA: false, transposeB: false },
    { a: [32, 784], b: [32, 128], transposeA: true, transposeB: false },
    { a: [32, 128], b: [784, 128], transposeA: false, transposeB: true },
    { a: [7, 3], b: [5, 7], transposeA: true, transposeB: true },
    { a: [1, 9], b: [1, 4], transposeA: true, transposeB: false },
    { a: [2, 5, 3], b: [2, 4, 3], transposeA: false, transposeB: true },
    { a: [3, 6, 5], b: [1, 6, 2], transposeA: true, transposeB: false },
    { a: [1, 4, 6], b: [3, 6, 2], transposeA: false, transposeB: false },
    { a: [2, 3, 4, 5], b: [2, 3, 5, 2], transposeA: false, transposeB: false },
    // Large enough for the AVX-512 product where it runs: rows past a 12-row panel, columns past a 32-column one.
    { a: [37, 101], b: [101, 45], transposeA: false, transposeB: false },
    { a: [129, 25], b: [129, 17], transposeA: true, transposeB: false },
    { a: [13, 200], b: [64, 200], transposeA: false, transposeB: true },
    { a: [300, 11], b: [33, 300], transposeA: true, transposeB: true },
    { a: [3, 24, 64], b: [1, 64, 48], transposeA: false, transposeB: false },
  ])('BatchMatMul and _FusedMatMul with bias and ReLU match cpu for %j', async (c) => {
    const seed = seedOf([...c.a, ...c.b, Number(c.transposeA), Number(c.transposeB)]);
    const outer = c.transposeB ? c.b.at(-2)! : c.b.at(-1)!;
    const plain = () =>
      tf.tidy(() => {
        const rng = createRng(seed);
        const a = tf.tensor(randomValues(sizeOf(c.a), rng), c.a);
        const b = tf.tensor(randomValues(sizeOf(c.b), rng), c.b);
        return tf.matMul(a, b, c.transposeA, c.transposeB).dataSync() as Float32Array;
      });
    const fused = () =>
      tf.tidy(() => {
        const rng = createRng(seed);
        const a = tf.tensor(randomValues(sizeOf(c.a), rng), c.a);
        const b = tf.tensor(randomValues(sizeOf(c.b), rng), c.b);
        const bias = tf.tensor1d(randomValues(outer, rng));
        return tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB, bias, activation: 'relu' }).dataSync() as Float32Array;
      });
    // Dot products of up to 784 float32 terms differ only in rounding order.
    expect(await compareWithCpu(plain)).toBeLessThan(1e-5);
    expect(await compareWithCpu(fused)).toBeLessThan(1e-5);
  });

  test.each([
    { input: [32, 26, 26, 16], window: 2, stride: 2, padding: 'valid' },
    { input: [1, 7, 7, 3], window: 2, stride: 2, padding: 'same' },
    { input: [2, 15, 15, 5], window: 2, stride: 2, padding: 'valid' },
    { input: [2, 9, 8, 2], window: 3, stride: 1, padding: 'same' },
    { input: [3, 6, 6, 4], window: 3, stride: 2, padding: 'same' },
    { input: [1, 1, 1, 6], window: 2, stride: 2, padding: 'same' },
  ] satisfies Array<{ input: Shape4D; window: number; stride: number; padding: Padding }>)('MaxPool matches cpu for %j', async (c) => {
    const compute = () =>
      tf.tidy(() => {
        const rng = createRng(seedOf(c.input));
        // Few levels, so that windows tie.
        const x = tf.tensor4d(Float32Array.from({ length: sizeOf(c.input) }, () => Math.floor(rng() * 4)), c.input);
        return tf.maxPool(x, c.window, c.stride, c.padding).dataSync() as Float32Array;
      });
    // A maximum is one of the inputs, so the results are equal.
    expect(await compareWithCpu(compute)).toBe(0);
  });

  test('MaxPool skips NaN and keeps -Infinity like cpu', async () => {
    // One 2x2 window over 4 channels: all NaN, all -Infinity, NaN before 1, -Infinity before NaN and 2.
    const channels = [
      [NaN, NaN, NaN, NaN],
      [-Infinity, -Infinity, -Infinity, -Infinity],
      [NaN, 1, NaN, NaN],
      [-Infinity, NaN, 2, NaN],
    ];
    const values = Array.from({ length: 16 }, (_, i) => channels[i % 4][Math.floor(i / 4)]);
    const compute = () => tf.tidy(() => tf.maxPool(tf.tensor4d(values, [1, 2, 2, 4]), 2, 2, 'valid').dataSync() as Float32Array);
    expect(await initBackend('wasm')).toBe('wasm');
    const onWasm = Array.from(compute());
    expect(await initBackend('cpu')).toBe('cpu');
    expect(onWasm).toEqual(Array.from(compute()));
    expect(onWasm).toEqual([-Infinity, -Infinity, 1, 2]);
  });

  test('_FusedMatMul leaves a bias per row to the wasm kernel', async () => {
    // A [4, 1] bias on a [4, 4] product adds one value per row. The native kernel adds one value per
    // column, so it must not take this case, and the shipped wasm kernel rejects biases of rank 2.
    await initBackend('wasm');
    const [a, b, bias] = [tf.ones([4, 3]) as tf.Tensor2D, tf.ones([3, 4]) as tf.Tensor2D, tf.tensor2d([1, 2, 3, 4], [4, 1])];
    expect(() => tf.fused.matMul({ a, b, bias, activation: 'relu' })).toThrow('_FusedMatMul only supports rank-1 bias but got rank 2.');
    tf.dispose([a, b, bias]);
  });

  test.each([
    { a: [0, 2, 3], b: [3, 4] },
    { a: [2, 3], b: [0, 3, 4] },
    { a: [1, 0, 3], b: [1, 3, 4] },
    { a: [2, 3, 0], b: [2, 0, 4] },
  ])('matMul of empty tensors keeps the heap intact for %j', async (c) => {
    await initBackend('wasm');
    const [a, b] = [tf.ones(c.a), tf.ones(c.b)];
    const product = tf.matMul(a, b);
    // Writing into an empty output would corrupt the allocator, so the next allocations would fail or read garbage.
    const check = tf.add(tf.ones([5]), 1);
    expect(Array.from(check.dataSync())).toEqual([2, 2, 2, 2, 2]);
    if (c.a[2] === 0) expect(Array.from(product.dataSync())).toEqual(new Array(product.size).fill(0));
    tf.dispose([a, b, product, check]);
  });

  test.each([
    { x: [1, 6, 6, 0], filter: [3, 3, 0, 2] },
    { x: [1, 6, 6, 2], filter: [3, 3, 2, 0] },
    { x: [0, 6, 6, 2], filter: [3, 3, 2, 2] },
  ] satisfies Array<{ x: Shape4D; filter: Shape4D }>)('convolutions of empty tensors match cpu for %j', async (c) => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.ones(c.x);
        const filter = tf.ones(c.filter);
        const [dx, dw] = tf.grads((input: tf.Tensor, kernel: tf.Tensor) => tf.sum(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same')))([x, filter]);
        return Float32Array.from([...tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same').dataSync(), ...dx.dataSync(), ...dw.dataSync()]);
      });
    expect(await compareWithCpu(compute)).toBe(0);
  });

  test('leave activations they do not implement to the wasm kernels', async () => {
    const compute = () =>
      tf.tidy(() => {
        const rng = createRng(3);
        const a = tf.tensor2d(randomValues(12, rng), [3, 4]);
        const b = tf.tensor2d(randomValues(8, rng), [4, 2]);
        const x = tf.tensor4d(randomValues(50, rng), [1, 5, 5, 2]);
        const filter = tf.tensor4d(randomValues(36, rng), [3, 3, 2, 2]);
        const product = tf.fused.matMul({ a, b, activation: 'elu' });
        const convolved = tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', activation: 'sigmoid' });
        return Float32Array.from([...product.dataSync(), ...convolved.dataSync()]);
      });
    expect(await compareWithCpu(compute)).toBeLessThan(1e-5);
  });
});

describe('native kernel helpers', () => {
  test.each([
    { value: '', enabled: true },
    { value: 'on', enabled: true },
    { value: ' OFF ', enabled: false },
    { value: 'off', enabled: false },
  ])('ROBUSTLAB_NATIVE_KERNELS=$value is read', ({ value, enabled }) => {
    expect(nativeKernelsEnabled(value)).toBe(enabled);
  });

  test('ROBUSTLAB_NATIVE_KERNELS rejects other values', () => {
    expect(() => nativeKernelsEnabled('false')).toThrow("Invalid ROBUSTLAB_NATIVE_KERNELS 'false': expected on or off.");
  });

  test.each([
    { value: '', allowed: true },
    { value: ' Auto ', allowed: true },
    { value: 'OFF', allowed: false },
  ])('ROBUSTLAB_AVX512_PRODUCTS=$value is read', ({ value, allowed }) => {
    expect(avx512ProductsAllowed(value)).toBe(allowed);
  });

  test('ROBUSTLAB_AVX512_PRODUCTS rejects other values', () => {
    expect(() => avx512ProductsAllowed('on')).toThrow("Invalid ROBUSTLAB_AVX512_PRODUCTS 'on': expected auto or off.");
  });

  test.each([
    { variable: 'ROBUSTLAB_AVX512_PRODUCTS', value: 'bogus', message: "Invalid ROBUSTLAB_AVX512_PRODUCTS 'bogus': expected auto or off." },
    { variable: 'ROBUSTLAB_NATIVE_KERNELS', value: 'maybe', message: "Invalid ROBUSTLAB_NATIVE_KERNELS 'maybe': expected on or off." },
  ])('invalid $variable fails every backend start', ({ variable, value, message }) => {
    const probe = [
      "import { initBackend } from './worker/engine/backend.ts';",
      'for (let attempt = 0; attempt < 2; attempt++) {',
      "  try { console.log(await initBackend('wasm')); } catch (error) { console.log(error.message); }",
      '}',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      env: { ...process.env, [variable]: value },
      encoding: 'utf8',
    });
    const lines = output.trim().split('\n').slice(-2);

    expect(lines).toEqual([message, message]);
  });


  test.each([
    { full: [32, 26, 26, 16], row: [16], expected: true },
    { full: [4, 7], row: [1, 7], expected: true },
    { full: [2, 3], row: [2, 3], expected: true },
    { full: [3, 1], row: [1, 4], expected: false },
    { full: [2, 3], row: [3, 1], expected: false },
    { full: [5], row: [], expected: false },
    { full: [0, 4], row: [0, 4], expected: false },
    { full: [4], row: [2, 4], expected: false },
  ])('isRepeatedRow($full, $row) is $expected', ({ full, row, expected }) => {
    expect(isRepeatedRow(full, row)).toBe(expected);
  });
});

describe.runIf(status.active)('AVX-512 product', () => {
  test('follows CPU and BLAS', () => {
    if (!status.active) throw new Error('unreachable: the suite runs only with the native kernels');

    const expected = avx512ProductsAllowed() && avx512ProductsExpected(status.core);

    expect(status.avx512Products).toBe(expected);
  });

  test.each([
    { transposeA: true, path: 'packed A' },
    { transposeA: false, path: 'A read in place' },
  ])('long products keep their accuracy ($path)', async ({ transposeA }) => {
    // Non-negative values make the partial sums grow, the hard case for float32 sums over a long k.
    const [m, n, k] = [12, 32, 20_000];
    const rng = createRng(3);
    const a = Float32Array.from({ length: k * m }, () => rng());
    const b = Float32Array.from({ length: k * n }, () => rng());
    await initBackend('wasm');
    const product = tf.tidy(() => tf.matMul(tf.tensor(a, transposeA ? [k, m] : [m, k]), tf.tensor(b, [k, n]), transposeA, false).dataSync());

    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let exact = 0;
        for (let p = 0; p < k; p++) exact += (transposeA ? a[p * m + i] : a[i * k + p]) * b[p * n + j];
        worst = Math.max(worst, Math.abs(product[i * n + j] - exact) / exact);
      }
    }
    // OpenBLAS: 3.6e-7. One float32 sum over all of k: 6.7e-6.
    expect(worst).toBeLessThan(2e-6);
  });

  test('ROBUSTLAB_AVX512_PRODUCTS=off matches the AVX-512 product', () => {
    if (!status.active) throw new Error('unreachable: the suite runs only with the native kernels');
    const shapes = { a: [37, 101], b: [101, 45] };
    const product = `(() => { const rng = createRng(5); const a = tf.tensor(randomValues(${37 * 101}, rng), ${JSON.stringify(shapes.a)});
      const b = tf.tensor(randomValues(${101 * 45}, rng), ${JSON.stringify(shapes.b)}); return Array.from(tf.matMul(a, b).dataSync()); })()`;
    const probe = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { createRng } from './lib/seeds.ts';",
      "import { initBackend } from './worker/engine/backend.ts';",
      "import { randomValues } from './worker/engine/kernel-test-cases.ts';",
      "import { nativeKernelStatus } from './worker/engine/native-kernels.ts';",
      "await initBackend('wasm');",
      `console.log(JSON.stringify({ status: nativeKernelStatus(), values: ${product} }));`,
    ].join('\n');

    const run = (setting: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
          env: { ...process.env, ROBUSTLAB_AVX512_PRODUCTS: setting },
          encoding: 'utf8',
        })
          .trim()
          .split('\n')
          .at(-1)!,
      ) as { status: { avx512Products: boolean }; values: number[] };
    const onBlas = run('off');
    const automatic = run('auto');

    expect(onBlas.status.avx512Products).toBe(false);
    expect(automatic.status.avx512Products).toBe(avx512ProductsExpected(status.core));
    const scale = Math.max(...onBlas.values.map(Math.abs));
    const difference = Math.max(...onBlas.values.map((value, i) => Math.abs(value - automatic.values[i])));
    // Dot products of 101 float32 terms, summed in another order.
    expect(difference / scale).toBeLessThan(1e-5);
  });
});

describe('native kernel status', () => {
  test('names its BLAS library, or says why the wasm kernels run instead', () => {
    if (status.active) {
      expect(status.blas).toMatch(/blas/i);
    } else {
      expect(status.reason.length).toBeGreaterThan(0);
    }
    // CI installs a compiler and OpenBLAS, so there the native kernels must be active.
    if (process.env.ROBUSTLAB_REQUIRE_NATIVE_KERNELS === '1') expect(status).toMatchObject({ active: true });
  });

  test('ROBUSTLAB_NATIVE_KERNELS=off keeps the wasm kernels', () => {
    const probe = "import { nativeKernelStatus } from './worker/engine/native-kernels.ts'; console.log(JSON.stringify(nativeKernelStatus()));";
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      env: { ...process.env, ROBUSTLAB_NATIVE_KERNELS: 'off' },
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim())).toEqual({ active: false, reason: 'ROBUSTLAB_NATIVE_KERNELS is off' });
  });
});
