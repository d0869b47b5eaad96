/**
 * Trains one instance of a model: draw the training sample, train for the
 * model's epochs, then evaluate every test sample.
 */
import * as tf from '@tensorflow/tfjs';
import type { InstanceSeeds, ModelSpec } from '../../lib/config';
import { createRng, shuffleInPlace } from '../../lib/seeds';
import type { Dataset } from '../datasets';
import { useBackend, type BackendName } from './backend';
import type { Samples } from './batches';
import { trainEpoch, type EpochTraining } from './epoch';
import { accuracy, meanLoss, predictSamples, type InstancePredictions } from './evaluate';
import { buildModel, createOptimizer } from './model';
import { splitTrainingSample } from './sample';

export type { InstancePredictions } from './evaluate';
export { TrainingStoppedError } from './epoch';

/** Loss values of one finished epoch, reported while training runs. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  trainLoss: number;
  /** Null when the validation fraction leaves no validation samples. */
  valLoss: number | null;
}

export interface TrainInstanceOptions {
  spec: ModelSpec;
  dataset: Dataset;
  seeds: InstanceSeeds;
  /** Samples drawn from the training pool, validation samples included. */
  trainSize: number;
  /** Fraction of the training sample held out for the validation loss, in [0, 1). */
  validationFraction: number;
  backend: BackendName;
  onEpoch?: (progress: EpochProgress) => void | Promise<void>;
  /** Polled between batches; returning true aborts with a `TrainingStoppedError`. */
  shouldStop?: () => boolean;
  /** Called with the trained model of a finished instance before it is disposed, for example to save its weights. */
  onTrained?: (model: tf.LayersModel) => Promise<void>;
}

export type InstanceStatus = 'finished' | 'diverged';

export interface InstanceResult {
  status: InstanceStatus;
  /** 1-based epoch in which a loss became NaN or infinite; null when finished. */
  divergedEpoch: number | null;
  /** Mean training cross-entropy of each completed epoch, without the L2 penalty. */
  trainLoss: number[];
  /** Validation cross-entropy after each completed epoch; empty without validation samples. */
  valLoss: number[];
  testLoss: number | null;
  testAccuracy: number | null;
  durationMs: number;
  parameterCount: number;
  predictions: InstancePredictions | null;
}

function checkDataset(dataset: Dataset): number {
  if (dataset.task === 'regression') {
    if (dataset.classes !== 1) {
      throw new Error(`Invalid class count ${dataset.classes} of regression dataset '${dataset.key}': expected 1 output.`);
    }
  } else if (dataset.task !== 'classification') {
    throw new Error(`Unsupported task '${String(dataset.task)}' of dataset '${dataset.key}': expected 'classification' or 'regression'.`);
  } else if (!Number.isInteger(dataset.classes) || dataset.classes < 2 || dataset.classes > 256) {
    // Predicted classes are stored as Uint8Array.
    throw new Error(`Invalid class count ${dataset.classes} of dataset '${dataset.key}': expected 2 to 256 classes.`);
  }
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  if (dataset.trainX.length !== dataset.trainY.length * sampleSize || dataset.testX.length !== dataset.testY.length * sampleSize) {
    throw new Error(`Invalid dataset '${dataset.key}': its array lengths do not match input shape [${dataset.inputShape.join(', ')}] and the label counts.`);
  }
  return sampleSize;
}

/**
 * Trains one instance with categorical cross-entropy (mean squared error for
 * a regression dataset) and evaluates it on the full test set. Same options on the same backend give the same result
 * (checked by tests on the wasm and cpu backends, not on tensorflow).
 * Every tensor it creates is disposed before it returns or throws.
 */
export async function trainInstance(options: TrainInstanceOptions): Promise<InstanceResult> {
  const started = performance.now();
  const { spec, dataset, seeds } = options;
  const sampleSize = checkDataset(dataset);
  await useBackend(options.backend);

  const split = splitTrainingSample(dataset.trainY.length, options.trainSize, options.validationFraction, seeds.sample);
  const pool: Samples = { x: dataset.trainX, y: dataset.trainY, sampleSize };
  const test: Samples = { x: dataset.testX, y: dataset.testY, sampleSize };
  const input = { shape: dataset.inputShape, classes: dataset.classes };
  const shuffleRng = createRng(seeds.shuffle);

  const model = buildModel(spec, input, seeds.init);
  const optimizer = createOptimizer(spec);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const result: InstanceResult = {
    status: 'finished',
    divergedEpoch: null,
    trainLoss: [],
    valLoss: [],
    testLoss: null,
    testAccuracy: null,
    durationMs: 0,
    parameterCount: model.countParams(),
    predictions: null,
  };

  try {
    const { batchSize } = spec;
    const training: EpochTraining = { model, optimizer, variables, pool, input, batchSize, shouldStop: options.shouldStop };
    const order = [...split.train];
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      shuffleInPlace(order, shuffleRng);
      const trainLoss = await trainEpoch(training, order);

      let valLoss: number | null = null;
      if (split.validation.length > 0) {
        valLoss = meanLoss((await predictSamples(model, pool, split.validation, input.shape, input.classes)).loss);
      }
      if (trainLoss === null || !Number.isFinite(valLoss ?? 0)) {
        result.status = 'diverged';
        result.divergedEpoch = epoch;
        break;
      }

      result.trainLoss.push(trainLoss);
      if (valLoss !== null) result.valLoss.push(valLoss);
      await options.onEpoch?.({ epoch, epochs: spec.epochs, trainLoss, valLoss });
    }

    if (result.status === 'finished') {
      const testIndices = Array.from({ length: dataset.testY.length }, (_, i) => i);
      const predictions = await predictSamples(model, test, testIndices, input.shape, input.classes);
      const testLoss = meanLoss(predictions.loss);

      // The last update can still break the weights when no validation set caught it.
      if (Number.isFinite(testLoss)) {
        result.testLoss = testLoss;
        result.testAccuracy = dataset.task === 'regression' ? null : accuracy(predictions.predictedClass, dataset.testY, testIndices);
        result.predictions = predictions;
        await options.onTrained?.(model);
      } else {
        result.status = 'diverged';
        result.divergedEpoch = spec.epochs;
      }
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }

  result.durationMs = performance.now() - started;
  return result;
}
