import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds';
import { initBackend } from './backend';

interface Case {
  input: [number, number, number, number];
  filter: [number, number];
  outChannels: number;
  stride: number | [number, number];
  padding: 'same' | 'valid';
}

const FIXED_CASES: Case[] = [
  { input: [1, 5, 5, 1], filter: [3, 3], outChannels: 1, stride: 1, padding: 'same' },
  { input: [1, 7, 7, 2], filter: [3, 3], outChannels: 3, stride: 2, padding: 'same' },
  { input: [1, 7, 7, 2], filter: [3, 3], outChannels: 3, stride: 2, padding: 'valid' },
  { input: [2, 8, 6, 3], filter: [2, 2], outChannels: 4, stride: 2, padding: 'same' },
  { input: [3, 9, 11, 2], filter: [4, 5], outChannels: 2, stride: [2, 1], padding: 'valid' },
  { input: [2, 28, 28, 1], filter: [5, 5], outChannels: 8, stride: 1, padding: 'same' },
  { input: [1, 6, 6, 2], filter: [6, 6], outChannels: 2, stride: 1, padding: 'valid' },
  { input: [2, 4, 4, 3], filter: [1, 1], outChannels: 5, stride: 2, padding: 'valid' },
];

function randomCases(count: number, seed: number): Case[] {
  const rng = createRng(seed);
  const int = (min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
  return Array.from({ length: count }, () => {
    const kernel = int(1, 5);
    const padding = rng() < 0.5 ? 'same' : 'valid';
    return {
      input: [int(1, 4), int(kernel, 13), int(kernel, 13), int(1, 4)],
      filter: [kernel, kernel],
      outChannels: int(1, 6),
      stride: int(1, 2),
      padding,
    } satisfies Case;
  });
}

function randomValues(size: number, rng: () => number): Float32Array {
  return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

/** dL/dfilter for L = sum(conv2d(x, filter) * weights), on the active backend. */
function filterGradient(c: Case, seed: number): Float32Array {
  const rng = createRng(seed);
  const [, , , inChannels] = c.input;
  const filterShape: [number, number, number, number] = [...c.filter, inChannels, c.outChannels];
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(c.input.reduce((a, b) => a * b, 1), rng), c.input);
    const filter = tf.tensor4d(randomValues(filterShape.reduce((a, b) => a * b, 1), rng), filterShape);
    const outShape = tf.conv2d(x, filter, c.stride, c.padding).shape;
    const weights = tf.tensor(randomValues(outShape.reduce((a, b) => a * b, 1), rng), outShape);
    const gradient = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.padding), weights)));
    return gradient(filter).dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropFilter', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    // Makes the engine check that every kernel disposes its intermediate buffers.
    tf.env().set('IS_TEST', true);
  });

  afterAll(() => {
    tf.env().set('IS_TEST', false);
  });

  test.each([...FIXED_CASES, ...randomCases(24, 7)])('matches cpu for %j', async (c) => {
    const seed = c.input.reduce((a, b) => a * 31 + b, c.outChannels);

    expect(await initBackend('wasm')).toBe('wasm');
    const before = tf.memory().numTensors;
    const onWasm = filterGradient(c, seed);
    expect(tf.memory().numTensors).toBe(before);

    expect(await initBackend('cpu')).toBe('cpu');
    const onCpu = filterGradient(c, seed);

    expect(onWasm.length).toBe(onCpu.length);
    const scale = Math.max(1, ...onCpu.map(Math.abs));
    let maxError = 0;
    onCpu.forEach((value, i) => (maxError = Math.max(maxError, Math.abs(value - onWasm[i]))));
    // Sums of up to a few thousand float32 products differ only in rounding order.
    expect(maxError / scale).toBeLessThan(1e-5);
  });
});
