import { describe, expect, test } from 'vitest';
import { computeSplitChecksum } from './checksum';
import { FASHION_MNIST_METADATA } from './fashion-mnist-metadata';
import { loadDataset } from './index';

describe('fashion-mnist dataset', () => {
  test('matches its metadata and checksum', async () => {
    const dataset = await loadDataset('fashion-mnist');

    expect(dataset.key).toBe(FASHION_MNIST_METADATA.key);
    expect(dataset.task).toBe('classification');
    expect(dataset.classes).toBe(10);
    expect(dataset.trainX).toHaveLength(FASHION_MNIST_METADATA.trainCount * 784);
    expect(dataset.testX).toHaveLength(FASHION_MNIST_METADATA.testCount * 784);
    expect(computeSplitChecksum(dataset)).toBe(FASHION_MNIST_METADATA.checksum);
  });

  test('has 800 pool and 200 test images per class', async () => {
    const dataset = await loadDataset('fashion-mnist');
    const pool = new Array<number>(10).fill(0);
    const test = new Array<number>(10).fill(0);
    dataset.trainY.forEach((label) => pool[label]++);
    dataset.testY.forEach((label) => test[label]++);

    expect(pool).toEqual(new Array(10).fill(800));
    expect(test).toEqual(new Array(10).fill(200));
    expect(new Set(dataset.trainY.subarray(0, 100)).size).toBe(10);
  });

  test('scales pixels from 0-255 to [0, 1] over the pool', async () => {
    const dataset = await loadDataset('fashion-mnist');
    let max = -Infinity;
    for (const value of dataset.trainX) max = Math.max(max, value);

    expect(dataset.scaling).toMatchObject({ method: 'min-max', min: 0, max: 255 });
    expect(max).toBe(1);
    expect(dataset.trainX[784 * 17 + 400] * 255).toBeCloseTo(Math.round(dataset.trainX[784 * 17 + 400] * 255), 3);
  });
});
