/** Per-sample evaluation of a trained network on a test or validation set. */
import * as tf from '@tensorflow/tfjs';
import { gatherBatch, PROBABILITY_FLOOR, yieldToEventLoop, type Samples } from './batches';

const EVALUATION_BATCH_SIZE = 256;

/**
 * Per-sample results on a test set, in the order of its samples. For
 * regression (1 class) `predictedClass` is all zeros, `trueClassProb` holds
 * the predicted value and `loss` the squared error.
 */
export interface InstancePredictions {
  predictedClass: Uint8Array;
  /** Predicted probability of the true class; the predicted value for regression. */
  trueClassProb: Float32Array;
  /** Cross-entropy of the sample: -log(max(trueClassProb, 1e-7)); squared error for regression. */
  loss: Float32Array;
}

/** Predicts every sample in batches and returns the per-sample class, probability and loss. */
export async function predictSamples(
  model: tf.LayersModel,
  samples: Samples,
  indices: ArrayLike<number>,
  inputShape: number[],
  classes: number,
): Promise<InstancePredictions> {
  const count = indices.length;
  const predictions: InstancePredictions = {
    predictedClass: new Uint8Array(count),
    trueClassProb: new Float32Array(count),
    loss: new Float32Array(count),
  };

  for (let start = 0; start < count; start += EVALUATION_BATCH_SIZE) {
    const batchIndices = Array.from({ length: Math.min(EVALUATION_BATCH_SIZE, count - start) }, (_, i) =>
      indices[start + i],
    );
    const { xs, ys } = gatherBatch(samples, batchIndices, inputShape, classes);
    const probsTensor = model.predict(xs) as tf.Tensor2D;
    const probs = await probsTensor.data();
    tf.dispose([xs, ys, probsTensor]);

    if (classes === 1) {
      for (let row = 0; row < batchIndices.length; row++) {
        predictions.trueClassProb[start + row] = probs[row];
        predictions.loss[start + row] = (probs[row] - samples.y[batchIndices[row]]) ** 2;
      }
      await yieldToEventLoop();
      continue;
    }
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
    await yieldToEventLoop();
  }
  return predictions;
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
