/** Summary of an uploaded dataset, computed once at upload and shown on the dataset page. */
import type { EncodedDataset, EncodingNotes } from './encoded.ts';

/** Statistics of one input feature over the training pool. */
export interface FeatureStatistics {
  name: string;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Stored in `datasets.summary`. */
export interface DatasetSummary {
  notes: EncodingNotes;
  /** Samples per class in the training pool and the test set; classification only. */
  classBalance: { className: string; train: number; test: number }[] | null;
  /** Histogram of the training-pool targets; regression only. */
  targetHistogram: { edges: number[]; counts: number[] } | null;
  /** Per-feature statistics for tabular inputs (up to 200 features). */
  features: FeatureStatistics[] | null;
}

const HISTOGRAM_BINS = 20;
const MAX_FEATURE_STATISTICS = 200;

function histogram(values: Float32Array): { edges: number[]; counts: number[] } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const width = max > min ? (max - min) / HISTOGRAM_BINS : 1;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const value of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((value - min) / width))]++;
  return { edges: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => min + i * width), counts };
}

function featureStatistics(dataset: EncodedDataset): FeatureStatistics[] {
  const width = dataset.inputShape[0];
  const rows = dataset.trainY.length;
  const names = dataset.notes.featureNames ?? [];
  return Array.from({ length: Math.min(width, MAX_FEATURE_STATISTICS) }, (_, feature) => {
    let sum = 0;
    let sumSquares = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let row = 0; row < rows; row++) {
      const value = dataset.trainX[row * width + feature];
      sum += value;
      sumSquares += value * value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const mean = sum / rows;
    return { name: names[feature] ?? `feature_${feature + 1}`, mean, std: Math.sqrt(Math.max(0, sumSquares / rows - mean * mean)), min, max };
  });
}

/** Computes the summary of an encoded dataset. */
export function summarizeDataset(dataset: EncodedDataset): DatasetSummary {
  let classBalance: DatasetSummary['classBalance'] = null;
  if (dataset.task === 'classification') {
    const names = dataset.notes.classNames ?? [];
    classBalance = Array.from({ length: dataset.classes }, (_, index) => ({ className: names[index] ?? String(index), train: 0, test: 0 }));
    for (const label of dataset.trainY) classBalance[label].train++;
    for (const label of dataset.testY) classBalance[label].test++;
  }
  return {
    notes: dataset.notes,
    classBalance,
    targetHistogram: dataset.task === 'regression' ? histogram(dataset.trainY) : null,
    features: dataset.inputShape.length === 1 ? featureStatistics(dataset) : null,
  };
}
