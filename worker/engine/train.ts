/**
 * Trains one instance of a model: draw the training sample, train for the
 * model's epochs or until early stopping, then evaluate every test sample.
 */
import * as tf from '@tensorflow/tfjs';
import { defaultLoss, LOSSES_BY_TASK, type InstanceSeeds, type Loss, type ModelSpec } from '../../lib/config';
import { createRng, shuffleInPlace } from '../../lib/seeds';
import type { Dataset } from '../datasets';
import { useBackend, type BackendName } from './backend';
import type { Samples } from './batches';
import { trainEpoch, type EpochTraining } from './epoch';
import { EarlyStoppingMonitor } from './early-stopping';
import { accuracy, meanLoss, predictSamples, type InstancePredictions } from './evaluate';
import { buildModel, createOptimizer } from './model';
import { splitTrainingSample } from './sample';
import { computeTestMetrics, outputLayoutOf, type TestMetric } from './targets';

export type { InstancePredictions } from './evaluate';
export type { TestMetric } from './targets';
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
  /**
   * Mean training loss of each completed epoch, without the L2 penalty: the
   * model's loss, for regression on standardized targets.
   */
  trainLoss: number[];
  /** Validation loss after each completed epoch. Empty without validation samples. */
  valLoss: number[];
  /** The model's loss on the test set, the quantity whose spread over instances is the robustness value. */
  testLoss: number | null;
  testAccuracy: number | null;
  /** Task metrics on the test set (accuracy; RMSE per target in its unit, RMSE(E)/E); empty unless finished. */
  testMetrics?: TestMetric[];
  /** Epoch after which early stopping ended the training; null or absent when it ran every epoch or diverged. */
  stoppedEpoch?: number | null;
  durationMs: number;
  parameterCount: number;
  predictions: InstancePredictions | null;
}

function checkDataset(dataset: Dataset): number {
  if (dataset.task === 'regression') {
    if (!Number.isInteger(dataset.classes) || dataset.classes < 1 || dataset.classes > 16) {
      throw new Error(`Invalid target count ${dataset.classes} of regression dataset '${dataset.key}': expected 1 to 16 outputs.`);
    }
  } else if (dataset.task !== 'classification') {
    throw new Error(`Unsupported task '${String(dataset.task)}' of dataset '${dataset.key}': expected 'classification' or 'regression'.`);
  } else if (!Number.isInteger(dataset.classes) || dataset.classes < 2 || dataset.classes > 256) {
    // Predicted classes are stored as Uint8Array.
    throw new Error(`Invalid class count ${dataset.classes} of dataset '${dataset.key}': expected 2 to 256 classes.`);
  }
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  const trainCount = dataset.trainY.length / targetsPerSample(dataset);
  const testCount = dataset.testY.length / targetsPerSample(dataset);
  if (dataset.trainX.length !== trainCount * sampleSize || dataset.testX.length !== testCount * sampleSize) {
    throw new Error(`Invalid dataset '${dataset.key}': its array lengths do not match input shape [${dataset.inputShape.join(', ')}] and the target counts.`);
  }
  return sampleSize;
}

/** Returns how many values `trainY` and `testY` store per sample: `classes` for regression, else one class index. */
export function targetsPerSample(dataset: Dataset): number {
  return dataset.task === 'regression' ? dataset.classes : 1;
}

/** Returns the loss of a spec for the dataset's task, or throws a RangeError when the loss does not fit the task. */
export function resolveLoss(spec: ModelSpec, task: Dataset['task']): Loss {
  const loss = spec.loss ?? defaultLoss(task);
  if (!LOSSES_BY_TASK[task].includes(loss.kind)) {
    throw new RangeError(`Invalid loss '${loss.kind}' for the ${task} task: use ${LOSSES_BY_TASK[task].join(', ')}.`);
  }
  return loss;
}

/**
 * Trains one instance with the model's loss (by default cross-entropy for
 * classification, MSE on standardized targets for regression) and evaluates
 * it on the full test set. Same options on the same backend give the same
 * result (checked by tests on the wasm and cpu backends, not on tensorflow).
 * Every tensor it creates is disposed before it returns or throws.
 *
 * @throws RangeError when the model's loss does not fit the dataset's task
 */
export async function trainInstance(options: TrainInstanceOptions): Promise<InstanceResult> {
  const started = performance.now();
  const { spec, dataset, seeds } = options;
  const sampleSize = checkDataset(dataset);
  const loss = resolveLoss(spec, dataset.task);
  if (spec.earlyStopping !== undefined && !(options.validationFraction > 0)) {
    throw new RangeError(`Invalid validationFraction ${options.validationFraction}: early stopping needs validation samples, so use a fraction above 0.`);
  }
  await useBackend(options.backend);

  const poolSize = dataset.trainX.length / sampleSize;
  const testSize = dataset.testX.length / sampleSize;
  const split = splitTrainingSample(poolSize, options.trainSize, options.validationFraction, seeds.sample);
  const pool: Samples = { x: dataset.trainX, y: dataset.trainY, sampleSize };
  const test: Samples = { x: dataset.testX, y: dataset.testY, sampleSize };
  const input = { shape: dataset.inputShape, classes: dataset.classes, task: dataset.task };
  const layout = outputLayoutOf(dataset);
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
    testMetrics: [],
    stoppedEpoch: null,
    durationMs: 0,
    parameterCount: model.countParams(),
    predictions: null,
  };

  const monitor = spec.earlyStopping === undefined ? null : new EarlyStoppingMonitor(spec.earlyStopping, model);
  try {
    const { batchSize } = spec;
    const training: EpochTraining = { model, optimizer, variables, pool, inputShape: input.shape, layout, loss, batchSize, shouldStop: options.shouldStop };
    const order = [...split.train];
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      shuffleInPlace(order, shuffleRng);
      const trainLoss = await trainEpoch(training, order);

      let valLoss: number | null = null;
      if (split.validation.length > 0) {
        valLoss = meanLoss((await predictSamples(model, pool, split.validation, input.shape, layout, loss)).loss);
      }
      if (trainLoss === null || !Number.isFinite(valLoss ?? 0)) {
        result.status = 'diverged';
        result.divergedEpoch = epoch;
        break;
      }

      result.trainLoss.push(trainLoss);
      if (valLoss !== null) result.valLoss.push(valLoss);
      await options.onEpoch?.({ epoch, epochs: spec.epochs, trainLoss, valLoss });
      if (monitor !== null && valLoss !== null && monitor.shouldStop(epoch, valLoss)) {
        if (epoch < spec.epochs) result.stoppedEpoch = epoch;
        break;
      }
    }

    if (result.status === 'finished') {
      monitor?.restoreBestWeights();
      const testIndices = Array.from({ length: testSize }, (_, i) => i);
      const predictions = await predictSamples(model, test, testIndices, input.shape, layout, loss);
      const testLoss = meanLoss(predictions.loss);

      // The last update can still break the weights when no validation set caught it.
      if (Number.isFinite(testLoss)) {
        result.testLoss = testLoss;
        result.testAccuracy = dataset.task === 'regression' ? null : accuracy(predictions.predictedClass, dataset.testY, testIndices);
        result.testMetrics = computeTestMetrics(dataset, predictions, result.testAccuracy);
        result.predictions = predictions;
        await options.onTrained?.(model);
      } else {
        result.status = 'diverged';
        result.divergedEpoch = result.trainLoss.length;
      }
    }
  } finally {
    monitor?.dispose();
    optimizer.dispose();
    model.dispose();
  }

  result.durationMs = performance.now() - started;
  return result;
}
