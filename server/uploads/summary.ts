/** Summary of an uploaded dataset, computed once at upload and shown on the dataset page. */
import type { DatasetTask, EncodingNotes } from './encoded.ts';

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

/**
 * Per-feature sums of the training-pool samples as they are written, so the
 * statistics need no copy of the samples. Covers the first 200 features.
 */
export class FeatureStatisticsAccumulator {
  private readonly width: number;
  private readonly sums: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly mins: Float64Array;
  private readonly maxes: Float64Array;
  private count = 0;

  constructor(
    inputWidth: number,
    private readonly names: string[],
  ) {
    this.width = Math.min(inputWidth, MAX_FEATURE_STATISTICS);
    this.sums = new Float64Array(this.width);
    this.sumSquares = new Float64Array(this.width);
    this.mins = new Float64Array(this.width).fill(Infinity);
    this.maxes = new Float64Array(this.width).fill(-Infinity);
  }

  /** Adds one encoded sample. */
  add(sample: Float32Array): void {
    for (let feature = 0; feature < this.width; feature++) {
      const value = sample[feature];
      this.sums[feature] += value;
      this.sumSquares[feature] += value * value;
      if (value < this.mins[feature]) this.mins[feature] = value;
      if (value > this.maxes[feature]) this.maxes[feature] = value;
    }
    this.count++;
  }

  /** Returns mean, standard deviation, min and max of each covered feature. */
  statistics(): FeatureStatistics[] {
    return Array.from({ length: this.width }, (_, feature) => {
      const mean = this.sums[feature] / this.count;
      const std = Math.sqrt(Math.max(0, this.sumSquares[feature] / this.count - mean * mean));
      return { name: this.names[feature] ?? `feature_${feature + 1}`, mean, std, min: this.mins[feature], max: this.maxes[feature] };
    });
  }
}

/** Inputs of `summarizeDataset`: the targets of both parts and the feature statistics of tabular inputs. */
export interface SummaryInput {
  task: DatasetTask;
  classes: number;
  notes: EncodingNotes;
  trainY: Float32Array;
  testY: Float32Array;
  /** Null for image inputs. */
  features: FeatureStatistics[] | null;
}

/** Computes the summary of a dataset from its targets and feature statistics. */
export function summarizeDataset(input: SummaryInput): DatasetSummary {
  let classBalance: DatasetSummary['classBalance'] = null;
  if (input.task === 'classification') {
    const names = input.notes.classNames ?? [];
    classBalance = Array.from({ length: input.classes }, (_, index) => ({ className: names[index] ?? String(index), train: 0, test: 0 }));
    for (const label of input.trainY) classBalance[label].train++;
    for (const label of input.testY) classBalance[label].test++;
  }
  return {
    notes: input.notes,
    classBalance,
    targetHistogram: input.task === 'regression' ? histogram(input.trainY) : null,
    features: input.features,
  };
}
