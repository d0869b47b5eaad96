import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Architecture } from '../../lib/config';
import type { Dataset } from '../datasets';
import { initBackend } from './backend';
import { mnistSlice, specOf } from './test-fixtures';
import { trainInstance } from './train';

const TINY_MLP: Architecture = { conv: [], dense: [8] };
const TINY_CNN: Architecture = { conv: [{ filters: 2, kernelSize: 3, pool: 2 }], dense: [] };
const INSTANCES = 100;

let dataset: Dataset;

beforeAll(async () => {
  dataset = await mnistSlice(64, 32);
  await initBackend('wasm');
});

describe('trainInstance memory', () => {
  test('keeps the tensor count flat over 100 instances', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];

    for (let index = 0; index < INSTANCES; index++) {
      // Alternating a CNN and an MLP runs every replaced wasm gradient kernel and the wasm Adam.
      const architecture = index % 2 === 0 ? TINY_CNN : TINY_MLP;
      const result = await trainInstance({
        spec: specOf({ architecture, epochs: 1, batchSize: 16, optimizer: 'adam' }),
        dataset,
        seeds: { init: index + 1, sample: index + 2, shuffle: index + 3 },
        trainSize: 48,
        validationFraction: 0.25,
        backend: 'wasm',
      });
      expect(result.status).toBe('finished');
      counts.push(tf.memory().numTensors);
    }

    expect(counts).toEqual(Array.from({ length: INSTANCES }, () => before));
  });
});
