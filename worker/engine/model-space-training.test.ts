/** Training with PReLU, the regression losses, early stopping and several regression targets, on small real data. */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Loss } from '../../lib/config';
import { countParameters } from '../../lib/space';
import { loadDataset, type Dataset } from '../datasets';
import { initBackend } from './backend';
import { regressionLossOf } from './batches';
import { buildModel } from './model';
import { outputLayoutOf } from './targets';
import { MLP, mnistSlice, SMALL_CNN, specOf } from './test-fixtures';
import { resolveLoss, trainInstance, type TrainInstanceOptions } from './train';

let mnist: Dataset;

beforeAll(async () => {
  mnist = await mnistSlice(600, 300);
  await initBackend('wasm');
});

function options(overrides: Partial<TrainInstanceOptions> = {}): TrainInstanceOptions {
  return {
    spec: specOf({ architecture: MLP, epochs: 3 }),
    dataset: mnist,
    seeds: { init: 1, sample: 2, shuffle: 3 },
    trainSize: 400,
    validationFraction: 0.1,
    backend: 'wasm',
    ...overrides,
  };
}

/** Returns the first `poolSize` pool samples and `testSize` test samples of a regression dataset with `outputs` targets. */
function regressionSlice(dataset: Dataset, poolSize: number, testSize: number): Dataset {
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  const outputs = dataset.classes;
  return {
    ...dataset,
    trainX: dataset.trainX.subarray(0, poolSize * sampleSize),
    trainY: dataset.trainY.subarray(0, poolSize * outputs),
    testX: dataset.testX.subarray(0, testSize * sampleSize),
    testY: dataset.testY.subarray(0, testSize * outputs),
  };
}

describe('PReLU', () => {
  test.each([
    ['MLP', MLP],
    ['CNN', SMALL_CNN],
  ])('%s parameter count matches the built model', (_, architecture) => {
    const spec = specOf({ architecture, activation: 'prelu' });
    const model = buildModel(spec, { shape: [28, 28, 1], classes: 10 }, 1);
    expect(model.countParams()).toBe(countParameters(spec.architecture, [28, 28, 1], 10, 'prelu'));
    expect(model.countParams()).toBeGreaterThan(countParameters(spec.architecture, [28, 28, 1], 10));
    model.dispose();
  });

  test('trains with PReLU layers', async () => {
    const result = await trainInstance(options({ spec: specOf({ architecture: SMALL_CNN, activation: 'prelu', epochs: 2 }) }));
    expect(result.status).toBe('finished');
    expect(result.parameterCount).toBe(countParameters(SMALL_CNN, [28, 28, 1], 10, 'prelu'));
    expect(result.trainLoss[1]).toBeLessThan(result.trainLoss[0]);
  });
});

describe('losses', () => {
  test('rejects a loss that does not fit the task', async () => {
    const spec = specOf({ architecture: MLP, loss: { kind: 'mae' } });
    expect(() => resolveLoss(spec, 'classification')).toThrow("Invalid loss 'mae' for the classification task: use cross_entropy.");
    await expect(trainInstance(options({ spec }))).rejects.toThrow(/Invalid loss 'mae'/);
  });

  test('classification reports accuracy as a metric', async () => {
    const result = await trainInstance(options());
    expect(result.testMetrics).toEqual([{ name: 'accuracy', value: result.testAccuracy, unit: '' }]);
  });

  describe.each<[string, Loss]>([
    ['mse', { kind: 'mse' }],
    ['mae', { kind: 'mae' }],
    ['huber', { kind: 'huber', delta: 0.5 }],
  ])('regression with %s', (_, loss) => {
    test('test loss is the loss of standardized predictions', async () => {
      const dataset = regressionSlice(await loadDataset('calorimeter-energy-a'), 4000, 500);
      const spec = specOf({ architecture: { conv: [], dense: [16] }, epochs: 2, loss, learningRate: 0.003 });
      const result = await trainInstance(options({ spec, dataset, trainSize: 1000 }));
      const layout = outputLayoutOf(dataset);
      if (layout.task !== 'regression') throw new Error('expected a regression layout');

      expect(result.status).toBe('finished');
      const values = result.predictions!.values!;
      let sum = 0;
      for (let i = 0; i < 500; i++) {
        const error = (values[i] - dataset.testY[i]) / layout.std[0];
        sum += regressionLossOf(error, loss);
      }
      expect(result.testLoss).toBeCloseTo(sum / 500, 4);
      expect(result.predictions!.trueClassProb[0]).toBe(values[0]);
      expect(result.testMetrics!.map((metric) => metric.name)).toEqual(['RMSE(E)', 'RMSE(E)/E']);
    });
  });

  test('standardization uses the pool statistics', async () => {
    const dataset = regressionSlice(await loadDataset('calorimeter-energy-a'), 4000, 500);
    const layout = outputLayoutOf(dataset);
    if (layout.task !== 'regression') throw new Error('expected a regression layout');
    const targets = Array.from(dataset.trainY);
    const mean = targets.reduce((sum, value) => sum + value, 0) / 4000;
    const variance = targets.reduce((sum, value) => sum + (value - mean) ** 2, 0) / 4000;

    expect(layout.mean[0]).toBeCloseTo(mean, 3);
    expect(layout.std[0]).toBeCloseTo(Math.sqrt(variance), 3);
  });
});

