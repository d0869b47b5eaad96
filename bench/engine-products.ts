/**
 * Prints the speed of the native matrix products (GFLOP/s) on the shapes
 * that the benchmark networks multiply. It measures once with
 * ROBUSTLAB_AVX512_PRODUCTS as set (auto by default) and once with `off`,
 * each in a fresh process, because the addon chooses its product when it loads.
 *
 * Run: npx tsx bench/engine-products.ts
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../worker/engine/backend';
import { nativeKernelStatus } from '../worker/engine/native-kernels';

/** A product op(A) op(B) of an [m, k] and a [k, n] matrix, and the layer step it comes from. */
interface ProductShape {
  step: string;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

const SHAPES: ProductShape[] = [
  { step: 'mnist-mlp dense 784-128 forward, batch 256', m: 256, n: 128, k: 784, transposeA: false, transposeB: false },
  { step: 'mnist-mlp dense 784-128 weight gradient', m: 784, n: 128, k: 256, transposeA: true, transposeB: false },
  { step: 'mnist-mlp dense 128-64 input gradient', m: 256, n: 128, k: 64, transposeA: false, transposeB: true },
  { step: 'mnist-cnn conv 16-32 forward (im2col), batch 32', m: 3872, n: 32, k: 144, transposeA: false, transposeB: false },
  { step: 'mnist-cnn conv 16-32 filter gradient', m: 144, n: 32, k: 3872, transposeA: true, transposeB: false },
  { step: 'mnist-cnn conv 16-32 input gradient', m: 3872, n: 144, k: 32, transposeA: false, transposeB: true },
  { step: 'calo-cnn conv 32-64 forward (im2col), batch 256', m: 256 * 49, n: 64, k: 288, transposeA: false, transposeB: false },
];

/** Seconds of products timed per shape. */
const SECONDS_PER_SHAPE = 0.5;

function measure(shape: ProductShape): number {
  const a = tf.randomUniform(shape.transposeA ? [shape.k, shape.m] : [shape.m, shape.k]);
  const b = tf.randomUniform(shape.transposeB ? [shape.n, shape.k] : [shape.k, shape.n]);
  // The wasm backend computes a kernel when it is called, so there is nothing to wait for.
  const once = () => tf.matMul(a, b, shape.transposeA, shape.transposeB).dispose();
  for (let i = 0; i < 5; i++) once();

  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS_PER_SHAPE * 1000) {
    once();
    calls += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  tf.dispose([a, b]);
  return (2 * shape.m * shape.n * shape.k * calls) / seconds / 1e9;
}

/** Measures every shape in this process and prints one JSON line: the status and GFLOP/s per shape. */
async function measureAll(): Promise<void> {
  await initBackend('wasm');
  const gflops = SHAPES.map(measure);
  console.log(JSON.stringify({ status: nativeKernelStatus(), gflops }));
}

function runChild(setting: string | undefined): { status: ReturnType<typeof nativeKernelStatus>; gflops: number[] } {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  if (setting !== undefined) env.ROBUSTLAB_AVX512_PRODUCTS = setting;
  const output = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child'], { env, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

if (process.argv.includes('--child')) {
  await measureAll();
} else {
  const automatic = runChild(process.env.ROBUSTLAB_AVX512_PRODUCTS);
  const onBlas = runChild('off');
  if (!automatic.status.active) {
    console.log(`native kernels off: ${automatic.status.reason}; the products measured are XNNPACK's`);
  } else {
    console.log(`BLAS ${automatic.status.blas} (${automatic.status.core ?? 'kernel family unknown'}); AVX-512 product in use: ${automatic.status.avx512Products}`);
  }
  console.log(['product', 'm x n x k', 'as set GFLOP/s', 'BLAS GFLOP/s'].join(' | '));
  SHAPES.forEach((shape, i) => {
    const size = `${shape.m} x ${shape.n} x ${shape.k}`;
    console.log([shape.step, size, automatic.gflops[i].toFixed(1), onBlas.gflops[i].toFixed(1)].join(' | '));
  });
}
