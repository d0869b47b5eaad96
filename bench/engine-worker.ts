/**
 * One process of the training-engine benchmark: trains instances of a network
 * on fixed synthetic data for a time budget and prints one JSON line.
 *
 * Run: npx tsx bench/engine-worker.ts MODEL BACKEND BATCH SECONDS
 *
 * An instance is 3 epochs over 1,800 samples with a new network (He normal
 * weights) and a new Adam optimizer (learning rate 0.001), the training part
 * of a demo instance (2,000 samples, 10% held out). The step mirrors
 * worker/engine/epoch.ts without its L2 term: optimizer.minimize over
 * model.apply, then the loss read back. The optimizer comes from the engine's
 * createOptimizer, so on wasm it is WasmAdamOptimizer.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, shuffleInPlace } from '../lib/seeds';
import { BACKEND_NAMES, useBackend, type BackendName } from '../worker/engine/backend';
import { yieldToEventLoop } from '../worker/engine/batches';
import { createOptimizer } from '../worker/engine/model';
import { buildNetwork, findBenchModel, networkLoss, type NetworkSpec } from './engine-models';

export const SAMPLES_PER_EPOCH = 1800;
export const EPOCHS_PER_INSTANCE = 3;

/** Result line of one worker process. */
export interface WorkerResult {
  samples: number;
  seconds: number;
  parameters: number;
  maxRssMb: number;
  numTensors: number;
}

function syntheticData(spec: NetworkSpec): { x: tf.Tensor; y: tf.Tensor } {
  const rng = createRng(1);
  const sampleSize = spec.input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: SAMPLES_PER_EPOCH * sampleSize }, () => rng());
  if (spec.loss === 'mse') {
    const y = Float32Array.from({ length: SAMPLES_PER_EPOCH * spec.outputs }, () => rng());
    return { x: tf.tensor(x, [SAMPLES_PER_EPOCH, ...spec.input]), y: tf.tensor2d(y, [SAMPLES_PER_EPOCH, spec.outputs]) };
  }
  const labels = Int32Array.from({ length: SAMPLES_PER_EPOCH }, () => Math.floor(rng() * spec.outputs));
  return { x: tf.tensor(x, [SAMPLES_PER_EPOCH, ...spec.input]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), spec.outputs)) };
}

function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, spec: NetworkSpec, xs: tf.Tensor, ys: tf.Tensor): number {
  const loss = optimizer.minimize(() => networkLoss(spec, ys, model.apply(xs, { training: true }) as tf.Tensor), true);
  const value = loss!.dataSync()[0];
  loss!.dispose();
  return value;
}

/** Trains instances of `spec` until `seconds` have passed; stops between batches. */
export async function trainForBudget(spec: NetworkSpec, batchSize: number, seconds: number): Promise<WorkerResult> {
  const data = syntheticData(spec);
  const shuffleRng = createRng(2);
  const order = Array.from({ length: SAMPLES_PER_EPOCH }, (_, i) => i);
  let samples = 0;
  let parameters = 0;
  let seed = 1;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  while (elapsed() < seconds) {
    const model = buildNetwork(spec, seed++);
    const optimizer = createOptimizer({ optimizer: 'adam', learningRate: 0.001 });
    parameters = model.countParams();
    for (let epoch = 0; epoch < EPOCHS_PER_INSTANCE && elapsed() < seconds; epoch++) {
      shuffleInPlace(order, shuffleRng);
      for (let start = 0; start < SAMPLES_PER_EPOCH && elapsed() < seconds; start += batchSize) {
        const indices = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        const xs = tf.gather(data.x, indices);
        const ys = tf.gather(data.y, indices);
        trainStep(model, optimizer, spec, xs, ys);
        samples += indices.size;
        tf.dispose([indices, xs, ys]);
        await yieldToEventLoop();
      }
    }
    optimizer.dispose();
    model.dispose();
  }

  const trainedSeconds = elapsed();
  tf.dispose([data.x, data.y]);
  return { samples, seconds: trainedSeconds, parameters, maxRssMb: process.resourceUsage().maxRSS / 1024, numTensors: tf.memory().numTensors };
}

if (process.argv[1]?.endsWith('engine-worker.ts')) {
  const [modelName, backendName, batch, seconds] = process.argv.slice(2);
  if (!BACKEND_NAMES.includes(backendName as BackendName)) {
    throw new Error(`Unknown backend '${backendName}': expected one of ${BACKEND_NAMES.join(', ')}.`);
  }
  await useBackend(backendName as BackendName);
  const result = await trainForBudget(findBenchModel(modelName).spec, Number(batch), Number(seconds));
  console.log(JSON.stringify(result));
}
