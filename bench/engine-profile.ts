/**
 * Prints where a training step of a benchmark network spends its time: the
 * wall time of each TensorFlow.js kernel summed over steps (tf.profile), and
 * the share of the step spent outside kernels (layers, optimizer, tape and
 * tensor bookkeeping in JavaScript).
 *
 * Run: npx tsx bench/engine-profile.ts [MODEL] [BACKEND] [BATCH]   (default: mnist-cnn wasm 32)
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend, type BackendName } from '../worker/engine/backend';
import { createOptimizer } from '../worker/engine/model';
import { buildNetwork, findBenchModel, networkLoss } from './engine-models';

const [modelName = 'mnist-cnn', backendName = 'wasm', batchText = '32'] = process.argv.slice(2);
const STEPS = 20;
const spec = findBenchModel(modelName).spec;
const batchSize = Number(batchText);
await useBackend(backendName as BackendName);

const model = buildNetwork(spec, 1);
const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 0.001 });
const xs = tf.randomUniform([batchSize, ...spec.input]);
const ys = spec.loss === 'mse' ? tf.randomUniform([batchSize, spec.outputs]) : tf.oneHot(tf.zeros([batchSize], 'int32') as tf.Tensor1D, spec.outputs);
const step = () => {
  const loss = optimizer.minimize(() => networkLoss(spec, ys, model.apply(xs, { training: true }) as tf.Tensor), true);
  loss!.dataSync();
  loss!.dispose();
};
for (let i = 0; i < 5; i++) step();

const kernelMs = new Map<string, { ms: number; calls: number }>();
let totalKernelMs = 0;
const started = performance.now();
for (let i = 0; i < STEPS; i++) {
  const info = await tf.profile(step);
  for (const kernel of info.kernels) {
    const ms = Number(await kernel.kernelTimeMs);
    const entry = kernelMs.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    kernelMs.set(kernel.name, entry);
    totalKernelMs += ms;
  }
}
const profiledMs = (performance.now() - started) / STEPS;

// Unprofiled steps, since tf.profile itself adds bookkeeping per kernel.
const plainStarted = performance.now();
for (let i = 0; i < STEPS; i++) step();
const stepMs = (performance.now() - plainStarted) / STEPS;

console.log(`${modelName} on ${backendName}, batch ${batchSize}: ${stepMs.toFixed(2)} ms per step (${((batchSize / stepMs) * 1000).toFixed(0)} samples/s), ${(profiledMs).toFixed(2)} ms under tf.profile`);
console.log(`kernels ${(totalKernelMs / STEPS).toFixed(2)} ms per step, outside kernels ${(stepMs - totalKernelMs / STEPS).toFixed(2)} ms per step`);
console.log('kernel'.padEnd(28) + 'ms/step'.padStart(9) + 'share'.padStart(8) + 'calls/step'.padStart(12));
const rows = [...kernelMs.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [name, { ms, calls }] of rows.slice(0, 15)) {
  const perStep = ms / STEPS;
  console.log(name.padEnd(28) + perStep.toFixed(3).padStart(9) + `${((100 * perStep) / stepMs).toFixed(1)}%`.padStart(8) + (calls / STEPS).toFixed(0).padStart(12));
}
const otherCalls = rows.slice(15).reduce((sum, [, entry]) => sum + entry.calls, 0) / STEPS;
const otherMs = rows.slice(15).reduce((sum, [, entry]) => sum + entry.ms, 0) / STEPS;
console.log('other kernels'.padEnd(28) + otherMs.toFixed(3).padStart(9) + `${((100 * otherMs) / stepMs).toFixed(1)}%`.padStart(8) + otherCalls.toFixed(0).padStart(12));
