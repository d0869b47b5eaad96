/**
 * The built-in calorimeter datasets: 64,000 synthetic 15x15 clusters per
 * energy spectrum, split into a 51,200-cluster training pool and a
 * 12,800-cluster test set. Dataset A has a flat spectrum, dataset B a steeply
 * falling one. Each spectrum gives two datasets with the same inputs: energy
 * regression (target E in GeV) and position regression (targets x and y in cm).
 *
 * The clusters are frozen by their seeds and the constants of
 * calorimeter-physics.ts; the checksums and baseline metrics below record
 * the result. Changing either means a new version. Energy datasets are
 * version 1. Position datasets are version 2: version 1 had the target x only.
 */
import { energyWeightedCentre, relativeRmse, rmse, sumOfDeposits } from './calorimeter-baselines';
import { CLUSTER_CELLS, CLUSTER_SIDE, generateClusters, NOISE_PER_CELL_GEV, type Clusters, type Spectrum } from './calorimeter-physics';
import { computeSplitChecksum } from './checksum';
import { scaleLogMax } from './scaling';
import type { BaselineMetric, Dataset, DatasetMetadata, FeatureScaling, TargetInfo } from './types';

export type CalorimeterVariant = 'a' | 'b';
export type CalorimeterTarget = 'energy' | 'position';

const VERSIONS: Record<CalorimeterTarget, number> = { energy: 1, position: 2 };
const CLUSTER_COUNT = 64_000;
const TEST_COUNT = 12_800;

/** Targets of each dataset kind, in output order. */
const TARGETS: Record<CalorimeterTarget, TargetInfo[]> = {
  energy: [{ name: 'E', unit: 'GeV', relativeError: true }],
  position: [
    { name: 'x', unit: 'cm' },
    { name: 'y', unit: 'cm' },
  ],
};

/** Spectra and generator seeds of version 1. */
const VARIANTS: Record<CalorimeterVariant, { spectrum: Spectrum; seed: number; label: string }> = {
  a: { spectrum: { kind: 'flat', minGeV: 1, maxGeV: 100 }, seed: 20250521, label: 'dataset A: flat spectrum, 1-100 GeV' },
  b: {
    spectrum: { kind: 'power-law', minGeV: 1, maxGeV: 100, exponent: 2 },
    seed: 20250522,
    label: 'dataset B: falling spectrum dN/dE ~ E^-2, 1-100 GeV',
  },
};

/** Checksums of the current versions, recorded with Node 20 (V8). */
const CHECKSUMS: Record<string, string> = {
  'calorimeter-energy-a': '35484b7d901d077f0aeb0cb425941708bd6098218b81457278f63853aee6964c',
  'calorimeter-energy-b': 'e625d9f9516458d37116219e767f63395ae9035663c7da20077e645ae0704c13',
  'calorimeter-position-a': 'ae7861e2769128be573ed2f2ad1c8cc834ac7761627454045177cf7bb33d1b67',
  'calorimeter-position-b': '70cd9b0460fe8d1509032c5474f5b12c07b90c17f4ab7ce9226b1fb1d7315399',
};

/**
 * Baseline metrics on the test set of the current versions, recorded with the
 * checksums: the sum of deposits for energy, the energy-weighted centre for
 * position. A test checks them against freshly computed ones.
 */
const BASELINES: Record<string, BaselineMetric[]> = {
  'calorimeter-energy-a': [{ name: 'Sum of deposits', metric: { name: 'RMSE(E)/E', value: 0.024746300201064414, unit: '' } }],
  'calorimeter-energy-b': [{ name: 'Sum of deposits', metric: { name: 'RMSE(E)/E', value: 0.08285822205537124, unit: '' } }],
  'calorimeter-position-a': [
    { name: 'Energy-weighted centre (x)', metric: { name: 'RMSE(x)', value: 0.4284864149097303, unit: 'cm' } },
    { name: 'Energy-weighted centre (y)', metric: { name: 'RMSE(y)', value: 0.42867214245385926, unit: 'cm' } },
  ],
  'calorimeter-position-b': [
    { name: 'Energy-weighted centre (x)', metric: { name: 'RMSE(x)', value: 0.6368528460065391, unit: 'cm' } },
    { name: 'Energy-weighted centre (y)', metric: { name: 'RMSE(y)', value: 0.6348145050828318, unit: 'cm' } },
  ],
};

function describeDataset(target: CalorimeterTarget, variant: CalorimeterVariant): string {
  const task =
    target === 'energy'
      ? 'Target: the photon energy E in GeV. Metric: RMSE(E)/E. Baseline: the sum of deposits.'
      : 'Targets: the impact point x and y in cm from the centre of the central cell. Metrics: RMSE(x) and RMSE(y). Baseline: the energy-weighted centre.';
  return (
    `Synthetic 15x15 electromagnetic-calorimeter clusters of single photons (${VARIANTS[variant].label}), ` +
    `log-scaled cell energies. ${task} 51,200 clusters in the training pool, 12,800 in the test set.`
  );
}

