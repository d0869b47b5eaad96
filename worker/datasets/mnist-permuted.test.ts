import { describe, expect, test } from 'vitest';
import { computeSplitChecksum } from './checksum';
import { loadDataset } from './index';
import { findConstantFeatures } from './scaling';
import { MNIST_PERMUTED_METADATA, permutePixels, pixelPermutation } from './mnist-permuted';

function countDifferences(left: Float32Array, right: Float32Array): number {
  expect(left).toHaveLength(right.length);
  let differences = 0;
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) differences++;
  return differences;
}

describe('pixelPermutation', () => {
  test('is a bijection of the 784 pixels', () => {
    const permutation = pixelPermutation();

    expect(permutation).toHaveLength(784);
    expect(Array.from(permutation).sort((a, b) => a - b)).toEqual(Array.from({ length: 784 }, (_, i) => i));
  });

  test('is the same on every call', () => {
    expect(pixelPermutation()).toEqual(pixelPermutation());
  });

  test('moves almost every pixel', () => {
    const fixedPoints = pixelPermutation().filter((source, target) => source === target).length;

    // A random permutation has one fixed point on average.
    expect(fixedPoints).toBeLessThan(6);
  });
});

describe('mnist-permuted dataset', () => {
  test('is MNIST with every image permuted the same way', async () => {
    const mnist = await loadDataset('mnist');
    const permuted = await loadDataset('mnist-permuted');
    const permutation = pixelPermutation();

    expect(permuted.trainY).toEqual(mnist.trainY);
    expect(permuted.testY).toEqual(mnist.testY);
    // Counted by hand: a deep equality of 6 million floats takes minutes in Vitest.
    expect(countDifferences(permuted.trainX, permutePixels(mnist.trainX, permutation))).toBe(0);
    expect(countDifferences(permuted.testX, permutePixels(mnist.testX, permutation))).toBe(0);
    expect(permuted.testX[5 * 784 + 100]).toBe(mnist.testX[5 * 784 + permutation[100]]);
  });

  test('matches its metadata and checksum', async () => {
    const permuted = await loadDataset('mnist-permuted');

    expect(permuted.version).toBe(MNIST_PERMUTED_METADATA.version);
    expect(permuted.trainY).toHaveLength(MNIST_PERMUTED_METADATA.trainCount);
    expect(permuted.testY).toHaveLength(MNIST_PERMUTED_METADATA.testCount);
    expect(computeSplitChecksum(permuted)).toBe(MNIST_PERMUTED_METADATA.checksum);
  });

  test('reports the constant pixels of the pool', async () => {
    const mnist = await loadDataset('mnist');
    const permuted = await loadDataset('mnist-permuted');
    const permutation = pixelPermutation();
    const constantInMnist = findConstantFeatures(mnist.trainX, 784);

    const { scaling } = permuted;
    expect(scaling).toMatchObject({ method: 'min-max', min: 0, max: 1 });
    expect(scaling!.constantFeatures.length).toBe(constantInMnist.length);
    expect(scaling!.constantFeatures.map((pixel) => permutation[pixel]).sort((a, b) => a - b)).toEqual(constantInMnist);
  });
});
