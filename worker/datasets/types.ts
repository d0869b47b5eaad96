/** A dataset: immutable and versioned, split once into a training pool and a test set. */
export interface Dataset {
  key: string;
  version: number;
  task: 'classification' | 'regression';
  /** Shape of one sample without the batch axis, for example [28, 28, 1]. */
  inputShape: number[];
  /** Number of classes; for regression the number of targets (output units). */
  classes: number;
  /** Training-pool samples, row-major, `inputShape` values per sample. */
  trainX: Float32Array;
  /** Training-pool targets: a class index per sample (Uint8Array), or `classes` regression values per sample (Float32Array). */
  trainY: Uint8Array | Float32Array;
  testX: Float32Array;
  testY: Uint8Array | Float32Array;
  /** Hex sha256 over trainX, trainY, testX and testY bytes, in that order. */
  checksum: string;
  /**
   * Regression targets in output order, for example E in GeV, or x and y in cm.
   * `trainY` and `testY` then contain `targets.length` values per sample. Absent
   * for classification and for an uploaded regression dataset (one target).
   */
  targets?: TargetInfo[];
  /** Scaling applied to trainX and testX, fitted on the training pool only. */
  scaling?: FeatureScaling;
  /** Reference methods evaluated on the test set, to be shown beside every model. */
  baselines?: Baseline[];
}

/** Name and unit of one regression target. */
export interface TargetInfo {
  name: string;
  unit: string;
  /** Also report RMSE relative to the target, RMSE(E)/E, as for a calorimeter energy. */
  relativeError?: boolean;
}

/**
 * Feature scaling fitted on the training pool. 'min-max' maps the pool range
 * of all features together to [0, 1]. 'log-max' takes ln(1 + max(v, 0) / reference)
 * and divides each feature by its pool maximum.
 */
export interface FeatureScaling {
  method: 'min-max' | 'log-max';
  /** 'min-max': the pool minimum and maximum over all features. */
  min?: number;
  max?: number;
  /** 'log-max': the reference value in the raw unit and the divisor of each feature. */
  reference?: number;
  featureScales?: Float32Array;
  /** Features (indices within one sample) with one value in every pool sample; they keep scale 1. */
  constantFeatures: number[];
}

/** A reference method's predictions on the test set and its metric. */
export interface Baseline {
  name: string;
  /** One prediction per test sample, in the target's unit. */
  predictions: Float32Array;
  metric: { name: string; value: number; unit: string };
}

/**
 * Fields of a built-in dataset version known without building it, so that
 * start-up can register the version cheaply.
 */
export interface DatasetMetadata {
  key: string;
  version: number;
  name: string;
  description: string;
  task: Dataset['task'];
  inputShape: number[];
  classes: number;
  trainCount: number;
  testCount: number;
  /** Checksum recorded when the version was frozen; a built dataset must match it. */
  checksum: string;
  /** Baseline metrics on the test set, recorded with the checksum; absent when the dataset has no baselines. */
  baselines?: BaselineMetric[];
}

/** A baseline's name and its metric on the test set, without the predictions. */
export type BaselineMetric = Omit<Baseline, 'predictions'>;
