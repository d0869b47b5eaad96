/** Per-sample evaluation of a trained network on a test or validation set. */
import * as tf from '@tensorflow/tfjs';
import type { Loss } from '../../lib/config';
import { gatherBatch, outputUnits, PROBABILITY_FLOOR, regressionLossOf, yieldToEventLoop, type OutputLayout, type Samples } from './batches';

const EVALUATION_BATCH_SIZE = 256;

/**
 * Per-sample results on a test set, in the order of its samples. For
 * regression `predictedClass` is all zeros, `trueClassProb` is the
 * predicted value of the first target in its original unit, and `values`
 * contains every predicted target.
 */
export interface InstancePredictions {
  predictedClass: Uint8Array;
  /** Predicted probability of the true class; for regression the first target's predicted value. */
  trueClassProb: Float32Array;
  /**
   * Loss of the sample: cross-entropy -log(max(trueClassProb, 1e-7)), or the
   * model's regression loss on standardized targets, averaged over the targets.
   */
  loss: Float32Array;
  /** Regression: `outputs` predicted values per sample in the targets' original units. Absent or empty for classification. */
  values?: Float32Array;
}

/** Predicts every sample in batches and returns the per-sample class or values, probability and loss. */
export async function predictSamples(
  model: tf.LayersModel,
  samples: Samples,
  indices: ArrayLike<number>,
  inputShape: number[],
  layout: OutputLayout,
  loss: Loss,
): Promise<InstancePredictions> {
  const count = indices.length;
  const units = outputUnits(layout);
  const predictions: InstancePredictions = {
    predictedClass: new Uint8Array(count),
    trueClassProb: new Float32Array(count),
    loss: new Float32Array(count),
    values: new Float32Array(layout.task === 'regression' ? count * units : 0),
  };

  for (let start = 0; start < count; start += EVALUATION_BATCH_SIZE) {
    const batchIndices = Array.from({ length: Math.min(EVALUATION_BATCH_SIZE, count - start) }, (_, i) => indices[start + i]);
    const { xs, ys } = gatherBatch(samples, batchIndices, inputShape, layout);
    const outputTensor = model.predict(xs) as tf.Tensor2D;
    const outputs = await outputTensor.data();
    tf.dispose([xs, ys, outputTensor]);

    if (layout.task === 'regression') storeRegression(predictions, start, outputs, samples, batchIndices, layout, loss);
    else storeClassification(predictions, start, outputs, samples, batchIndices, layout.classes);
    await yieldToEventLoop();
  }
  return predictions;
}

function storeRegression(
  predictions: InstancePredictions,
  start: number,
  outputs: ArrayLike<number>,
  samples: Samples,
  batchIndices: number[],
  layout: Extract<OutputLayout, { task: 'regression' }>,
  loss: Loss,
): void {
  const { outputs: units, mean, std } = layout;
  const values = predictions.values!;
  for (let row = 0; row < batchIndices.length; row++) {
    let sampleLoss = 0;
    for (let k = 0; k < units; k++) {
      const standardized = outputs[row * units + k];
      const target = samples.y[batchIndices[row] * units + k];
      const value = standardized * std[k] + mean[k];
      values[(start + row) * units + k] = value;
      sampleLoss += regressionLossOf(standardized - (target - mean[k]) / std[k], loss);
    }
    predictions.trueClassProb[start + row] = values[(start + row) * units];
    predictions.loss[start + row] = sampleLoss / units;
  }
}

function storeClassification(
  predictions: InstancePredictions,
  start: number,
  probs: ArrayLike<number>,
  samples: Samples,
  batchIndices: number[],
  classes: number,
): void {
  for (let row = 0; row < batchIndices.length; row++) {
    const offset = row * classes;
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if (probs[offset + k] > probs[offset + best]) best = k;
    }
    const trueProb = probs[offset + samples.y[batchIndices[row]]];
    predictions.predictedClass[start + row] = best;
    predictions.trueClassProb[start + row] = trueProb;
    predictions.loss[start + row] = -Math.log(Math.max(trueProb, PROBABILITY_FLOOR));
  }
}

/** Mean of the per-sample losses; NaN when any loss is not finite. */
export function meanLoss(losses: Float32Array): number {
  let sum = 0;
  for (const loss of losses) sum += loss;
  return sum / losses.length;
}

/** Fraction of samples whose predicted class equals the label. */
export function accuracy(predictedClass: Uint8Array, labels: ArrayLike<number>, indices: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < predictedClass.length; i++) {
    if (predictedClass[i] === labels[indices[i]]) correct++;
  }
  return correct / predictedClass.length;
}
