/** Batch assembly and the loss shared by training, validation and test evaluation. */
import * as tf from '@tensorflow/tfjs';

/** Floor that probabilities are raised to before the logarithm, as Keras clips them. */
export const PROBABILITY_FLOOR = 1e-7;

/**
 * Samples stored row-major: `x` has `sampleSize` values per sample, `y` one
 * target each (a class index, or a regression value when there is 1 class).
 */
export interface Samples {
  x: Float32Array;
  y: Uint8Array | Float32Array;
  sampleSize: number;
}

/**
 * Copies the samples at `indices` into an input tensor and a target tensor:
 * one-hot labels, or an [n, 1] column of regression targets when `classes` is 1.
 */
export function gatherBatch(
  samples: Samples,
  indices: ArrayLike<number>,
  inputShape: number[],
  classes: number,
): { xs: tf.Tensor; ys: tf.Tensor2D } {
  const { x, y, sampleSize } = samples;
  const values = new Float32Array(indices.length * sampleSize);
  const labels = classes === 1 ? new Float32Array(indices.length) : new Int32Array(indices.length);
  for (let row = 0; row < indices.length; row++) {
    const source = indices[row];
    values.set(x.subarray(source * sampleSize, (source + 1) * sampleSize), row * sampleSize);
    labels[row] = y[source];
  }

  const xs = tf.tensor(values, [indices.length, ...inputShape], 'float32');
  const ys =
    classes === 1
      ? tf.tensor2d(labels, [indices.length, 1], 'float32')
      : tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D);
  return { xs, ys };
}

/** Mean categorical cross-entropy of softmax outputs `probs` against one-hot `ys`. */
export function meanCrossEntropy(ys: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    // tf.maximum rather than tf.clipByValue: on the wasm backend (4.22) clipByValue turns
    // NaN into the lower bound, which would hide a diverged network behind a finite loss.
    const logProbs = tf.log(tf.maximum(probs, PROBABILITY_FLOOR));
    return tf.neg(tf.mean(tf.sum(tf.mul(ys, logProbs), -1)));
  }) as tf.Scalar;
}

/** Mean squared error of regression outputs against targets, both [n, 1]. */
export function meanSquaredError(ys: tf.Tensor2D, outputs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(outputs, ys))) as tf.Scalar;
}

/** The training loss: mean squared error for regression (1 class), else categorical cross-entropy. */
export function meanDataLoss(ys: tf.Tensor2D, outputs: tf.Tensor2D, classes: number): tf.Scalar {
  return classes === 1 ? meanSquaredError(ys, outputs) : meanCrossEntropy(ys, outputs);
}

/** Yields to the event loop so that timers and I/O (job heartbeats) run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
