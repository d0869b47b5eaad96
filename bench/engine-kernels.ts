/**
 * Prints the time of each wasm kernel that the engine replaces, shipped
 * (@tensorflow/tfjs-backend-wasm 4.22.0) against replacement, on the gradient
 * shapes of the MNIST CNN of bench/engine-models.ts.
 *
 * Run: npx tsx bench/engine-kernels.ts [BATCH]   (default 32)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../worker/engine/backend';

const batch = Number(process.argv[2] ?? 32);
const RUNS = 20;
const names = ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul', 'Sum'];
// Taken before initBackend replaces them.
const shipped = new Map(names.map((name) => [name, tf.getKernel(name, 'wasm')!]));
await initBackend('wasm');
const backend = tf.backend();
for (const config of shipped.values()) config.setupFunc?.(backend);

function timeKernel(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>): void {
  const measure = (run: () => tf.TensorInfo) => {
    for (let i = 0; i < 3; i++) backend.disposeData(run().dataId);
    const started = performance.now();
    for (let i = 0; i < RUNS; i++) {
      const output = run();
      backend.readSync(output.dataId);
      backend.disposeData(output.dataId);
    }
    return (performance.now() - started) / RUNS;
  };
  const shippedMs = measure(() => shipped.get(name)!.kernelFunc({ inputs, attrs: attrs as never, backend }) as tf.TensorInfo);
  const replacedMs = measure(() => tf.getKernel(name, 'wasm')!.kernelFunc({ inputs, attrs: attrs as never, backend }) as tf.TensorInfo);
  const shapes = Object.values(inputs).map((tensor) => `[${tensor.shape.join(', ')}]`).join(' ');
  console.log(`${name.padEnd(20)} ${shapes.padEnd(36)} shipped ${shippedMs.toFixed(2).padStart(7)} ms, replacement ${replacedMs.toFixed(2).padStart(6)} ms`);
}

const conv1 = tf.randomNormal([batch, 26, 26, 16]);
const pooled = tf.maxPool(conv1 as tf.Tensor4D, 2, 2, 'valid');
const filter = tf.randomNormal([3, 3, 16, 32]);
const conv2Gradient = tf.randomNormal([batch, 11, 11, 32]);
console.log(`wasm kernels, batch ${batch}, mean of ${RUNS} runs; load average ${(await import('node:os')).loadavg().map((load) => load.toFixed(2)).join(' ')}`);
timeKernel('Conv2DBackpropInput', { dy: conv2Gradient, filter }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [batch, 13, 13, 16] });
timeKernel('MaxPoolGrad', { dy: tf.onesLike(pooled), input: conv1, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid' });
const features = tf.randomNormal([batch, 800]);
const hiddenGradient = tf.randomNormal([batch, 32]);
timeKernel('BatchMatMul', { a: features, b: hiddenGradient }, { transposeA: true, transposeB: false });
timeKernel('BatchMatMul', { a: hiddenGradient, b: tf.randomNormal([800, 32]) }, { transposeA: false, transposeB: true });
// Bias gradients: sums over the batch and, for convolutions, the spatial axes.
timeKernel('Sum', { x: conv1 }, { axis: [0, 1, 2], keepDims: false });
timeKernel('Sum', { x: conv2Gradient }, { axis: [0, 1, 2], keepDims: false });
timeKernel('Sum', { x: hiddenGradient }, { axis: [0], keepDims: false });
