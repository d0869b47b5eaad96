/**
 * Synthetic electromagnetic-calorimeter clusters: 15x15 cells around the cell
 * hit by a photon. docs/calorimeter.md derives the constants and names the
 * assumptions. Generation is deterministic for a seed: it uses the seeded
 * generator of random.ts and Math functions only. NOTE: Math.log, exp, sin
 * and cos are not required by ECMAScript to round the same on every engine,
 * so the checksums are recorded for Node's V8.
 */
import { createRandom } from './random';

/** Cells per side of a cluster. */
export const CLUSTER_SIDE = 15;
export const CLUSTER_CELLS = CLUSTER_SIDE * CLUSTER_SIDE;
/** Cell pitch in cm: a 12 cm module read out by 3x3 cells. */
export const CELL_SIZE_CM = 4;
/** Moliere radius in cm (assumption for a lead/scintillator sampling calorimeter). */
export const MOLIERE_RADIUS_CM = 3.5;
/** Lateral profile: a core and a tail exponential in r, slopes in Moliere radii, chosen so that 90% of the energy lies within 1 R_M and 95% within 2 R_M. */
export const CORE_SLOPE_RM = 0.15;
export const TAIL_SLOPE_RM = 1.0;
export const TAIL_FRACTION = 0.123;
/** Energy resolution terms: stochastic a in GeV^(1/2) and constant c (both assumptions). */
export const STOCHASTIC_TERM = 0.1;
export const CONSTANT_TERM = 0.01;
/** Gaussian electronic noise of one cell in GeV (assumption). */
export const NOISE_PER_CELL_GEV = 0.005;
/** Energy spots sampled from the lateral profile per shower; fewer spots mean larger shape fluctuations. */
export const SPOTS_PER_SHOWER = 200;

/** Energy spectrum of the generated photons, in GeV; 'power-law' means dN/dE ~ E^-exponent. */
export type Spectrum =
  | { kind: 'flat'; minGeV: number; maxGeV: number }
  | { kind: 'power-law'; minGeV: number; maxGeV: number; exponent: number };

/** Generated clusters: raw cell energies in GeV and the true values per cluster. */
export interface Clusters {
  count: number;
  /** Cell energies in GeV, [count x 15 x 15] row-major, row = y, column = x. */
  cells: Float32Array;
  /** Photon energy in GeV. */
  energy: Float32Array;
  /** Impact point in cm from the centre of the central cell. */
  x: Float32Array;
  y: Float32Array;
}

/** Returns a standard normal generator (Box-Muller, both values used). */
function createNormal(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Maps a uniform number in [0, 1) to a photon energy in GeV by inverting the spectrum's cumulative distribution. */
export function sampleEnergy(spectrum: Spectrum, uniform: number): number {
  const { minGeV, maxGeV } = spectrum;
  if (spectrum.kind === 'flat') return minGeV + uniform * (maxGeV - minGeV);

  const power = 1 - spectrum.exponent;
  const low = minGeV ** power;
  return (low + uniform * (maxGeV ** power - low)) ** (1 / power);
}

/** Adds one shower of `energy` GeV hitting (x, y) cm to the spot sums of one cluster. */
function depositShower(cells: Float32Array, offset: number, energy: number, x: number, y: number, random: () => number): void {
  const spotEnergy = energy / SPOTS_PER_SHOWER;
  const half = CLUSTER_SIDE / 2;
  for (let spot = 0; spot < SPOTS_PER_SHOWER; spot++) {
    const slope = (random() < TAIL_FRACTION ? TAIL_SLOPE_RM : CORE_SLOPE_RM) * MOLIERE_RADIUS_CM;
    // A radial density proportional to exp(-r / slope) in the plane gives r ~ Gamma(2, slope).
    const radius = -slope * Math.log((1 - random()) * (1 - random()));
    const angle = 2 * Math.PI * random();
    const column = Math.floor((x + radius * Math.cos(angle)) / CELL_SIZE_CM + half);
    const row = Math.floor((y + radius * Math.sin(angle)) / CELL_SIZE_CM + half);
    // Spots outside the 15x15 window leak and are lost, as in a real cluster.
    if (column < 0 || column >= CLUSTER_SIDE || row < 0 || row >= CLUSTER_SIDE) continue;
    cells[offset + row * CLUSTER_SIDE + column] += spotEnergy;
  }
}

/** Replaces the spot sums of one cluster by the read-out energies: sampling, calibration and noise. */
function readOut(cells: Float32Array, offset: number, normal: () => number): void {
  const calibration = 1 + CONSTANT_TERM * normal();
  for (let cell = offset; cell < offset + CLUSTER_CELLS; cell++) {
    const deposit = cells[cell];
    // Variance a^2 * E per cell adds up to a^2 * E over the cluster, the stochastic term a / sqrt(E).
    const sampling = deposit > 0 ? STOCHASTIC_TERM * Math.sqrt(deposit) * normal() : 0;
    cells[cell] = (deposit + sampling) * calibration + NOISE_PER_CELL_GEV * normal();
  }
}

/**
 * Generates `count` clusters of single photons from `spectrum`, with impact
 * points uniform in the central cell. The same seed gives the same clusters.
 */
export function generateClusters({ count, spectrum, seed }: { count: number; spectrum: Spectrum; seed: number }): Clusters {
  if (!Number.isInteger(count) || count < 1) throw new Error(`Invalid cluster count ${count}: expected a positive integer.`);
  if (!(spectrum.minGeV > 0 && spectrum.maxGeV > spectrum.minGeV)) {
    throw new Error(`Invalid spectrum [${spectrum.minGeV}, ${spectrum.maxGeV}] GeV: expected 0 < min < max.`);
  }
  if (spectrum.kind === 'power-law' && !(Number.isFinite(spectrum.exponent) && spectrum.exponent !== 1)) {
    throw new Error(`Invalid power-law exponent ${spectrum.exponent}: expected a finite number other than 1.`);
  }

  const random = createRandom(seed);
  const normal = createNormal(random);
  const clusters: Clusters = {
    count,
    cells: new Float32Array(count * CLUSTER_CELLS),
    energy: new Float32Array(count),
    x: new Float32Array(count),
    y: new Float32Array(count),
  };

  for (let i = 0; i < count; i++) {
    const energy = sampleEnergy(spectrum, random());
    const x = (random() - 0.5) * CELL_SIZE_CM;
    const y = (random() - 0.5) * CELL_SIZE_CM;
    clusters.energy[i] = energy;
    clusters.x[i] = x;
    clusters.y[i] = y;
    depositShower(clusters.cells, i * CLUSTER_CELLS, energy, x, y, random);
    readOut(clusters.cells, i * CLUSTER_CELLS, normal);
  }
  return clusters;
}

/** Returns the fraction of a shower's energy within `radiusRm` Moliere radii of its axis, from the profile formula. */
export function containedFraction(radiusRm: number): number {
  const within = (slope: number) => 1 - (1 + radiusRm / slope) * Math.exp(-radiusRm / slope);
  return (1 - TAIL_FRACTION) * within(CORE_SLOPE_RM) + TAIL_FRACTION * within(TAIL_SLOPE_RM);
}
