/** Early stopping on the validation loss, with the improvement rule of tf.keras `EarlyStopping(monitor='val_loss', min_delta, patience)`. */
import * as tf from '@tensorflow/tfjs';
import type { EarlyStopping } from '../../lib/config';

/**
 * Tracks the best validation loss of a training. An epoch improves when its
 * loss is below the best so far by more than `minDelta`. Training stops after
 * `patience` epochs in a row without improvement. With `restoreBestWeights`
 * the monitor keeps a copy of the weights of the best epoch.
 */
export class EarlyStoppingMonitor {
  private best = Infinity;
  /** 1-based epoch with the lowest validation loss so far; 0 before the first. */
  bestEpoch = 0;
  private epochsWithoutImprovement = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(
    private readonly settings: EarlyStopping,
    private readonly model: tf.LayersModel,
  ) {}

  /** Records the validation loss of an epoch; returns true when training should stop after it. */
  shouldStop(epoch: number, valLoss: number): boolean {
    if (valLoss < this.best - this.settings.minDelta) {
      this.best = valLoss;
      this.bestEpoch = epoch;
      this.epochsWithoutImprovement = 0;
      if (this.settings.restoreBestWeights) this.keepWeights();
      return false;
    }
    this.epochsWithoutImprovement++;
    return this.epochsWithoutImprovement >= this.settings.patience;
  }

  /** Sets the model's weights to those of the best epoch, when `restoreBestWeights` is on and a copy exists. */
  restoreBestWeights(): void {
    if (this.bestWeights !== null) this.model.setWeights(this.bestWeights);
  }

  dispose(): void {
    if (this.bestWeights !== null) tf.dispose(this.bestWeights);
    this.bestWeights = null;
  }

  private keepWeights(): void {
    this.dispose();
    this.bestWeights = this.model.getWeights().map((weight) => tf.clone(weight));
  }
}
