import { describe, expect, test } from 'vitest';
import { energyWeightedCentre, relativeRmse, rmse, sumOfDeposits } from './calorimeter-baselines';
import {
  CELL_SIZE_CM,
  CLUSTER_CELLS,
  CONSTANT_TERM,
  containedFraction,
  generateClusters,
  NOISE_PER_CELL_GEV,
  STOCHASTIC_TERM,
  type Spectrum,
} from './calorimeter-physics';
import { computeSplitChecksum } from './checksum';
import { BUILTIN_DATASETS, loadDataset } from './index';

const FLAT: Spectrum = { kind: 'flat', minGeV: 1, maxGeV: 100 };

function monoenergetic(energy: number, count: number) {
  return generateClusters({ count, spectrum: { kind: 'flat', minGeV: energy, maxGeV: energy * 1.0001 }, seed: 11 });
}

describe('calorimeter lateral profile', () => {
  test('contains 90% in one Moliere radius', () => {
    expect(containedFraction(1)).toBeCloseTo(0.9, 2);
  });

  test('contains 95% in two Moliere radii', () => {
    expect(containedFraction(2)).toBeCloseTo(0.95, 2);
  });
});

describe('generateClusters', () => {
  test('same seed gives identical clusters', () => {
    const first = generateClusters({ count: 300, spectrum: FLAT, seed: 5 });
    const second = generateClusters({ count: 300, spectrum: FLAT, seed: 5 });

    expect(Buffer.from(second.cells.buffer).equals(Buffer.from(first.cells.buffer))).toBe(true);
    expect(second.energy).toEqual(first.energy);
    expect(second.x).toEqual(first.x);
    expect(second.y).toEqual(first.y);
  });

  test('another seed gives other clusters', () => {
    const first = generateClusters({ count: 300, spectrum: FLAT, seed: 5 });
    const other = generateClusters({ count: 300, spectrum: FLAT, seed: 6 });

    expect(other.energy).not.toEqual(first.energy);
    expect(Buffer.from(other.cells.buffer).equals(Buffer.from(first.cells.buffer))).toBe(false);
  });

  test('impact points lie in the central cell', () => {
    const clusters = generateClusters({ count: 2000, spectrum: FLAT, seed: 3 });

    for (const axis of [clusters.x, clusters.y]) {
      expect(Math.min(...axis)).toBeGreaterThanOrEqual(-CELL_SIZE_CM / 2);
      expect(Math.max(...axis)).toBeLessThan(CELL_SIZE_CM / 2);
    }
  });

  test('falling spectrum concentrates at low energy', () => {
    const falling = generateClusters({ count: 4000, spectrum: { kind: 'power-law', minGeV: 1, maxGeV: 100, exponent: 2 }, seed: 4 });
    const sorted = Array.from(falling.energy).sort((a, b) => a - b);

    // dN/dE ~ E^-2 on [1, 100] GeV has its median at 200/101 = 1.98 GeV.
    expect(sorted[2000]).toBeGreaterThan(1.8);
    expect(sorted[2000]).toBeLessThan(2.2);
    expect(sorted[0]).toBeGreaterThanOrEqual(1);
    expect(sorted[3999]).toBeLessThanOrEqual(100);
  });

  test('rejects an invalid spectrum and count', () => {
    expect(() => generateClusters({ count: 10, spectrum: { kind: 'flat', minGeV: 5, maxGeV: 5 }, seed: 1 })).toThrow(
      'Invalid spectrum [5, 5] GeV: expected 0 < min < max.',
    );
    expect(() => generateClusters({ count: 0, spectrum: FLAT, seed: 1 })).toThrow('Invalid cluster count 0: expected a positive integer.');
    expect(() => generateClusters({ count: 10, spectrum: { kind: 'power-law', minGeV: 1, maxGeV: 10, exponent: 1 }, seed: 1 })).toThrow(
      'Invalid power-law exponent 1: expected a finite number other than 1.',
    );
  });
});

