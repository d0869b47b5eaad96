/**
 * Seeds of instances and a small seeded pseudo-random number generator.
 *
 * Every seed is derived by hashing, so an instance's seeds depend only on the
 * experiment seed, the model hash, the instance index and the randomness plan,
 * never on the order in which workers pick up jobs.
 */
import { createHash } from 'node:crypto';

import type { InstanceSeeds, Randomness } from './config';

/** Largest seed that `instanceSeeds` returns: seeds are 31-bit non-negative integers. */
export const MAX_SEED = 2 ** 31 - 1;

const SEED_SOURCES = ['init', 'sample', 'shuffle'] as const;

/**
 * Derives the weight-initialization, training-sample and shuffle seeds of one
 * instance. A source whose randomness is not varied gets the seed of instance
 * index 0 for every instance, so only the varied sources differ between
 * instances. Each seed is the first 31 bits of a SHA-256 digest.
 */
export function instanceSeeds(input: {
  experimentSeed: number;
  modelHash: string;
  instanceIndex: number;
  randomness: Randomness;
}): InstanceSeeds {
  const { experimentSeed, modelHash, instanceIndex, randomness } = input;
  assertNonNegativeInteger('experimentSeed', experimentSeed);
  assertNonNegativeInteger('instanceIndex', instanceIndex);
  if (typeof modelHash !== 'string' || modelHash.length === 0) {
    throw new TypeError(`Invalid modelHash ${JSON.stringify(modelHash)}: expected a non-empty string.`);
  }

  const seeds = { init: 0, sample: 0, shuffle: 0 };
  for (const source of SEED_SOURCES) {
    if (typeof randomness?.[source] !== 'boolean') {
      throw new TypeError(`Invalid randomness.${source} ${String(randomness?.[source])}: expected a boolean.`);
    }
    const index = randomness[source] ? instanceIndex : 0;
    seeds[source] = hashToSeed(`robustlab-seed|${experimentSeed}|${modelHash}|${source}|${index}`);
  }
  return seeds;
}

function hashToSeed(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) >>> 1;
}

/**
 * Creates a seeded generator of uniform numbers in [0, 1), using sfc32
 * (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state).
 * The same seed always gives the same sequence. Not for cryptographic use.
 *
 * @param seed an integer in [0, 2^32 - 1]
 */
export function createRng(seed: number): () => number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`Invalid seed ${seed}: expected an integer from 0 to ${0xffffffff}.`);
  }

  // Fixed constants (digits of the golden ratio, pi and e) fill the state that
  // the 32-bit seed does not, and the first outputs are discarded to mix it.
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed | 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * Shuffles an array in place with the Fisher-Yates algorithm and returns it.
 * The bias of scaling a 32-bit draw to an index is at most length / 2^32.
 */
export function shuffleInPlace<T>(array: T[], rng: () => number): T[] {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const swapped = array[i];
    array[i] = array[j];
    array[j] = swapped;
  }
  return array;
}

/**
 * Draws `count` distinct indices from [0, poolSize) without replacement, in
 * the random order of a partial Fisher-Yates shuffle. Memory is O(count) when
 * the sample is small against the pool, and both paths return the same indices.
 */
export function sampleIndices(poolSize: number, count: number, rng: () => number): number[] {
  assertNonNegativeInteger('poolSize', poolSize);
  assertNonNegativeInteger('count', count);
  if (count > poolSize) {
    throw new RangeError(`Invalid count ${count}: cannot draw more than poolSize ${poolSize} indices without replacement.`);
  }

  const sample = new Array<number>(count);
  if (count * 4 >= poolSize) {
    const pool = new Int32Array(poolSize);
    for (let i = 0; i < poolSize; i++) pool[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(rng() * (poolSize - i));
      sample[i] = pool[j];
      pool[j] = pool[i];
    }
    return sample;
  }

  // Sparse variant: the map stores only the positions that a swap has changed.
  const moved = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (poolSize - i));
    sample[i] = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
  }
  return sample;
}

/**
 * Draws `count` distinct integers from [0, size) with Floyd's algorithm, in
 * O(count) time and memory whatever the size, so `size` may be up to 2^53.
 * The order of the result is not random; sort it when order matters.
 */
export function sampleDistinctIndices(size: number, count: number, rng: () => number): number[] {
  assertNonNegativeInteger('size', size);
  assertNonNegativeInteger('count', count);
  if (count > size) {
    throw new RangeError(`Invalid count ${count}: cannot draw more than size ${size} distinct indices.`);
  }

  const chosen = new Set<number>();
  for (let j = size - count; j < size; j++) {
    const candidate = randomBelow(j + 1, rng);
    chosen.add(chosen.has(candidate) ? j : candidate);
  }
  return [...chosen];
}

/**
 * Returns a uniform integer in [0, bound). Two 32-bit draws fill the 53-bit
 * mantissa of a double, so the bias is about bound / 2^53 at most.
 */
function randomBelow(bound: number, rng: () => number): number {
  const fraction = rng() + rng() / 4294967296;
  return Math.min(Math.floor(fraction * bound), bound - 1);
}

function assertNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Invalid ${name} ${value}: expected a non-negative integer.`);
  }
}
