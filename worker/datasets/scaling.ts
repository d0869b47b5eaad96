/**
 * Feature scaling of the built-in datasets. Every scaling is fitted on the
 * training pool only and then applied unchanged to the pool and the test set,
 * so that no test-set statistic leaks into training.
 */
import type { FeatureScaling } from './types';

/** Returns the indices of features that have one value in every pool sample. */
export function findConstantFeatures(pool: Float32Array, sampleSize: number): number[] {
  const count = pool.length / sampleSize;
  const constant: number[] = [];
  for (let feature = 0; feature < sampleSize; feature++) {
    const first = pool[feature];
    let same = true;
    for (let sample = 1; sample < count && same; sample++) same = pool[sample * sampleSize + feature] === first;
    if (same) constant.push(feature);
  }
  return constant;
}

/**
 * Scales images in place to [0, 1] over the pool with one range shared by all
 * pixels, because pixels share one intensity scale. A range per pixel would
 * stretch rarely inked border pixels, and a pixel permutation would then
 * change more than the pixel order.
 */
export function scaleImagesMinMax({ pool, test, sampleSize }: { pool: Float32Array; test: Float32Array; sampleSize: number }): FeatureScaling {
  let min = Infinity;
  let max = -Infinity;
  for (const value of pool) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // A pool with one value everywhere keeps scale 1.
  const range = max > min ? max - min : 1;
  for (const values of [pool, test]) {
    for (let i = 0; i < values.length; i++) values[i] = (values[i] - min) / range;
  }
  return { method: 'min-max', min, max, constantFeatures: findConstantFeatures(pool, sampleSize) };
}

/**
 * Replaces energies in place by ln(1 + max(v, 0) / reference), then divides
 * each feature by its pool maximum. The logarithm compresses the range from
 * noise to the shower core. A feature whose logarithm is constant in the pool
 * keeps scale 1.
 */
export function scaleLogMax({
  pool,
  test,
  sampleSize,
  reference,
}: {
  pool: Float32Array;
  test: Float32Array;
  sampleSize: number;
  reference: number;
}): FeatureScaling {
  if (!(reference > 0)) throw new Error(`Invalid log-scaling reference ${reference}: expected a positive value.`);
  for (const values of [pool, test]) {
    for (let i = 0; i < values.length; i++) values[i] = Math.log1p(Math.max(values[i], 0) / reference);
  }

  const constantFeatures = findConstantFeatures(pool, sampleSize);
  const featureScales = new Float32Array(sampleSize).fill(0);
  for (let i = 0; i < pool.length; i++) {
    const feature = i % sampleSize;
    if (pool[i] > featureScales[feature]) featureScales[feature] = pool[i];
  }
  for (const feature of constantFeatures) featureScales[feature] = 1;

  for (const values of [pool, test]) {
    for (let i = 0; i < values.length; i++) values[i] /= featureScales[i % sampleSize];
  }
  return { method: 'log-max', reference, featureScales, constantFeatures };
}
