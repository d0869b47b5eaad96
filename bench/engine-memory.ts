/**
 * Prints the memory of one worker process while it trains 100 instances in a
 * row on the wasm backend: resident memory (RSS), the V8 heap after a full
 * garbage collection, the wasm heap and the tensor count, every 10 instances.
 * The instances alternate a small CNN and an MLP, each on 2,000 MNIST digits
 * (10% held out) for 2 epochs at batch 32, evaluated on 1,000 test digits, so
 * that every native and wasm training kernel runs.
 *
 * Run: node --expose-gc --import tsx bench/engine-memory.ts [instances]
 * With ROBUSTLAB_NATIVE_KERNELS=off it measures the wasm kernels alone.
 */
import * as tf from '@tensorflow/tfjs';
import { modelSpecSchema, type Architecture } from '../lib/config';
import { loadDataset } from '../worker/datasets';
import { initBackend } from '../worker/engine/backend';
import { nativeKernelStatus } from '../worker/engine/native-kernels';
import { trainInstance } from '../worker/engine/train';

const ARCHITECTURES: Architecture[] = [
  { conv: [{ filters: 16, kernelSize: 3, pool: 2 }, { filters: 32, kernelSize: 3, pool: 2 }], dense: [32] },
  { conv: [], dense: [128, 64] },
];
const TEST_SIZE = 1000;

const instances = Number(process.argv[2] ?? 100);
if (!Number.isInteger(instances) || instances < 10) {
  throw new Error(`Invalid instance count '${process.argv[2]}': expected an integer of at least 10.`);
}
if (typeof globalThis.gc !== 'function') {
  throw new Error('Run with node --expose-gc, so that the V8 heap is measured after a full collection.');
}

const backend = await initBackend('wasm');
const native = nativeKernelStatus();
const full = await loadDataset('mnist');
const sampleSize = full.inputShape.reduce((product, size) => product * size, 1);
const dataset = { ...full, testX: full.testX.subarray(0, TEST_SIZE * sampleSize), testY: full.testY.subarray(0, TEST_SIZE) };
const wasmHeapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

console.log(`backend ${backend}, native kernels: ${native.active ? native.blas : `off (${native.reason})`}`);
console.log('instances | RSS MiB | V8 heap after GC MiB | wasm heap MiB | tensors | seconds');
const started = performance.now();
for (let index = 0; index < instances; index++) {
  const result = await trainInstance({
    spec: modelSpecSchema.parse({ architecture: ARCHITECTURES[index % 2], epochs: 2, batchSize: 32, optimizer: 'adam' }),
    dataset,
    seeds: { init: index + 1, sample: index + 2, shuffle: index + 3 },
    trainSize: 2000,
    validationFraction: 0.1,
    backend: 'wasm',
  });
  if (result.status !== 'finished') throw new Error(`Instance ${index + 1} ended as ${result.status}.`);
  if ((index + 1) % 10 === 0) {
    globalThis.gc();
    const row = [index + 1, mib(process.memoryUsage().rss), mib(process.memoryUsage().heapUsed), mib(wasmHeapBytes()), tf.memory().numTensors];
    console.log(`${row.join(' | ')} | ${((performance.now() - started) / 1000).toFixed(1)}`);
  }
}
