import { describe, expect, it } from 'vitest';

import { createRng, instanceSeeds, MAX_SEED, sampleIndices, shuffleInPlace } from './seeds';

const allVaried = { init: true, sample: true, shuffle: true };
const base = { experimentSeed: 1, modelHash: 'a'.repeat(64), randomness: allVaried };

describe('instanceSeeds', () => {
  it('is deterministic and within 31 bits', () => {
    const seeds = instanceSeeds({ ...base, instanceIndex: 3 });
    expect(instanceSeeds({ ...base, instanceIndex: 3 })).toEqual(seeds);
    for (const seed of Object.values(seeds)) {
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThanOrEqual(MAX_SEED);
    }
  });

  it('gives distinct seeds per instance, source, model and experiment', () => {
    const all = new Set<number>();
    for (let instanceIndex = 0; instanceIndex < 50; instanceIndex++) {
      for (const modelHash of ['a'.repeat(64), 'b'.repeat(64)]) {
        for (const experimentSeed of [1, 2]) {
          const seeds = instanceSeeds({ experimentSeed, modelHash, instanceIndex, randomness: allVaried });
          all.add(seeds.init).add(seeds.sample).add(seeds.shuffle);
        }
      }
    }
    expect(all.size).toBe(50 * 2 * 2 * 3);
  });

  it('keeps instance 0 seeds for sources that are not varied', () => {
    const randomness = { init: true, sample: false, shuffle: false };
    const first = instanceSeeds({ ...base, randomness, instanceIndex: 0 });
    const fifth = instanceSeeds({ ...base, randomness, instanceIndex: 5 });
    expect(fifth.sample).toBe(first.sample);
    expect(fifth.shuffle).toBe(first.shuffle);
    expect(fifth.init).not.toBe(first.init);
    expect(first).toEqual(instanceSeeds({ ...base, instanceIndex: 0 }));
  });

  it('rejects bad input', () => {
    expect(() => instanceSeeds({ ...base, instanceIndex: -1 })).toThrow(/instanceIndex -1/);
    expect(() => instanceSeeds({ ...base, experimentSeed: 0.5, instanceIndex: 0 })).toThrow(/experimentSeed 0.5/);
    expect(() => instanceSeeds({ ...base, modelHash: '', instanceIndex: 0 })).toThrow(/modelHash ""/);
    expect(() =>
      instanceSeeds({ ...base, randomness: { init: true, sample: true } as typeof allVaried, instanceIndex: 0 }),
    ).toThrow(/randomness.shuffle undefined/);
  });
});

describe('createRng', () => {
  it('repeats its sequence for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
  });

  it('draws uniformly from [0, 1)', () => {
    const rng = createRng(7);
    const bins = new Array<number>(10).fill(0);
    const draws = 100_000;
    let outOfRange = 0;
    for (let i = 0; i < draws; i++) {
      const u = rng();
      if (!(u >= 0 && u < 1)) outOfRange++;
      else bins[Math.floor(u * 10)]++;
    }
    expect(outOfRange).toBe(0);
    // Chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile (scipy.stats.chi2.ppf(0.999, 9)).
    const expected = draws / 10;
    const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.9);
  });

  it('rejects seeds outside 32 bits', () => {
    expect(() => createRng(-1)).toThrow(/seed -1/);
    expect(() => createRng(2 ** 32)).toThrow(/seed 4294967296/);
    expect(() => createRng(1.5)).toThrow(/seed 1.5/);
  });
});

describe('shuffleInPlace', () => {
  it('permutes the array in place, repeatably', () => {
    const array = Array.from({ length: 100 }, (_, i) => i);
    const returned = shuffleInPlace(array, createRng(1));
    expect(returned).toBe(array);
    expect([...array].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(array).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffleInPlace(Array.from({ length: 100 }, (_, i) => i), createRng(1))).toEqual(array);
  });

  it('handles empty and single-element arrays', () => {
    expect(shuffleInPlace([], createRng(1))).toEqual([]);
    expect(shuffleInPlace(['x'], createRng(1))).toEqual(['x']);
  });
});

describe('sampleIndices', () => {
  it('draws distinct indices within the pool', () => {
    const sample = sampleIndices(1000, 300, createRng(3));
    expect(sample).toHaveLength(300);
    expect(new Set(sample).size).toBe(300);
    expect(sample.every((index) => Number.isInteger(index) && index >= 0 && index < 1000)).toBe(true);
  });

  it('returns the same indices on the sparse and dense paths', () => {
    // 100 of 1000 takes the sparse path; drawing all 1000 takes the dense path with the same draws first.
    const sparse = sampleIndices(1000, 100, createRng(9));
    const dense = sampleIndices(1000, 1000, createRng(9));
    expect(sparse).toEqual(dense.slice(0, 100));
    expect([...dense].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('picks every index about equally often', () => {
    const rng = createRng(5);
    const hits = new Array<number>(20).fill(0);
    for (let trial = 0; trial < 20_000; trial++) {
      for (const index of sampleIndices(20, 3, rng)) hits[index]++;
    }
    // Each index is expected 3000 times with a standard deviation near 51; 300 is about 6 of them.
    for (const count of hits) expect(Math.abs(count - 3000)).toBeLessThan(300);
  });

  it('handles empty samples and rejects oversized ones', () => {
    expect(sampleIndices(5, 0, createRng(1))).toEqual([]);
    expect(sampleIndices(0, 0, createRng(1))).toEqual([]);
    expect(() => sampleIndices(5, 6, createRng(1))).toThrow(/count 6/);
    expect(() => sampleIndices(-5, 0, createRng(1))).toThrow(/poolSize -5/);
  });
});
