/**
 * Prints how well small models learn the photon energy of
 * calorimeter-energy-a: RMSE(E)/E and RMSE(E) on the 12,800 test clusters,
 * beside two constant predictors and the sum-of-deposits baseline.
 *
 * Run: npx tsx bench/calorimeter-energy-learning.ts [trainSize] [epochs]   (default 3000 8)
 */
import { modelSpecSchema, type Architecture } from '../lib/config';
import { countParameters } from '../lib/space';
import { loadDataset } from '../worker/datasets';
import { relativeRmse, rmse } from '../worker/datasets/calorimeter-baselines';
import { initBackend } from '../worker/engine/backend';
import { trainInstance } from '../worker/engine/train';

const MODELS: Array<{ name: string; architecture: Architecture }> = [
  { name: 'fc d32-d16', architecture: { conv: [], dense: [32, 16] } },
  { name: 'cnn conv8k3p2-d16', architecture: { conv: [{ filters: 8, kernelSize: 3, pool: 2 }], dense: [16] } },
];

const trainSize = Number(process.argv[2] ?? 3000);
const epochs = Number(process.argv[3] ?? 8);
const backend = await initBackend('wasm');
const dataset = await loadDataset('calorimeter-energy-a');
const testE = dataset.testY;

// Constant predictors: the pool mean (best for RMSE(E)) and sum(1/E) / sum(1/E^2) (best for RMSE(E)/E).
let sum = 0;
let inverse = 0;
let inverseSquare = 0;
for (const energy of dataset.trainY) {
  sum += energy;
  inverse += 1 / energy;
  inverseSquare += 1 / energy ** 2;
}
const constants = [
  { name: 'constant: pool mean', value: sum / dataset.trainY.length },
  { name: 'constant: best for RMSE(E)/E', value: inverse / inverseSquare },
];
for (const constant of constants) {
  const predictions = new Float32Array(testE.length).fill(constant.value);
  console.log(`${constant.name.padEnd(34)} RMSE(E)/E ${relativeRmse(predictions, testE).toFixed(4)}  RMSE(E) ${rmse(predictions, testE).toFixed(3)} GeV`);
}
const baseline = dataset.baselines![0];
console.log(`${'baseline: sum of deposits'.padEnd(34)} RMSE(E)/E ${baseline.metric.value.toFixed(4)}  RMSE(E) ${rmse(baseline.predictions, testE).toFixed(3)} GeV`);

for (const model of MODELS) {
  for (const loss of ['mse', 'mae'] as const) {
    const spec = modelSpecSchema.parse({ architecture: model.architecture, epochs, batchSize: 32, learningRate: 0.003, loss });
    const result = await trainInstance({ spec, dataset, seeds: { init: 1, sample: 2, shuffle: 3 }, trainSize, validationFraction: 0.1, backend });
    const metric = (name: string) => result.testMetrics?.find((entry) => entry.name === name)?.value ?? Number.NaN;
    console.log(
      `${`${model.name} ${loss}`.padEnd(34)} RMSE(E)/E ${metric('RMSE(E)/E').toFixed(4)}  RMSE(E) ${metric('RMSE(E)').toFixed(3)} GeV` +
        `  params ${countParameters(model.architecture, dataset.inputShape, 1)}  ${(result.durationMs / 1000).toFixed(1)} s  (${trainSize} samples, ${epochs} epochs, ${backend})`,
    );
  }
}
