/** Draws the training sample of an instance and splits off its validation part. */
import { createRng, sampleIndices } from '../../lib/seeds';

/** Pool indices of the training and validation parts of an instance's training sample. */
export interface TrainingSample {
  train: number[];
  validation: number[];
}

/**
 * Draws `trainSize` distinct pool indices with the sample seed; the last
 * round(trainSize * validationFraction) of them form the validation part.
 */
export function splitTrainingSample(
  poolSize: number,
  trainSize: number,
  validationFraction: number,
  sampleSeed: number,
): TrainingSample {
  if (!Number.isInteger(trainSize) || trainSize < 1 || trainSize > poolSize) {
    throw new Error(`Invalid trainSize ${trainSize}: expected an integer from 1 to the pool size ${poolSize}.`);
  }
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new Error(`Invalid validationFraction ${validationFraction}: expected a number in [0, 1).`);
  }

  const validationSize = Math.round(trainSize * validationFraction);
  if (validationSize >= trainSize) {
    throw new Error(
      `Invalid validationFraction ${validationFraction}: it leaves no training samples out of trainSize ${trainSize}.`,
    );
  }

  const indices = sampleIndices(poolSize, trainSize, createRng(sampleSeed));
  return {
    train: indices.slice(0, trainSize - validationSize),
    validation: indices.slice(trainSize - validationSize),
  };
}
