/** One training epoch: optimizer steps over the shuffled training sample, batch by batch. */
import * as tf from '@tensorflow/tfjs';
import type { Loss } from '../../lib/config';
import { gatherBatch, meanDataLoss, yieldToEventLoop, type OutputLayout, type Samples } from './batches';

/** State of the instance being trained that an epoch reads and updates. */
export interface EpochTraining {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
  /** Trainable variables of the model, the ones the optimizer updates. */
  variables: tf.Variable[];
  pool: Samples;
  /** Shape of one sample without the batch axis. */
  inputShape: number[];
  layout: OutputLayout;
  loss: Loss;
  batchSize: number;
  shouldStop?: () => boolean;
}

/** Error thrown when `shouldStop` returns true. The instance then has no result. */
export class TrainingStoppedError extends Error {
  constructor() {
    super('Training stopped on request before the instance finished.');
    this.name = 'TrainingStoppedError';
  }
}

/** Runs one optimizer step on a batch; returns the batch's data loss (the model's loss) and its total loss with the L2 penalty. */
function trainBatch(training: EpochTraining, xs: tf.Tensor, ys: tf.Tensor2D): { dataLoss: number; totalLoss: number } {
  const { model, optimizer, variables } = training;
  let dataLossTensor: tf.Scalar | undefined;
  const totalTensor = optimizer.minimize(
    () => {
      const outputs = model.apply(xs, { training: true }) as tf.Tensor2D;
      const dataLoss = meanDataLoss(ys, outputs, training.layout, training.loss);
      dataLossTensor = tf.keep(dataLoss);
      // Regularization losses of the layers (the L2 penalty of every kernel).
      return model.calculateLosses().reduce((sum: tf.Scalar, penalty) => tf.add(sum, penalty), dataLoss);
    },
    true,
    variables,
  );

  const totalLoss = totalTensor!.dataSync()[0];
  const dataLoss = dataLossTensor!.dataSync()[0];
  tf.dispose([totalTensor!, dataLossTensor!]);
  return { dataLoss, totalLoss };
}

/**
 * Trains one epoch over `order` (pool indices, already shuffled). Returns the
 * sample-weighted mean data loss of its batches, or null as soon as a batch
 * loss is NaN or infinite. Yields to the event loop after every batch.
 *
 * @throws TrainingStoppedError when `shouldStop` returns true before a batch
 */
export async function trainEpoch(training: EpochTraining, order: number[]): Promise<number | null> {
  const { pool, inputShape, layout, batchSize } = training;
  let weightedLoss = 0;

  for (let start = 0; start < order.length; start += batchSize) {
    if (training.shouldStop?.()) throw new TrainingStoppedError();

    const batch = order.slice(start, start + batchSize);
    const { xs, ys } = gatherBatch(pool, batch, inputShape, layout);
    let losses: { dataLoss: number; totalLoss: number };
    try {
      losses = trainBatch(training, xs, ys);
    } finally {
      tf.dispose([xs, ys]);
    }

    if (!Number.isFinite(losses.totalLoss) || !Number.isFinite(losses.dataLoss)) return null;
    weightedLoss += losses.dataLoss * batch.length;
    await yieldToEventLoop();
  }
  return weightedLoss / order.length;
}
