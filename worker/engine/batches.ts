/** Batch assembly and the loss shared by training, validation and test evaluation. */
import * as tf from '@tensorflow/tfjs';

/** Floor that probabilities are raised to before the logarithm, as Keras clips them. */
export const PROBABILITY_FLOOR = 1e-7;

/** Samples stored row-major: `x` has `sampleSize` values per sample, `y` one label each. */
export interface Samples {
  x: Float32Array;
  y: Uint8Array;
  sampleSize: number;
}

/** Copies the samples at `indices` into an input tensor and a one-hot label tensor. */
export function gatherBatch(
  samples: Samples,
  indices: ArrayLike<number>,
  inputShape: number[],
  classes: number,
): { xs: tf.Tensor; ys: tf.Tensor2D } {
  const { x, y, sampleSize } = samples;
  const values = new Float32Array(indices.length * sampleSize);
  const labels = new Int32Array(indices.length);
  for (let row = 0; row < indices.length; row++) {
    const source = indices[row];
    values.set(x.subarray(source * sampleSize, (source + 1) * sampleSize), row * sampleSize);
    labels[row] = y[source];
  }

  const xs = tf.tensor(values, [indices.length, ...inputShape], 'float32');
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D);
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

/** Yields to the event loop so that timers and I/O (job heartbeats) run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