describe('calorimeter baselines', () => {
  test.each([1, 4, 25, 100])('sum of deposits resolution at %d GeV', (energy) => {
    const clusters = monoenergetic(energy, 2000);
    const expected = Math.sqrt(STOCHASTIC_TERM ** 2 / energy + CONSTANT_TERM ** 2 + (CLUSTER_CELLS * NOISE_PER_CELL_GEV ** 2) / energy ** 2);

    const resolution = relativeRmse(sumOfDeposits(clusters), clusters.energy);

    // 2,000 clusters measure an RMS to about 1.6%.
    expect(resolution / expected).toBeGreaterThan(0.92);
    expect(resolution / expected).toBeLessThan(1.08);
  });

  test('energy-weighted centre is pulled toward the cell centre', () => {
    const clusters = monoenergetic(20, 3000);
    const centres = energyWeightedCentre(clusters, 'x');

    let outerPull = 0;
    let outerCount = 0;
    for (let i = 0; i < clusters.count; i++) {
      if (Math.abs(clusters.x[i]) < CELL_SIZE_CM / 4) continue;
      outerPull += Math.sign(clusters.x[i]) * (centres[i] - clusters.x[i]);
      outerCount++;
    }

    // Impacts in the outer half of the cell are reconstructed closer to its centre.
    expect(outerPull / outerCount).toBeLessThan(-0.2);
    expect(rmse(centres, clusters.x)).toBeGreaterThan(0.2);
  });

  test('energy-weighted centre is symmetric in x and y', () => {
    const clusters = monoenergetic(20, 3000);

    const errorX = rmse(energyWeightedCentre(clusters, 'x'), clusters.x);
    const errorY = rmse(energyWeightedCentre(clusters, 'y'), clusters.y);

    expect(errorY / errorX).toBeGreaterThan(0.9);
    expect(errorY / errorX).toBeLessThan(1.1);
  });

  test('metrics reject mismatched lengths', () => {
    expect(() => rmse([1, 2], [1])).toThrow('Invalid metric input: 2 predictions for 1 targets; expected equal, non-zero counts.');
  });
});

describe.each(['a', 'b'])('calorimeter datasets %s', (variant) => {
  test('energy dataset matches its metadata and checksum', async () => {
    const dataset = await loadDataset(`calorimeter-energy-${variant}`);
    const metadata = BUILTIN_DATASETS.find((entry) => entry.key === dataset.key)!;

    expect(dataset.task).toBe('regression');
    expect(dataset.inputShape).toEqual([15, 15, 1]);
    expect(dataset.trainY).toHaveLength(metadata.trainCount);
    expect(dataset.testY).toHaveLength(metadata.testCount);
    expect(dataset.trainX).toHaveLength(metadata.trainCount * 225);
    expect(dataset.targets).toEqual([{ name: 'E', unit: 'GeV', relativeError: true }]);
    expect(computeSplitChecksum(dataset)).toBe(metadata.checksum);
  });

  test('position dataset shares inputs and checks its checksum', async () => {
    const energy = await loadDataset(`calorimeter-energy-${variant}`);
    const position = await loadDataset(`calorimeter-position-${variant}`);
    const metadata = BUILTIN_DATASETS.find((entry) => entry.key === position.key)!;

    expect(position.trainX).toBe(energy.trainX);
    expect(position.classes).toBe(2);
    expect(position.targets!.map((target) => target.name)).toEqual(['x', 'y']);
    expect(position.trainY).toHaveLength(metadata.trainCount * 2);
    expect(position.testY).toHaveLength(metadata.testCount * 2);
    expect(Math.max(...position.testY)).toBeLessThan(CELL_SIZE_CM / 2);
    expect(Math.min(...position.testY)).toBeGreaterThanOrEqual(-CELL_SIZE_CM / 2);
    expect(computeSplitChecksum(position)).toBe(metadata.checksum);
  });

  test('baselines report their metric on the test set', async () => {
    const energy = await loadDataset(`calorimeter-energy-${variant}`);
    const position = await loadDataset(`calorimeter-position-${variant}`);
    const [sum] = energy.baselines!;
    const [centreX, centreY] = position.baselines!;
    const testX = position.testY.filter((_, i) => i % 2 === 0);
    const testY = position.testY.filter((_, i) => i % 2 === 1);

    expect(sum.name).toBe('Sum of deposits');
    expect(sum.predictions).toHaveLength(energy.testY.length);
    expect(sum.metric.value).toBe(relativeRmse(sum.predictions, energy.testY));
    expect(sum.metric.value).toBeGreaterThan(0.01);
    expect(centreX.name).toBe('Energy-weighted centre (x)');
    expect(centreX.metric).toEqual({ name: 'RMSE(x)', value: rmse(centreX.predictions, testX), unit: 'cm' });
    expect(centreY.name).toBe('Energy-weighted centre (y)');
    expect(centreY.metric).toEqual({ name: 'RMSE(y)', value: rmse(centreY.predictions, testY), unit: 'cm' });
  });

  test.each(['energy', 'position'])('recorded %s baselines match computed ones', async (target) => {
    const dataset = await loadDataset(`calorimeter-${target}-${variant}`);
    const metadata = BUILTIN_DATASETS.find((entry) => entry.key === dataset.key)!;
    const computed = dataset.baselines!.map(({ name, metric }) => ({ name, metric }));

    expect(computed.length).toBeGreaterThan(0);
    expect(metadata.baselines).toEqual(computed);
  });

  test('log scaling maps the pool into [0, 1]', async () => {
    const dataset = await loadDataset(`calorimeter-energy-${variant}`);
    let max = -Infinity;
    let min = Infinity;
    for (const value of dataset.trainX) {
      max = Math.max(max, value);
      min = Math.min(min, value);
    }

    expect(dataset.scaling!.method).toBe('log-max');
    expect(dataset.scaling!.featureScales).toHaveLength(225);
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(dataset.scaling!.constantFeatures).toEqual([]);
  });
});
