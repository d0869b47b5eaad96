/**
 * Regression targets: their standardization, fitted on the training pool
 * only, and the task metrics reported beside the test loss.
 */
import type { Dataset } from '../datasets';
import type { OutputLayout } from './batches';
import type { InstancePredictions } from './evaluate';

/** A task metric of a trained instance on the test set, for example RMSE(E) in GeV. */
export interface TestMetric {
  name: string;
  value: number;
  /** Unit of the value; empty for ratios such as accuracy or RMSE(E)/E. */
  unit: string;
}

const layouts = new WeakMap<Dataset, OutputLayout>();

/**
 * Returns the output layout of a dataset. For regression it computes the mean
 * and standard deviation of each target over the whole training pool, so every
 * instance of every model uses the same scale and no test target leaks in.
 * A target that is constant in the pool keeps standard deviation 1.
 */
export function outputLayoutOf(dataset: Dataset): OutputLayout {
  if (dataset.task === 'classification') return { task: 'classification', classes: dataset.classes };

  let layout = layouts.get(dataset);
  if (layout === undefined) {
    const outputs = dataset.classes;
    const count = dataset.trainY.length / outputs;
    const mean = new Float64Array(outputs);
    const std = new Float64Array(outputs);
    for (let i = 0; i < count * outputs; i++) mean[i % outputs] += dataset.trainY[i];
    for (let k = 0; k < outputs; k++) mean[k] /= count;
    for (let i = 0; i < count * outputs; i++) std[i % outputs] += (dataset.trainY[i] - mean[i % outputs]) ** 2;
    for (let k = 0; k < outputs; k++) {
      std[k] = Math.sqrt(std[k] / count);
      if (!(std[k] > 0)) std[k] = 1;
    }
    layout = { task: 'regression', outputs, mean, std };
    layouts.set(dataset, layout);
  }
  return layout;
}

/**
 * Computes the task metrics on the test set. Classification gets accuracy.
 * Regression gets RMSE per target in its unit, and RMSE(t)/t for a target
 * marked `relativeError`. The one target of an uploaded dataset is named y.
 */
export function computeTestMetrics(dataset: Dataset, predictions: InstancePredictions, accuracy: number | null): TestMetric[] {
  if (dataset.task === 'classification') return accuracy === null ? [] : [{ name: 'accuracy', value: accuracy, unit: '' }];

  const values = predictions.values;
  if (values === undefined) throw new Error(`Missing predicted values of regression dataset '${dataset.key}'.`);
  const outputs = dataset.classes;
  const targets = dataset.targets ?? [{ name: 'y', unit: '' }];
  const count = dataset.testY.length / outputs;
  const metrics: TestMetric[] = [];
  for (let k = 0; k < outputs; k++) {
    const info = targets[k] ?? { name: `y${k + 1}`, unit: '' };
    let squares = 0;
    let relativeSquares = 0;
    for (let i = 0; i < count; i++) {
      const target = dataset.testY[i * outputs + k];
      const error = values[i * outputs + k] - target;
      squares += error * error;
      relativeSquares += (error / target) ** 2;
    }
    metrics.push({ name: `RMSE(${info.name})`, value: Math.sqrt(squares / count), unit: info.unit });
    if (info.relativeError) metrics.push({ name: `RMSE(${info.name})/${info.name}`, value: Math.sqrt(relativeSquares / count), unit: '' });
  }
  return metrics;
}
