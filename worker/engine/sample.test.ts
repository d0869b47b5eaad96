import { describe, expect, test } from 'vitest';
import { splitTrainingSample } from './sample';

describe('splitTrainingSample', () => {
  test('holds out the validation fraction', () => {
    const sample = splitTrainingSample(1000, 200, 0.1, 7);

    expect(sample.train).toHaveLength(180);
    expect(sample.validation).toHaveLength(20);
    const all = new Set([...sample.train, ...sample.validation]);
    expect(all.size).toBe(200);
    expect([...all].every((index) => Number.isInteger(index) && index >= 0 && index < 1000)).toBe(true);
  });

  test('same seed gives same split', () => {
    expect(splitTrainingSample(1000, 200, 0.1, 7)).toEqual(splitTrainingSample(1000, 200, 0.1, 7));
    expect(splitTrainingSample(1000, 200, 0.1, 8).train).not.toEqual(splitTrainingSample(1000, 200, 0.1, 7).train);
  });

  test('whole pool is a permutation', () => {
    const sample = splitTrainingSample(50, 50, 0, 1);

    expect(sample.validation).toEqual([]);
    expect([...sample.train].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test.each([
    [1000, 0, 0.1, 'Invalid trainSize 0'],
    [1000, 1001, 0.1, 'Invalid trainSize 1001'],
    [1000, 2.5, 0.1, 'Invalid trainSize 2.5'],
    [1000, 100, 1, 'Invalid validationFraction 1'],
    [1000, 100, -0.1, 'Invalid validationFraction -0.1'],
    [1000, 1, 0.6, 'Invalid validationFraction 0.6: it leaves no training samples'],
  ])('pool %i, trainSize %d, fraction %d is rejected', (pool, size, fraction, message) => {
    expect(() => splitTrainingSample(pool, size, fraction, 1)).toThrow(message);
  });
});