/** Returns the key of a calorimeter dataset, for example 'calorimeter-energy-a'. */
export function calorimeterKey(target: CalorimeterTarget, variant: CalorimeterVariant): string {
  return `calorimeter-${target}-${variant}`;
}

/** Metadata of the four calorimeter datasets, known without generating them. */
export const CALORIMETER_METADATA: DatasetMetadata[] = (['energy', 'position'] as const).flatMap((target) =>
  (['a', 'b'] as const).map((variant) => ({
    key: calorimeterKey(target, variant),
    version: VERSIONS[target],
    name: `Calorimeter ${target} ${variant.toUpperCase()}`,
    description: describeDataset(target, variant),
    task: 'regression' as const,
    inputShape: [CLUSTER_SIDE, CLUSTER_SIDE, 1],
    classes: TARGETS[target].length,
    trainCount: CLUSTER_COUNT - TEST_COUNT,
    testCount: TEST_COUNT,
    checksum: CHECKSUMS[calorimeterKey(target, variant)],
    baselines: BASELINES[calorimeterKey(target, variant)],
  })),
);

interface GeneratedVariant {
  trainX: Float32Array;
  testX: Float32Array;
  scaling: FeatureScaling;
  pool: { energy: Float32Array; position: Float32Array };
  test: { energy: Float32Array; position: Float32Array; x: Float32Array; y: Float32Array };
  energySums: Float32Array;
  centresX: Float32Array;
  centresY: Float32Array;
}

/** Interleaves x and y as [x0, y0, x1, y1, ...], two targets per sample. */
function interleave(x: Float32Array, y: Float32Array): Float32Array {
  const pairs = new Float32Array(x.length * 2);
  for (let i = 0; i < x.length; i++) {
    pairs[2 * i] = x[i];
    pairs[2 * i + 1] = y[i];
  }
  return pairs;
}

function slice(clusters: Clusters, start: number, end: number): Clusters {
  return {
    count: end - start,
    cells: clusters.cells.slice(start * CLUSTER_CELLS, end * CLUSTER_CELLS),
    energy: clusters.energy.slice(start, end),
    x: clusters.x.slice(start, end),
    y: clusters.y.slice(start, end),
  };
}

function generateVariant(variant: CalorimeterVariant): GeneratedVariant {
  const { spectrum, seed } = VARIANTS[variant];
  const all = generateClusters({ count: CLUSTER_COUNT, spectrum, seed });
  // Clusters are independent draws, so the last ones form a random test set.
  const pool = slice(all, 0, CLUSTER_COUNT - TEST_COUNT);
  const test = slice(all, CLUSTER_COUNT - TEST_COUNT, CLUSTER_COUNT);

  // Baselines read the raw energies, so they run before scaling overwrites the cells.
  const energySums = sumOfDeposits(test);
  const centresX = energyWeightedCentre(test, 'x');
  const centresY = energyWeightedCentre(test, 'y');
  const scaling = scaleLogMax({ pool: pool.cells, test: test.cells, sampleSize: CLUSTER_CELLS, reference: NOISE_PER_CELL_GEV });
  return {
    trainX: pool.cells,
    testX: test.cells,
    scaling,
    pool: { energy: pool.energy, position: interleave(pool.x, pool.y) },
    test: { energy: test.energy, position: interleave(test.x, test.y), x: test.x, y: test.y },
    energySums,
    centresX,
    centresY,
  };
}

const generated = new Map<CalorimeterVariant, GeneratedVariant>();

/** Generates the clusters of a variant once per process; energy and position datasets share them. */
function loadVariant(variant: CalorimeterVariant): GeneratedVariant {
  let result = generated.get(variant);
  if (result === undefined) {
    result = generateVariant(variant);
    generated.set(variant, result);
  }
  return result;
}

/** Builds one calorimeter dataset, with its baselines evaluated on the test set. */
export function buildCalorimeterDataset(target: CalorimeterTarget, variant: CalorimeterVariant): Dataset {
  const data = loadVariant(variant);
  const trainY = target === 'energy' ? data.pool.energy : data.pool.position;
  const testY = target === 'energy' ? data.test.energy : data.test.position;
  const split = { trainX: data.trainX, trainY, testX: data.testX, testY };

  const baselines =
    target === 'energy'
      ? [{ name: 'Sum of deposits', predictions: data.energySums, metric: { name: 'RMSE(E)/E', value: relativeRmse(data.energySums, data.test.energy), unit: '' } }]
      : [
          { name: 'Energy-weighted centre (x)', predictions: data.centresX, metric: { name: 'RMSE(x)', value: rmse(data.centresX, data.test.x), unit: 'cm' } },
          { name: 'Energy-weighted centre (y)', predictions: data.centresY, metric: { name: 'RMSE(y)', value: rmse(data.centresY, data.test.y), unit: 'cm' } },
        ];

  return {
    key: calorimeterKey(target, variant),
    version: VERSIONS[target],
    task: 'regression',
    inputShape: [CLUSTER_SIDE, CLUSTER_SIDE, 1],
    classes: TARGETS[target].length,
    ...split,
    checksum: computeSplitChecksum(split),
    targets: TARGETS[target],
    scaling: data.scaling,
    baselines,
  };
}
