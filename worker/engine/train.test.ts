import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { countParameters } from '../../lib/space';
import type { Dataset } from '../datasets';
import { initBackend, type BackendName } from './backend';
import { MLP, mnistSlice, SMALL_CNN, specOf } from './test-fixtures';
import { trainInstance, TrainingStoppedError, type EpochProgress, type TrainInstanceOptions } from './train';

let dataset: Dataset;

beforeAll(async () => {
  dataset = await mnistSlice(600, 300);
  await initBackend('wasm');
});

function options(overrides: Partial<TrainInstanceOptions> = {}): TrainInstanceOptions {
  return {
    spec: specOf({ architecture: MLP, epochs: 3 }),
    dataset,
    seeds: { init: 1, sample: 2, shuffle: 3 },
    trainSize: 400,
    validationFraction: 0.1,
    backend: 'wasm',
    ...overrides,
  };
}

function withoutDuration<T extends { durationMs: number }>(result: T): Omit<T, 'durationMs'> {
  const { durationMs: _, ...rest } = result;
  return rest;
}

describe('trainInstance', () => {
  test('trains an MLP and reports every field', async () => {
    const progress: EpochProgress[] = [];
    const result = await trainInstance(options({ onEpoch: (p) => void progress.push(p) }));

    expect(result.status).toBe('finished');
    expect(result.divergedEpoch).toBeNull();
    expect(result.trainLoss).toHaveLength(3);
    expect(result.valLoss).toHaveLength(3);
    expect(result.trainLoss[2]).toBeLessThan(result.trainLoss[0]);
    expect(result.parameterCount).toBe(countParameters(MLP, [28, 28, 1], 10));
    expect(result.durationMs).toBeGreaterThan(0);
    expect(progress.map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(progress.map((p) => p.trainLoss)).toEqual(result.trainLoss);
    expect(progress.map((p) => p.valLoss)).toEqual(result.valLoss);

    const predictions = result.predictions!;
    expect(predictions.predictedClass).toHaveLength(300);
    expect(predictions.trueClassProb).toHaveLength(300);
    expect(predictions.loss).toHaveLength(300);
    const meanLoss = predictions.loss.reduce((sum, loss) => sum + loss, 0) / 300;
    expect(result.testLoss).toBeCloseTo(meanLoss, 10);
    const correct = predictions.predictedClass.filter((predicted, i) => predicted === dataset.testY[i]).length;
    expect(result.testAccuracy).toBe(correct / 300);
    // Chance level is 0.1; 360 digits and 3 epochs reach well above it.
    expect(result.testAccuracy).toBeGreaterThan(0.5);
    predictions.trueClassProb.forEach((p, i) => {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(predictions.loss[i]).toBeCloseTo(-Math.log(Math.max(p, 1e-7)), 5);
    });
  });

  // The cpu backend trains a CNN about 100 times slower than wasm, hence its smaller sample.
  test.each([
    ['wasm', 'MLP', MLP, 200],
    ['wasm', 'CNN', SMALL_CNN, 200],
    ['cpu', 'MLP', MLP, 200],
    ['cpu', 'CNN', SMALL_CNN, 60],
  ] as const)('is deterministic on %s for a %s', async (backend: BackendName, _, architecture, trainSize) => {
    const run = () => trainInstance(options({ backend, spec: specOf({ architecture, epochs: 2 }), trainSize }));
    const first = await run();
    const second = await run();

    expect(first.status).toBe('finished');
    expect(withoutDuration(second)).toEqual(withoutDuration(first));
  });

  test.each(['init', 'sample', 'shuffle'] as const)('changing the %s seed changes the result', async (source) => {
    const base = options({ trainSize: 200, spec: specOf({ architecture: MLP, epochs: 1 }) });
    const reference = await trainInstance(base);
    const changed = await trainInstance({ ...base, seeds: { ...base.seeds, [source]: 99 } });

    expect(changed.testLoss).not.toBe(reference.testLoss);
    expect(changed.trainLoss).not.toEqual(reference.trainLoss);
  });

  test('L2 penalty changes the training', async () => {
    const base = options({ trainSize: 200, spec: specOf({ architecture: MLP, epochs: 1 }) });
    const plain = await trainInstance(base);
    const penalized = await trainInstance({ ...base, spec: specOf({ architecture: MLP, epochs: 1, l2: 0.05 }) });

    expect(penalized.testLoss).not.toBe(plain.testLoss);
  });

  test('keeps the tensor count over three instances', async () => {
    const before = tf.memory().numTensors;
    await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 1, optimizer: 'adam' }) }));
    await trainInstance(options({ spec: specOf({ architecture: SMALL_CNN, epochs: 1, optimizer: 'rmsprop', l2: 0.01 }) }));
    await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 1, optimizer: 'sgd' }) }));

    expect(tf.memory().numTensors).toBe(before);
  });

  test('reports divergence without test results', async () => {
    // A pool of NaN pixels makes the first batch loss NaN. Large learning rates rarely get
    // there, because the probability floor zeroes the gradient of saturated outputs.
    const corrupted = { ...dataset, trainX: dataset.trainX.map(() => Number.NaN) };
    const before = tf.memory().numTensors;
    const result = await trainInstance(options({ dataset: corrupted }));

    expect(result.status).toBe('diverged');
    expect(result.divergedEpoch).toBe(1);
    expect(result.trainLoss).toEqual([]);
    expect(result.valLoss).toEqual([]);
    expect(result.testLoss).toBeNull();
    expect(result.testAccuracy).toBeNull();
    expect(result.predictions).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('stops on request and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    let polls = 0;
    const run = trainInstance(options({ shouldStop: () => ++polls > 5 }));

    await expect(run).rejects.toBeInstanceOf(TrainingStoppedError);
    expect(polls).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('zero validation fraction gives no validation loss', async () => {
    const result = await trainInstance(
      options({ validationFraction: 0, trainSize: 100, spec: specOf({ architecture: MLP, epochs: 2 }) }),
    );

    expect(result.valLoss).toEqual([]);
    expect(result.trainLoss).toHaveLength(2);
  });

  test('rejects a training sample larger than the pool', async () => {
    await expect(trainInstance(options({ trainSize: 601 }))).rejects.toThrow(
      'Invalid trainSize 601: expected an integer from 1 to the pool size 600.',
    );
  });
});
