/** Kernel test cases and random inputs shared by the wasm and native kernel tests. */
import { createRng } from '../../lib/seeds';

export type Shape4D = [number, number, number, number];
export type Padding = 'same' | 'valid';

export interface ConvCase {
  input: Shape4D;
  filter: [number, number];
  outChannels: number;
  stride: number | [number, number];
  padding: Padding;
  dilation?: number;
}

export function randomInt(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Convolutions with random sizes up to 13x13, 4 input and 6 output channels, kernels 1 to 5, strides 1 and 2. */
export function randomConvCases(count: number, seed: number): ConvCase[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const kernel = randomInt(rng, 1, 5);
    return {
      input: [randomInt(rng, 1, 4), randomInt(rng, kernel, 13), randomInt(rng, kernel, 13), randomInt(rng, 1, 4)],
      filter: [kernel, kernel],
      outChannels: randomInt(rng, 1, 6),
      stride: randomInt(rng, 1, 2),
      padding: rng() < 0.5 ? 'same' : 'valid',
    } satisfies ConvCase;
  });
}

/** Uniform values in [-1, 1), or integers from -1 to levels - 2 when `levels` is set, so that values tie. */
export function randomValues(size: number, rng: () => number, levels = 0): Float32Array {
  if (levels > 0) return Float32Array.from({ length: size }, () => Math.floor(rng() * levels) - 1);
  return Float32Array.from({ length: size }, () => rng() * 2 - 1);
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
