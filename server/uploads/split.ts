/** Splits uploaded samples into a training pool and a test set, and checks the test labels. */
import { createRng } from '../../lib/seeds.ts';
import { UploadError } from './errors.ts';

/** Row indices of the training pool and the test set. */
export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Shuffles `rows` with the split seed and puts the first round(n * testFraction)
 * of them in the test set. Both parts keep the shuffled order.
 */
export function splitRows(rows: Int32Array, testFraction: number, seed: number): SplitIndices {
  const order = Int32Array.from(rows);
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  const testCount = Math.round(order.length * testFraction);
  if (testCount === 0) {
    throw new UploadError(
      'EMPTY_TEST_SPLIT',
      `Invalid testFraction ${testFraction}: with ${order.length} samples it gives a test set of 0 samples; raise testFraction or upload a test file.`,
    );
  }
  if (testCount >= order.length) {
    throw new UploadError('EMPTY_TRAINING_POOL', `Invalid testFraction ${testFraction}: with ${order.length} samples it leaves no training samples.`);
  }
  return { test: order.subarray(0, testCount), train: order.subarray(testCount) };
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