describe('early stopping', () => {
  // A min delta larger than any loss makes every epoch after the first count as no improvement.
  const never = { patience: 2, minDelta: 1000, restoreBestWeights: false };

  test('stops after patience epochs without improvement', async () => {
    const result = await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 10, earlyStopping: never }) }));
    expect(result.status).toBe('finished');
    expect(result.stoppedEpoch).toBe(3);
    expect(result.trainLoss).toHaveLength(3);
    expect(result.valLoss).toHaveLength(3);
    expect(result.testLoss).not.toBeNull();
  });

  test('runs every epoch while the loss improves', async () => {
    const result = await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 3, earlyStopping: { patience: 2, minDelta: 0, restoreBestWeights: false } }) }));
    expect(result.valLoss[2]).toBeLessThan(result.valLoss[0]);
    expect(result.stoppedEpoch).toBeNull();
    expect(result.trainLoss).toHaveLength(3);
  });

  test('restores the weights of the best epoch', async () => {
    const restored = await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 10, earlyStopping: { ...never, restoreBestWeights: true } }) }));
    const oneEpoch = await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 1 }) }));
    const stopped = await trainInstance(options({ spec: specOf({ architecture: MLP, epochs: 10, earlyStopping: never }) }));

    expect(restored.stoppedEpoch).toBe(3);
    expect(restored.testLoss).toBe(oneEpoch.testLoss);
    expect(stopped.testLoss).not.toBe(oneEpoch.testLoss);
  });

  test('needs validation samples', async () => {
    const spec = specOf({ architecture: MLP, earlyStopping: never });
    await expect(trainInstance(options({ spec, validationFraction: 0 }))).rejects.toThrow(/early stopping needs validation samples/);
  });
});

describe('calorimeter regression', () => {
  test('position fits x and y with one metric each', async () => {
    const dataset = regressionSlice(await loadDataset('calorimeter-position-a'), 6000, 1000);
    const spec = specOf({ architecture: { conv: [], dense: [32] }, epochs: 5, learningRate: 0.003 });
    const result = await trainInstance(options({ spec, dataset, trainSize: 3000 }));

    expect(result.status).toBe('finished');
    expect(result.parameterCount).toBe(countParameters(spec.architecture, [15, 15, 1], 2));
    expect(result.predictions!.values).toHaveLength(2000);
    const metrics = result.testMetrics!;
    expect(metrics.map((metric) => `${metric.name} ${metric.unit}`)).toEqual(['RMSE(x) cm', 'RMSE(y) cm']);
    // A constant predictor of an impact point uniform over a 4 cm cell has RMSE 4 / sqrt(12) = 1.155 cm.
    for (const metric of metrics) expect(metric.value).toBeLessThan(0.9);
  });

  test('energy model beats constant predictors', async () => {
    const dataset = await loadDataset('calorimeter-energy-a');
    let sum = 0;
    let inverse = 0;
    let inverseSquare = 0;
    for (const energy of dataset.trainY) {
      sum += energy;
      inverse += 1 / energy;
      inverseSquare += 1 / energy ** 2;
    }
    const meanPredictor = constantMetrics(dataset.testY, sum / dataset.trainY.length);
    // sum(1/E) / sum(1/E^2) is the constant with the lowest RMSE(E)/E.
    const relativePredictor = constantMetrics(dataset.testY, inverse / inverseSquare);

    const spec = specOf({ architecture: { conv: [{ filters: 8, kernelSize: 3, pool: 2 }], dense: [16] }, epochs: 8, learningRate: 0.003, loss: { kind: 'mae' } });
    const result = await trainInstance(options({ spec, dataset, trainSize: 3000 }));
    const metric = (name: string) => result.testMetrics!.find((entry) => entry.name === name)!.value;

    expect(metric('RMSE(E)/E')).toBeLessThan(0.7 * relativePredictor.relative);
    expect(metric('RMSE(E)')).toBeLessThan(0.6 * meanPredictor.absolute);
  });
});

function constantMetrics(targets: ArrayLike<number>, value: number): { absolute: number; relative: number } {
  let squares = 0;
  let relativeSquares = 0;
  for (let i = 0; i < targets.length; i++) {
    squares += (value - targets[i]) ** 2;
    relativeSquares += ((value - targets[i]) / targets[i]) ** 2;
  }
  return { absolute: Math.sqrt(squares / targets.length), relative: Math.sqrt(relativeSquares / targets.length) };
}
