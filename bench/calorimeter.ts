/**
 * Times the calorimeter generator: 64,000 clusters of each spectrum, then the
 * whole dataset build (generation, baselines, log scaling, checksum). Prints
 * the median of a few runs and the machine.
 *
 * Run: npx tsx bench/calorimeter.ts
 */
import os from 'node:os';
import { buildCalorimeterDataset, type CalorimeterVariant } from '../worker/datasets/calorimeter.ts';
import { generateClusters, SPOTS_PER_SHOWER, type Spectrum } from '../worker/datasets/calorimeter-physics.ts';

const CLUSTERS = 64_000;
const RUNS = 3;
const SPECTRA: Record<CalorimeterVariant, Spectrum> = {
  a: { kind: 'flat', minGeV: 1, maxGeV: 100 },
  b: { kind: 'power-law', minGeV: 1, maxGeV: 100, exponent: 2 },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`${CLUSTERS} clusters of 15x15 cells, ${SPOTS_PER_SHOWER} spots per shower, median of ${RUNS} runs`);

for (const [variant, spectrum] of Object.entries(SPECTRA) as Array<[CalorimeterVariant, Spectrum]>) {
  const generation = Array.from({ length: RUNS }, (_, run) => time(() => generateClusters({ count: CLUSTERS, spectrum, seed: run + 1 })));
  console.log(`dataset ${variant.toUpperCase()}: generateClusters ${(median(generation) / 1000).toFixed(2)} s`);
}

// The first build of a variant generates and scales; the second dataset of the variant reuses its clusters.
for (const variant of ['a', 'b'] as const) {
  const energy = time(() => buildCalorimeterDataset('energy', variant));
  const position = time(() => buildCalorimeterDataset('position', variant));
  console.log(`dataset ${variant.toUpperCase()}: energy dataset build ${(energy / 1000).toFixed(2)} s, position dataset then ${(position / 1000).toFixed(2)} s`);
}
