/**
 * MNIST with one fixed permutation of the 784 pixels applied to every image
 * of the pool and the test set. The split and labels are those of MNIST
 * version 1, so the two datasets differ only in the pixel order: a model
 * without spatial priors sees the same problem, a convolutional one loses
 * the neighbourhood structure.
 */
import { computeSplitChecksum } from './checksum';
import { buildMnist } from './mnist';
import { createRandom } from './random';
import { scaleImagesMinMax } from './scaling';
import type { Dataset, DatasetMetadata } from './types';

export const MNIST_PERMUTED_KEY = 'mnist-permuted';
const VERSION = 1;
const PIXELS = 28 * 28;
const PERMUTATION_SEED = 20250524;

export const MNIST_PERMUTED_METADATA: DatasetMetadata = {
  key: MNIST_PERMUTED_KEY,
  version: VERSION,
  name: 'MNIST, permuted pixels',
  description:
    'The MNIST dataset (same 8,000-digit training pool and 2,000-digit test set) with one fixed, seeded permutation of ' +
    'the 784 pixels applied to every image: spatial structure is gone, pixel values and labels are unchanged. ' +
    'Pixels are min-max scaled to [0, 1] over the pool.',
  task: 'classification',
  inputShape: [28, 28, 1],
  classes: 10,
  trainCount: 8000,
  testCount: 2000,
  checksum: 'cf0c7c8d54d1e407eba72da634cdd9651e572dfb1af5f648c919896149502c72',
};

/**
 * Returns the pixel permutation of version 1: pixel i of a permuted image is
 * pixel permutation[i] of the original. Fisher-Yates with a fixed seed.
 */
export function pixelPermutation(): Uint16Array {
  const permutation = Uint16Array.from({ length: PIXELS }, (_, i) => i);
  const random = createRandom(PERMUTATION_SEED);
  for (let i = PIXELS - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [permutation[i], permutation[j]] = [permutation[j], permutation[i]];
  }
  return permutation;
}

/** Returns a copy of `images` with every image's pixels reordered by `permutation`. */
export function permutePixels(images: Float32Array, permutation: Uint16Array): Float32Array {
  const permuted = new Float32Array(images.length);
  for (let offset = 0; offset < images.length; offset += PIXELS) {
    for (let i = 0; i < PIXELS; i++) permuted[offset + i] = images[offset + permutation[i]];
  }
  return permuted;
}

/** Builds the permuted dataset from MNIST version 1. */
export async function buildMnistPermuted(): Promise<Dataset> {
  const mnist = await buildMnist();
  const permutation = pixelPermutation();
  const trainX = permutePixels(mnist.trainX, permutation);
  const testX = permutePixels(mnist.testX, permutation);
  // MNIST pixels are already in [0, 1], so this only records the fit and the constant pixels.
  const scaling = scaleImagesMinMax({ pool: trainX, test: testX, sampleSize: PIXELS });

  const split = { trainX, trainY: mnist.trainY, testX, testY: mnist.testY };
  return {
    key: MNIST_PERMUTED_KEY,
    version: VERSION,
    task: 'classification',
    inputShape: [28, 28, 1],
    classes: 10,
    ...split,
    checksum: computeSplitChecksum(split),
    scaling,
  };
}
