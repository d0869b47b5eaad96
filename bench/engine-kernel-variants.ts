/**
 * Compares variants of the engine's wasm kernels. First the two
 * filter-gradient strategies of worker/engine/wasm-conv-filter-grad.ts
 * (im2col product against the transposed forward convolution) on the
 * convolutions of the benchmark networks. Then whole training steps of the
 * CNNs with the registered kernels against the earlier ones: the convolution
 * strategy for every filter gradient, the shipped `Sum` and the general
 * `MaxPoolGrad` loop without its unrolled 2x2 path. Rounds alternate
 * the variants, so load from other processes falls on both alike. Each cell
 * is the minimum and the median over the rounds of the mean time of one call
 * or step.
 *
 * Run: npx tsx bench/engine-kernel-variants.ts [ROUNDS]   (default 15)
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../worker/engine/backend';
import { createOptimizer } from '../worker/engine/model';
import {
  chooseFilterGradientMethod,
  createWasmConv2DBackpropFilterConfig,
  FILTER_GRADIENT_METHODS,
  type FilterGradientMethod,
} from '../worker/engine/wasm-conv-filter-grad';
import type { WasmBackendLike } from '../worker/engine/wasm-kernel-call';
import { createWasmMaxPoolGradConfig } from '../worker/engine/wasm-max-pool-grad';
import { buildNetwork, findBenchModel, networkLoss } from './engine-models';

const ROUNDS = Number(process.argv[2] ?? 15);
const CALLS_PER_ROUND = 5;

interface ConvShape {
  name: string;
  input: [number, number, number];
  filter: number;
  outChannels: number;
  padding: 'same' | 'valid';
}

const SHAPES: ConvShape[] = [
  { name: 'mnist-cnn conv1', input: [28, 28, 1], filter: 3, outChannels: 16, padding: 'valid' },
  { name: 'mnist-cnn conv2', input: [13, 13, 16], filter: 3, outChannels: 32, padding: 'valid' },
  { name: 'calo-cnn conv1', input: [15, 15, 1], filter: 3, outChannels: 32, padding: 'same' },
  { name: 'calo-cnn conv2', input: [7, 7, 32], filter: 3, outChannels: 64, padding: 'same' },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Taken before initBackend replaces it.
const shippedSum = tf.getKernel('Sum', 'wasm')!;
await initBackend('wasm');
const wasm = tf.backend() as unknown as WasmBackendLike & tf.KernelBackend;
console.log(`Conv2DBackpropFilter on wasm, ${ROUNDS} alternating rounds of ${CALLS_PER_ROUND} calls; load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
console.log('convolution'.padEnd(18) + 'batch'.padStart(6) + '  chosen     ' + 'im2col min / median ms'.padStart(24) + 'convolution min / median ms'.padStart(30) + 'max |difference|'.padStart(18));

for (const batch of [32, 256]) {
  for (const shape of SHAPES) {
    const x = tf.randomNormal([batch, ...shape.input]) as tf.Tensor4D;
    const filterShape: [number, number, number, number] = [shape.filter, shape.filter, shape.input[2], shape.outChannels];
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, 1, 1, shape.padding);
    const dy = tf.randomNormal([batch, info.outHeight, info.outWidth, shape.outChannels]);

    const times: Record<FilterGradientMethod, number[]> = { im2col: [], convolution: [] };
    const outputs: Partial<Record<FilterGradientMethod, Float32Array>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const method of ['im2col', 'convolution'] as const) {
        const started = performance.now();
        for (let call = 0; call < CALLS_PER_ROUND; call++) {
          const dw = FILTER_GRADIENT_METHODS[method](x, dy, info, wasm);
          const values = wasm.readSync(dw.dataId) as Float32Array;
          if (round === 0 && call === 0) outputs[method] = values.slice();
          wasm.disposeData(dw.dataId);
        }
        times[method].push((performance.now() - started) / CALLS_PER_ROUND);
      }
    }

    let maxDifference = 0;
    for (let i = 0; i < outputs.im2col!.length; i++) maxDifference = Math.max(maxDifference, Math.abs(outputs.im2col![i] - outputs.convolution![i]));
    const cell = (values: number[]) => `${Math.min(...values).toFixed(2)} / ${median(values).toFixed(2)}`.padStart(24);
    console.log(
      shape.name.padEnd(18) + String(batch).padStart(6) + `  ${chooseFilterGradientMethod(info).padEnd(11)}` +
        cell(times.im2col) + cell(times.convolution).padStart(30) + maxDifference.toExponential(1).padStart(18),
    );
    tf.dispose([x, dy]);
  }
}

const POOL_VARIANTS = { unrolled: createWasmMaxPoolGradConfig(true), general: createWasmMaxPoolGradConfig(false) };
console.log(`\nMaxPoolGrad of a 2x2 pool with stride 2; load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
console.log('input'.padEnd(22) + 'unrolled min / median ms'.padStart(26) + 'general loop min / median ms'.padStart(30));
for (const shape of [[32, 26, 26, 16], [32, 11, 11, 32], [32, 15, 15, 32], [256, 26, 26, 16], [256, 15, 15, 32]] as [number, number, number, number][]) {
  const input = tf.randomNormal(shape) as tf.Tensor4D;
  const output = tf.maxPool(input, 2, 2, 'same');
  const dy = tf.randomNormal(output.shape);
  const attrs = { filterSize: 2, strides: 2, pad: 'same', dimRoundingMode: undefined };
  const times: Record<keyof typeof POOL_VARIANTS, number[]> = { unrolled: [], general: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ['unrolled', 'general'] as const) {
      const started = performance.now();
      for (let call = 0; call < CALLS_PER_ROUND; call++) {
        const dx = POOL_VARIANTS[variant].kernelFunc({ inputs: { dy, input, output }, attrs: attrs as never, backend: wasm }) as tf.TensorInfo;
        wasm.disposeData(dx.dataId);
      }
      times[variant].push((performance.now() - started) / CALLS_PER_ROUND);
    }
  }
  const cell = (values: number[], width: number) => `${Math.min(...values).toFixed(2)} / ${median(values).toFixed(2)}`.padStart(width);
  console.log(`[${shape.join(', ')}]`.padEnd(22) + cell(times.unrolled, 26) + cell(times.general, 30));
  tf.dispose([input, output, dy]);
}

const STEPS_PER_ROUND = 4;
const KERNEL_VARIANTS = {
  registered: [tf.getKernel('Conv2DBackpropFilter', 'wasm')!, tf.getKernel('Sum', 'wasm')!, tf.getKernel('MaxPoolGrad', 'wasm')!],
  earlier: [createWasmConv2DBackpropFilterConfig(() => 'convolution'), shippedSum, createWasmMaxPoolGradConfig(false)],
};

function useKernels(configs: tf.KernelConfig[]): void {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

console.log(`\ntraining steps (Adam, ${ROUNDS} alternating rounds of ${STEPS_PER_ROUND} steps); load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
console.log('model'.padEnd(12) + 'batch'.padStart(6) + 'registered min / median ms'.padStart(30) + 'earlier min / median ms'.padStart(28) + 'speed-up (medians)'.padStart(20));
for (const batch of [32, 256]) {
  for (const name of ['mnist-cnn', 'calo-cnn']) {
    const { spec } = findBenchModel(name);
    const model = buildNetwork(spec, 1);
    const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 0.001 });
    const xs = tf.randomUniform([batch, ...spec.input]);
    const ys = spec.loss === 'mse' ? tf.randomUniform([batch, spec.outputs]) : tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, spec.outputs);
    const step = () => {
      const loss = optimizer.minimize(() => networkLoss(spec, ys, model.apply(xs, { training: true }) as tf.Tensor), true);
      loss!.dataSync();
      loss!.dispose();
    };

    const times: Record<keyof typeof KERNEL_VARIANTS, number[]> = { registered: [], earlier: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of Object.keys(KERNEL_VARIANTS) as (keyof typeof KERNEL_VARIANTS)[]) {
        useKernels(KERNEL_VARIANTS[variant]);
        step();
        const started = performance.now();
        for (let i = 0; i < STEPS_PER_ROUND; i++) step();
        times[variant].push((performance.now() - started) / STEPS_PER_ROUND);
      }
    }
    const cell = (values: number[], width: number) => `${Math.min(...values).toFixed(1)} / ${median(values).toFixed(1)}`.padStart(width);
    const speedUp = median(times.earlier) / median(times.registered);
    console.log(name.padEnd(12) + String(batch).padStart(6) + cell(times.registered, 30) + cell(times.earlier, 28) + `${speedUp.toFixed(2)}x`.padStart(20));
    model.dispose();
    optimizer.dispose();
    tf.dispose([xs, ys]);
  }
}
useKernels(KERNEL_VARIANTS.registered);
console.log(`load average after: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
