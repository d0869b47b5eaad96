/**
 * One process of the training-engine benchmark: trains instances of a network
 * on fixed synthetic data for a time budget and prints one JSON line.
 *
 * Run: npx tsx bench/engine-worker.ts MODEL BACKEND BATCH SECONDS
 *
 * An instance is 3 epochs over 1,800 samples with a new network (He normal
 * weights) and a new Adam optimizer (learning rate 0.001), the training part
 * of a demo instance (2,000 samples, 10% held out). The process first trains
 * for WARMUP_SECONDS untimed. Each epoch runs the
 * engine's own `trainEpoch` (worker/engine/epoch.ts): batches assembled by
 * `gatherBatch`, `optimizer.minimize` over `model.apply`, the loss read back
 * after every step. The optimizer comes from the engine's createOptimizer, so
 * on wasm it is WasmAdamOptimizer. Only whole epochs count: the budget is
 * checked before each epoch, and the time is taken after the last.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../lib/seeds';
import { BACKEND_NAMES, useBackend, type BackendName } from '../worker/engine/backend';
import type { OutputLayout, Samples } from '../worker/engine/batches';
import { trainEpoch } from '../worker/engine/epoch';
import { createOptimizer } from '../worker/engine/model';
import { buildNetwork, findBenchModel, type NetworkSpec } from './engine-models';

export const SAMPLES_PER_EPOCH = 1800;
export const EPOCHS_PER_INSTANCE = 3;
/**
 * Untimed training before the measurement. V8 compiles TensorFlow.js's
 * JavaScript while it trains, on a second thread: about 0.9 s of compiling in
 * the first 2 s of a MNIST CNN process, 0.3 s in the 23 s after (--trace-opt). A worker
 * process trains for hours, so its throughput is the one after that;
 * bench/engine_torch.py warms up for as long.
 */
export const WARMUP_SECONDS = 3;

/** Result line of one worker process. */
export interface WorkerResult {
  samples: number;
  seconds: number;
  parameters: number;
  maxRssMb: number;
  numTensors: number;
  /** CPU seconds of all the process's threads while it trained (the main thread plus V8's helpers). */
  cpuSeconds: number;
}

/** Fixed synthetic samples: uniform inputs, and random labels or uniform targets. */
function syntheticSamples(spec: NetworkSpec): { pool: Samples; layout: OutputLayout } {
  const rng = createRng(1);
  const sampleSize = spec.input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: SAMPLES_PER_EPOCH * sampleSize }, () => rng());
  if (spec.loss === 'mse') {
    const y = Float32Array.from({ length: SAMPLES_PER_EPOCH * spec.outputs }, () => rng());
    // Mean 0 and deviation 1 leave the targets as they are.
    const layout: OutputLayout = { task: 'regression', outputs: spec.outputs, mean: new Float64Array(spec.outputs), std: new Float64Array(spec.outputs).fill(1) };
    return { pool: { x, y, sampleSize }, layout };
  }
  const y = Uint8Array.from({ length: SAMPLES_PER_EPOCH }, () => Math.floor(rng() * spec.outputs));
  return { pool: { x, y, sampleSize }, layout: { task: 'classification', classes: spec.outputs } };
}

/** Trains instances of `spec` in whole epochs until `seconds` have passed. */
export async function trainForBudget(spec: NetworkSpec, batchSize: number, seconds: number): Promise<WorkerResult> {
  const { pool, layout } = syntheticSamples(spec);
  const shuffleRng = createRng(2);
  const order = Array.from({ length: SAMPLES_PER_EPOCH }, (_, i) => i);
  let samples = 0;
  let parameters = 0;
  let seed = 1;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const elapsed = () => (performance.now() - started) / 1000;

  while (elapsed() < seconds) {
    const model = buildNetwork(spec, seed++);
    const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 0.001 });
    parameters = model.countParams();
    const training = {
      model,
      optimizer,
      variables: model.trainableWeights.map((weight) => weight.read() as tf.Variable),
      pool,
      inputShape: spec.input,
      layout,
      loss: { kind: spec.loss === 'mse' ? 'mse' : 'cross_entropy' } as const,
      batchSize,
    };
    for (let epoch = 0; epoch < EPOCHS_PER_INSTANCE && elapsed() < seconds; epoch++) {
      shuffleInPlace(order, shuffleRng);
      await trainEpoch(training, order);
      samples += SAMPLES_PER_EPOCH;
    }
    optimizer.dispose();
    model.dispose();
  }

  const trainedSeconds = elapsed();
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    samples,
    seconds: trainedSeconds,
    parameters,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    numTensors: tf.memory().numTensors,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

if (process.argv[1]?.endsWith('engine-worker.ts')) {
  const [modelName, backendName, batch, seconds] = process.argv.slice(2);
  if (!BACKEND_NAMES.includes(backendName as BackendName)) {
    throw new Error(`Unknown backend '${backendName}': expected one of ${BACKEND_NAMES.join(', ')}.`);
  }
  await useBackend(backendName as BackendName);
  const spec = findBenchModel(modelName).spec;
  await trainForBudget(spec, Number(batch), WARMUP_SECONDS);
  const result = await trainForBudget(spec, Number(batch), Number(seconds));
  console.log(JSON.stringify(result));
}
