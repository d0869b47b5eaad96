/** Batch assembly and the losses shared by training, validation and test evaluation. */
import * as tf from '@tensorflow/tfjs';
import type { Loss } from '../../lib/config';

/** Floor that probabilities are raised to before the logarithm, as Keras clips them. */
export const PROBABILITY_FLOOR = 1e-7;

/**
 * Samples stored row-major: `x` has `sampleSize` values per sample, `y` one
 * class index per sample, or `outputs` regression values per sample.
 */
export interface Samples {
  x: Float32Array;
  y: Uint8Array | Float32Array;
  sampleSize: number;
}

/**
 * Output of the network: class probabilities, or regression targets
 * standardized with the training pool's mean and standard deviation per output.
 */
export type OutputLayout =
  | { task: 'classification'; classes: number }
  | { task: 'regression'; outputs: number; mean: Float64Array; std: Float64Array };

/** Number of output units of a layout. */
export function outputUnits(layout: OutputLayout): number {
  return layout.task === 'classification' ? layout.classes : layout.outputs;
}

/**
 * Copies the samples at `indices` into an input tensor and a target tensor:
 * one-hot labels, or an [n, outputs] matrix of standardized regression targets.
 */
export function gatherBatch(
  samples: Samples,
  indices: ArrayLike<number>,
  inputShape: number[],
  layout: OutputLayout,
): { xs: tf.Tensor; ys: tf.Tensor2D } {
  const { x, y, sampleSize } = samples;
  const values = new Float32Array(indices.length * sampleSize);
  for (let row = 0; row < indices.length; row++) {
    const source = indices[row];
    values.set(x.subarray(source * sampleSize, (source + 1) * sampleSize), row * sampleSize);
  }
  const xs = tf.tensor(values, [indices.length, ...inputShape], 'float32');

  if (layout.task === 'classification') {
    const labels = new Int32Array(indices.length);
    for (let row = 0; row < indices.length; row++) labels[row] = y[indices[row]];
    const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), layout.classes).toFloat() as tf.Tensor2D);
    return { xs, ys };
  }

  const { outputs, mean, std } = layout;
  const targets = new Float32Array(indices.length * outputs);
  for (let row = 0; row < indices.length; row++) {
    for (let k = 0; k < outputs; k++) targets[row * outputs + k] = (y[indices[row] * outputs + k] - mean[k]) / std[k];
  }
  return { xs, ys: tf.tensor2d(targets, [indices.length, outputs], 'float32') };
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

/**
 * Mean regression loss over samples and outputs, as Keras averages it:
 * squared error (mse), absolute error (mae), or Huber with `delta`
 * (0.5 e^2 within |e| <= delta, delta * (|e| - 0.5 delta) beyond).
 */
export function meanRegressionLoss(ys: tf.Tensor2D, outputs: tf.Tensor2D, loss: Loss): tf.Scalar {
  return tf.tidy(() => {
    switch (loss.kind) {
      case 'mse':
        return tf.mean(tf.squaredDifference(outputs, ys));
      case 'mae':
        return tf.mean(tf.abs(tf.sub(outputs, ys)));
      case 'huber': {
        const error = tf.abs(tf.sub(outputs, ys));
        // min(|e|, delta) splits the error into its quadratic and linear parts without a branch.
        const quadratic = tf.minimum(error, loss.delta);
        const linear = tf.sub(error, quadratic);
        return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(loss.delta, linear)));
      }
      case 'cross_entropy':
        throw new RangeError("Invalid loss 'cross_entropy' for the regression task: use mse, mae or huber.");
      default: {
        const unreachable: never = loss;
        throw new RangeError(`Unknown loss ${JSON.stringify(unreachable)}.`);
      }
    }
  }) as tf.Scalar;
}

/** Per-sample regression loss in standardized units, the same formulas as `meanRegressionLoss` for one output. */
export function regressionLossOf(error: number, loss: Loss): number {
  const absolute = Math.abs(error);
  switch (loss.kind) {
    case 'mse':
      return error * error;
    case 'mae':
      return absolute;
    case 'huber':
      return absolute <= loss.delta ? 0.5 * error * error : loss.delta * (absolute - 0.5 * loss.delta);
    default:
      throw new RangeError(`Invalid loss '${loss.kind}' for the regression task: use mse, mae or huber.`);
  }
}

/** Computes the training loss: the model's regression loss, or categorical cross-entropy for classification. */
export function meanDataLoss(ys: tf.Tensor2D, outputs: tf.Tensor2D, layout: OutputLayout, loss: Loss): tf.Scalar {
  return layout.task === 'regression' ? meanRegressionLoss(ys, outputs, loss) : meanCrossEntropy(ys, outputs);
}

/** Yields to the event loop so that timers and I/O (job heartbeats) run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
