import { describe, expect, test } from 'vitest';
import { findConstantFeatures, scaleImagesMinMax, scaleLogMax } from './scaling';

describe('scaleImagesMinMax', () => {
  test('fits the range on the pool only', () => {
    const pool = Float32Array.from([0, 10, 50, 0, 20, 100]);
    const test = Float32Array.from([200, 0, 25]);

    const scaling = scaleImagesMinMax({ pool, test, sampleSize: 3 });

    expect(scaling).toEqual({ method: 'min-max', min: 0, max: 100, constantFeatures: [0] });
    expect(Array.from(pool)).toEqual([0, 0.1, 0.5, 0, 0.2, 1].map(Math.fround));
    // The test set is scaled with the pool's range, so it may leave [0, 1].
    expect(Array.from(test)).toEqual([2, 0, 0.25]);
  });

  test('keeps scale 1 for a constant pool', () => {
    const pool = Float32Array.from([3, 3, 3, 3]);
    const test = Float32Array.from([4, 3]);

    const scaling = scaleImagesMinMax({ pool, test, sampleSize: 2 });

    expect(scaling.constantFeatures).toEqual([0, 1]);
    expect(Array.from(pool)).toEqual([0, 0, 0, 0]);
    expect(Array.from(test)).toEqual([1, 0]);
  });
});

describe('scaleLogMax', () => {
  test('divides each feature by its pool maximum', () => {
    const pool = Float32Array.from([1, 3, 0, 7]);
    const test = Float32Array.from([15, -2]);

    const scaling = scaleLogMax({ pool, test, sampleSize: 2, reference: 1 });

    expect(Array.from(scaling.featureScales!)).toEqual([Math.fround(Math.log(2)), Math.fround(Math.log(8))]);
    expect(pool[0]).toBe(1);
    expect(pool[2]).toBe(0);
    expect(pool[1]).toBeCloseTo(Math.log(4) / Math.log(8), 6);
    expect(test[0]).toBeCloseTo(Math.log(16) / Math.log(2), 5);
    // Negative energies (noise) count as zero.
    expect(test[1]).toBe(0);
  });

  test('reports a constant feature and keeps scale 1', () => {
    const pool = Float32Array.from([0, 2, -1, 5]);
    const test = Float32Array.from([1, 1]);

    const scaling = scaleLogMax({ pool, test, sampleSize: 2, reference: 1 });

    expect(scaling.constantFeatures).toEqual([0]);
    expect(scaling.featureScales![0]).toBe(1);
    expect(test[0]).toBeCloseTo(Math.log(2), 6);
  });

  test('rejects a non-positive reference', () => {
    expect(() => scaleLogMax({ pool: new Float32Array(2), test: new Float32Array(2), sampleSize: 2, reference: 0 })).toThrow(
      'Invalid log-scaling reference 0: expected a positive value.',
    );
  });
});

describe('findConstantFeatures', () => {
  test('lists features equal in every sample', () => {
    expect(findConstantFeatures(Float32Array.from([1, 2, 3, 1, 5, 3]), 3)).toEqual([0, 2]);
  });
});
