/** Splits uploaded samples into a training pool and a test set, and checks the test labels. */
import { createRng } from '../../lib/seeds.ts';
import { UploadError } from './errors.ts';

/**
 * Assigns each of `count` samples to the training pool (0) or the test set
 * (1). The samples are shuffled with the split seed, and the first
 * round(count * testFraction) of the shuffle form the test set, which so has
 * exactly that size. Both parts keep the samples in file order, which
 * lets an upload write them while it reads the file once more. Memory is one
 * index per sample, not the samples themselves.
 */
export function assignTestSamples(count: number, testFraction: number, seed: number): Uint8Array {
  const testCount = Math.round(count * testFraction);
  if (testCount === 0) {
    throw new UploadError(
      'EMPTY_TEST_SPLIT',
      `Invalid testFraction ${testFraction}: with ${count} samples it gives a test set of 0 samples; raise testFraction or upload a test file.`,
    );
  }
  if (testCount >= count) {
    throw new UploadError('EMPTY_TRAINING_POOL', `Invalid testFraction ${testFraction}: with ${count} samples it leaves no training samples.`);
  }

  const order = Int32Array.from({ length: count }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  const inTest = new Uint8Array(count);
  for (let i = 0; i < testCount; i++) inTest[order[i]] = 1;
  return inTest;
}

/** Number of ones in an assignment from `assignTestSamples`. */
export function countTestSamples(inTest: Uint8Array): number {
  let count = 0;
  for (const flag of inTest) count += flag;
  return count;
}

/**
 * Rejects class labels that occur in the test set but never in the training
 * pool, unless the user confirmed them. Returns the names of such labels.
 */
export function checkUnseenLabels(input: {
  trainY: ArrayLike<number>;
  testY: ArrayLike<number>;
  classNames: string[];
  confirmed: boolean;
}): string[] {
  const seen = new Set<number>();
  for (let i = 0; i < input.trainY.length; i++) seen.add(input.trainY[i]);
  const unseen = new Set<number>();
  for (let i = 0; i < input.testY.length; i++) if (!seen.has(input.testY[i])) unseen.add(input.testY[i]);
  const names = [...unseen].sort((a, b) => a - b).map((label) => input.classNames[label] ?? String(label));
  if (names.length > 0 && !input.confirmed) {
    throw new UploadError(
      'UNSEEN_TEST_LABELS',
      `Class labels ${names.map((name) => JSON.stringify(name)).join(', ')} occur in the test set but not in the training pool; ` +
        'upload again with confirmUnseenLabels=true to keep them, or change the split.',
    );
  }
  return names;
}
