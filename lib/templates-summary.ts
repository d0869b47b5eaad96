/**
 * Findings of the experiment templates, computed from the finished
 * instances of a template run's experiments. Every estimate carries its
 * instance count and a seeded percentile-bootstrap CI (95%), so the same
 * instances always give the same summary.
 */
import { createHash } from 'node:crypto';

import { STATISTIC_DISPLAY_NAMES, type Initializer, type Statistic, type ThresholdRule } from './config';
import { createRng } from './seeds';
import { robustnessValue, type RobustnessValue } from './statistics';
import { replaySelection, type ReplayResult } from './templates-replay';
import {
  INDUCTIVE_BIAS_DATASETS,
  RANDOMNESS_SOURCES,
  type InductiveBiasParams,
  type InitializersParams,
  type ModelSearchParams,
  type RandomnessSource,
  type RandomnessSourcesParams,
  type SampleSizeParams,
  type TemplateParams,
} from './templates';

/** One instance of a template run's experiment. */
export interface SummaryInstance {
  index: number;
  status: string;
  testLoss: number | null;
  testAccuracy: number | null;
}

/** One model of a template run's experiment. */
export interface SummaryModel {
  id: string;
  label: string;
  parameterCount: number;
  /** Stored model spec; only `architecture.conv` and `initializer` are read here. */
  spec: { architecture: { conv: unknown[] }; initializer: Initializer };
  instances: SummaryInstance[];
}

/** One experiment of a template run, under its key in the run. */
export interface SummaryExperiment {
  key: string;
  experimentId: string;
  models: SummaryModel[];
}

/** An estimate with its instance count and 95% bootstrap CI; value and CI are null below 2 instances. */
export type Estimate = RobustnessValue;

export interface SampleSizePoint {
  size: number;
  experimentId: string;
  robustness: Estimate;
  meanLoss: Estimate;
}

export interface SampleSizeSummary {
  kind: 'sample_size';
  statistic: Statistic;
  tolerance: number;
  points: SampleSizePoint[];
  /** Smallest size from which every further size improves the robustness value by at most `tolerance`; null if none before the largest. */
  plateauSize: number | null;
  /** Whether the robustness value at the largest size is below the one at the smallest. */
  improvesWithSize: boolean | null;
  finding: string;
}

export interface RandomnessSourceRow {
  source: RandomnessSource;
  experimentId: string;
  meanLoss: Estimate;
  /** Sample standard deviation (ddof = 1) of the test loss, with its bootstrap CI. */
  std: Estimate;
  /** Sample variance of the test loss; null below 2 instances. */
  variance: number | null;
  /** variance / (sum of the three single-source variances); null for `all` and when undefined. */
  share: number | null;
}

export interface RandomnessSourcesSummary {
  kind: 'randomness_sources';
  sources: RandomnessSourceRow[];
  /** Variance with all sources varied minus the sum of the three single-source variances: interaction plus estimation noise. */
  interactionVariance: number | null;
  /** Source with the largest share; null when a variance is undefined. */
  dominantSource: Exclude<RandomnessSource, 'all'> | null;
  finding: string;
}

export interface InitializerRow {
  initializer: Initializer;
  modelId: string;
  robustness: Estimate;
  meanLoss: Estimate;
  /** 1-based rank by robustness value; undefined values rank last. */
  rank: number;
}

export interface InitializersSummary {
  kind: 'initializers';
  statistic: Statistic;
  experimentId: string;
  rows: InitializerRow[];
  best: Initializer | null;
  finding: string;
}

export interface InductiveBiasCell {
  dataset: (typeof INDUCTIVE_BIAS_DATASETS)[number];
  architecture: 'cnn' | 'fc';
  experimentId: string;
  modelId: string;
  parameterCount: number;
  /** Mean test accuracy over the instances, from 0 to 1. */
  accuracy: Estimate;
  meanLoss: Estimate;
}

/** A difference of two means with a bootstrap CI. */
export interface Difference {
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface InductiveBiasSummary {
  kind: 'inductive_bias';
  cells: InductiveBiasCell[];
  /** CNN accuracy minus FC accuracy on the original pixels. */
  cnnAdvantageOriginal: Difference;
  /** CNN accuracy minus FC accuracy on the permuted pixels. */
  cnnAdvantagePermuted: Difference;
  /** FC accuracy on permuted minus on original pixels. */
  fcChange: Difference;
  /** The CI of the CNN's advantage on original pixels lies above 0. */
  cnnBeatsFcOnOriginal: boolean | null;
  /** The CI of the CNN's advantage on permuted pixels includes or lies below 0. */
  advantageDisappearsOnPermuted: boolean | null;
  /** The CI of the FC model's change between the datasets includes 0. */
  fcUnaffected: boolean | null;
  finding: string;
}

export interface ModelSearchReplay extends ReplayResult {
  selectedLabel: string | null;
  /** rank / number of models, from 0 to 1; lower is better. */
  rankFraction: number | null;
}

export interface ModelSearchSummary {
  kind: 'model_search';
  referenceExperimentId: string;
  modelCount: number;
  maxInstances: number;
  warmupSteps: number;
  exhaustiveTrainings: number;
  /** Every row is a replay of the selection over the reference experiment's stored instances, not a separate experiment. */
  replays: ModelSearchReplay[];
  finding: string;
}

export type TemplateSummary = SampleSizeSummary | RandomnessSourcesSummary | InitializersSummary | InductiveBiasSummary | ModelSearchSummary;

const CI_RESAMPLES = 2000;

/** Derives a bootstrap seed from a text, so each estimate's CI depends only on its own data and label. */
function seedOf(text: string): number {
  return createHash('sha256').update(`robustlab-template|${text}`).digest().readUInt32BE(0);
}

function finishedLosses(model: SummaryModel): number[] {
  return model.instances.filter((instance) => instance.status === 'finished' && instance.testLoss !== null).map((instance) => instance.testLoss as number);
}

function finishedAccuracies(model: SummaryModel): number[] {
  return model.instances
    .filter((instance) => instance.status === 'finished' && instance.testAccuracy !== null)
    .map((instance) => instance.testAccuracy as number);
}

function estimate(values: number[], statistic: Statistic, label: string): Estimate {
  return robustnessValue(values, statistic, { bootstrap: CI_RESAMPLES, seed: seedOf(label) });
}

function experimentByKey(experiments: readonly SummaryExperiment[], key: string): SummaryExperiment {
  const found = experiments.find((experiment) => experiment.key === key);
  if (!found) throw new RangeError(`Template run has no experiment with key ${JSON.stringify(key)}.`);
  return found;
}

function onlyModel(experiment: SummaryExperiment): SummaryModel {
  if (experiment.models.length !== 1) {
    throw new RangeError(`Experiment ${experiment.experimentId} (${experiment.key}) has ${experiment.models.length} models; expected 1.`);
  }
  return experiment.models[0];
}

/** Formats a number with 4 significant digits for findings. */
function format(value: number | null): string {
  if (value === null) return 'undefined';
  return Number(value.toPrecision(4)).toString();
}

function formatInterval(estimateValue: { value: number | null; ciLow: number | null; ciHigh: number | null }): string {
  if (estimateValue.value === null) return 'undefined';
  return `${format(estimateValue.value)} [${format(estimateValue.ciLow)}, ${format(estimateValue.ciHigh)}]`;
}

function percent(value: number | null): string {
  return value === null ? 'undefined' : `${(value * 100).toFixed(1)}%`;
}

/** Computes the finding of a template run from its params and experiments. */
export function summarizeTemplate(template: TemplateParams, experiments: readonly SummaryExperiment[]): TemplateSummary {
  switch (template.kind) {
    case 'sample_size':
      return summarizeSampleSize(template.params, experiments);
    case 'randomness_sources':
      return summarizeRandomnessSources(template.params, experiments);
    case 'initializers':
      return summarizeInitializers(template.params, experiments);
    case 'inductive_bias':
      return summarizeInductiveBias(template.params, experiments);
    case 'model_search':
      return summarizeModelSearch(template.params, experiments);
    default: {
      const unknown: never = template;
      throw new RangeError(`Invalid template kind ${JSON.stringify((unknown as { kind: unknown }).kind)}.`);
    }
  }
}

/**
 * Returns the smallest size from which the robustness value stops improving
 * by more than `tolerance`: every step to the next size lowers the value by
 * at most `tolerance` times the previous value. The largest size alone does
 * not count, because nothing after it shows a plateau. Returns null when a
 * value is undefined or the value still improves at the last step.
 */
export function plateauSize(points: readonly { size: number; value: number | null }[], tolerance: number): number | null {
  if (points.some((point) => point.value === null)) return null;

  let plateau: number | null = null;
  for (let i = points.length - 2; i >= 0; i--) {
    const current = points[i].value as number;
    const next = points[i + 1].value as number;
    const improvement = (current - next) / Math.abs(current);
    if (improvement > tolerance) break;
    plateau = points[i].size;
  }
  return plateau;
}

export function summarizeSampleSize(params: SampleSizeParams, experiments: readonly SummaryExperiment[]): SampleSizeSummary {
  const points = params.sizes.map((size) => {
    const experiment = experimentByKey(experiments, `n=${size}`);
    const losses = finishedLosses(onlyModel(experiment));
    return {
      size,
      experimentId: experiment.experimentId,
      robustness: estimate(losses, params.statistic, `sample_size|${size}|robustness`),
      meanLoss: estimate(losses, 'mean', `sample_size|${size}|mean`),
    };
  });
  const plateau = plateauSize(points.map((point) => ({ size: point.size, value: point.robustness.value })), params.tolerance);
  const first = points[0].robustness.value;
  const last = points[points.length - 1].robustness.value;
  const improvesWithSize = first === null || last === null ? null : last < first;

  const trend =
    improvesWithSize === null
      ? 'The robustness value is undefined at some size.'
      : `The ${STATISTIC_DISPLAY_NAMES[params.statistic]} robustness value goes from ${format(first)} at n=${points[0].size} to ${format(last)} at n=${points[points.length - 1].size}` +
        (improvesWithSize ? ', so robustness improves with sample size.' : ', so robustness does not improve with sample size here.');
  const plateauText =
    plateau === null
      ? ` It still improves by more than ${percent(params.tolerance)} at the largest size, so no plateau was reached.`
      : ` From n=${plateau} on it improves by at most ${percent(params.tolerance)} per step.`;
  return { kind: 'sample_size', statistic: params.statistic, tolerance: params.tolerance, points, plateauSize: plateau, improvesWithSize, finding: trend + plateauText };
}

/**
 * Splits the test-loss variance by randomness source. Each single-source
 * experiment estimates the variance that its source causes with the others
 * fixed. The share of a source is its variance over the sum of the three.
 * Under independent, additive effects the `all` variance equals that sum,
 * so the difference is reported as the interaction term.
 */
export function summarizeRandomnessSources(params: RandomnessSourcesParams, experiments: readonly SummaryExperiment[]): RandomnessSourcesSummary {
  const rows: RandomnessSourceRow[] = RANDOMNESS_SOURCES.map((source) => {
    const experiment = experimentByKey(experiments, source);
    const losses = finishedLosses(onlyModel(experiment));
    const std = estimate(losses, 'std', `randomness|${source}|std`);
    return {
      source,
      experimentId: experiment.experimentId,
      meanLoss: estimate(losses, 'mean', `randomness|${source}|mean`),
      std,
      variance: std.value === null ? null : std.value * std.value,
      share: null,
    };
  });

  const single = rows.filter((row) => row.source !== 'all');
  const defined = single.every((row) => row.variance !== null);
  const total = defined ? single.reduce((sum, row) => sum + (row.variance as number), 0) : null;
  if (total !== null && total > 0) {
    for (const row of single) row.share = (row.variance as number) / total;
  }
  const allVariance = rows.find((row) => row.source === 'all')?.variance ?? null;
  const interactionVariance = total === null || allVariance === null ? null : allVariance - total;

  let dominantSource: RandomnessSourcesSummary['dominantSource'] = null;
  if (single.every((row) => row.share !== null)) {
    const top = [...single].sort((a, b) => (b.share as number) - (a.share as number))[0];
    dominantSource = top.source as RandomnessSourcesSummary['dominantSource'];
  }

  const shares = single.map((row) => `${row.source} ${percent(row.share)}`).join(', ');
  const finding =
    dominantSource === null
      ? 'A variance is undefined (fewer than 2 finished instances) or all are zero, so the variance cannot be split.'
      : `Share of the single-source variance: ${shares}. The ${dominantSource} seed explains the largest share; ` +
        `with all sources varied the std is ${formatInterval(rows[3].std)}.`;
  return { kind: 'randomness_sources', sources: rows, interactionVariance, dominantSource, finding };
}

export function summarizeInitializers(params: InitializersParams, experiments: readonly SummaryExperiment[]): InitializersSummary {
  const experiment = experimentByKey(experiments, 'initializers');
  const rows = params.initializers.map((initializer) => {
    const model = experiment.models.find((candidate) => candidate.spec.initializer === initializer);
    if (!model) throw new RangeError(`Experiment ${experiment.experimentId} has no model with initializer ${initializer}.`);
    const losses = finishedLosses(model);
    return {
      initializer,
      modelId: model.id,
      robustness: estimate(losses, params.statistic, `initializers|${initializer}|robustness`),
      meanLoss: estimate(losses, 'mean', `initializers|${initializer}|mean`),
      rank: 0,
    };
  });

  const order = [...rows].sort((a, b) => (a.robustness.value ?? Infinity) - (b.robustness.value ?? Infinity));
  for (const row of rows) row.rank = order.indexOf(row) + 1;
  const best = order[0].robustness.value === null ? null : order[0].initializer;
  const finding =
    best === null
      ? 'No initializer has a defined robustness value.'
      : `By ${STATISTIC_DISPLAY_NAMES[params.statistic]} robustness value the order is ${order.map((row) => `${row.initializer} ${formatInterval(row.robustness)}`).join(', ')}; ${best} is the most robust.`;
  return { kind: 'initializers', statistic: params.statistic, experimentId: experiment.experimentId, rows, best, finding };
}

/** Bootstrap CI of mean(a) - mean(b) for independent samples, resampling each sample on its own. */
export function differenceOfMeans(a: readonly number[], b: readonly number[], label: string): Difference {
  if (a.length < 2 || b.length < 2) return { value: null, ciLow: null, ciHigh: null };

  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const rng = createRng(seedOf(label));
  const resampledMean = (values: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(rng() * values.length)];
    return sum / values.length;
  };
  const estimates = new Float64Array(CI_RESAMPLES);
  for (let r = 0; r < CI_RESAMPLES; r++) estimates[r] = resampledMean(a) - resampledMean(b);
  estimates.sort();

  const at = (q: number) => {
    const position = (estimates.length - 1) * q;
    const lower = Math.floor(position);
    const upper = Math.min(lower + 1, estimates.length - 1);
    return estimates[lower] + (estimates[upper] - estimates[lower]) * (position - lower);
  };
  return { value: mean(a) - mean(b), ciLow: at(0.025), ciHigh: at(0.975) };
}

export function summarizeInductiveBias(params: InductiveBiasParams, experiments: readonly SummaryExperiment[]): InductiveBiasSummary {
  const cells: InductiveBiasCell[] = [];
  const accuracies = new Map<string, number[]>();
  for (const dataset of INDUCTIVE_BIAS_DATASETS) {
    const experiment = experimentByKey(experiments, dataset);
    for (const architecture of ['cnn', 'fc'] as const) {
      const model = experiment.models.find((candidate) => (candidate.spec.architecture.conv.length > 0) === (architecture === 'cnn'));
      if (!model) throw new RangeError(`Experiment ${experiment.experimentId} has no ${architecture} model.`);
      const values = finishedAccuracies(model);
      accuracies.set(`${dataset}|${architecture}`, values);
      cells.push({
        dataset,
        architecture,
        experimentId: experiment.experimentId,
        modelId: model.id,
        parameterCount: model.parameterCount,
        accuracy: estimate(values, 'mean', `inductive|${dataset}|${architecture}|accuracy`),
        meanLoss: estimate(finishedLosses(model), 'mean', `inductive|${dataset}|${architecture}|loss`),
      });
    }
  }

  const get = (key: string) => accuracies.get(key) ?? [];
  const cnnAdvantageOriginal = differenceOfMeans(get('mnist|cnn'), get('mnist|fc'), 'inductive|advantage|mnist');
  const cnnAdvantagePermuted = differenceOfMeans(get('mnist-permuted|cnn'), get('mnist-permuted|fc'), 'inductive|advantage|permuted');
  const fcChange = differenceOfMeans(get('mnist-permuted|fc'), get('mnist|fc'), 'inductive|fc-change');

  const cnnBeatsFcOnOriginal = cnnAdvantageOriginal.ciLow === null ? null : cnnAdvantageOriginal.ciLow > 0;
  const advantageDisappearsOnPermuted = cnnAdvantagePermuted.ciLow === null ? null : cnnAdvantagePermuted.ciLow <= 0;
  const fcUnaffected = fcChange.ciLow === null || fcChange.ciHigh === null ? null : fcChange.ciLow <= 0 && fcChange.ciHigh >= 0;

  const cellText = cells
    .map((cell) => `${cell.architecture.toUpperCase()} on ${cell.dataset} ${percent(cell.accuracy.value)} [${percent(cell.accuracy.ciLow)}, ${percent(cell.accuracy.ciHigh)}]`)
    .join('; ');
  const verdicts = [
    cnnBeatsFcOnOriginal ? 'the CNN beats the FC model on original pixels' : 'the CNN does not beat the FC model on original pixels within the CIs',
    advantageDisappearsOnPermuted ? 'its advantage disappears on permuted pixels' : 'its advantage remains on permuted pixels',
    fcUnaffected ? 'the FC model is unaffected within the CIs' : 'the FC model changes beyond the CIs',
  ];
  return {
    kind: 'inductive_bias',
    cells,
    cnnAdvantageOriginal,
    cnnAdvantagePermuted,
    fcChange,
    cnnBeatsFcOnOriginal,
    advantageDisappearsOnPermuted,
    fcUnaffected,
    finding: `Mean test accuracy with 95% CIs: ${cellText}. So ${verdicts.join(', ')}.`,
  };
}

export function summarizeModelSearch(params: ModelSearchParams, experiments: readonly SummaryExperiment[]): ModelSearchSummary {
  const experiment = experimentByKey(experiments, 'reference');
  const models = experiment.models.map((model) => {
    const losses: (number | null)[] = Array.from({ length: params.maxInstances }, () => null);
    for (const instance of model.instances) {
      if (instance.index < params.maxInstances && instance.status === 'finished') losses[instance.index] = instance.testLoss;
    }
    return { id: model.id, losses };
  });
  const labels = new Map(experiment.models.map((model) => [model.id, model.label]));

  const runs: Array<{ statistic: Statistic; rule: ThresholdRule }> = params.statistics.map((statistic) => ({
    statistic,
    rule: { kind: 'quantile', q: params.quantile },
  }));
  if (params.racing) runs.push({ statistic: params.racing.statistic, rule: { kind: 'racing', confidence: params.racing.confidence } });

  const replays = runs.map(({ statistic, rule }) => {
    const result = replaySelection({ models, statistic, rule, warmupSteps: params.warmupSteps, maxInstances: params.maxInstances });
    return {
      ...result,
      selectedLabel: result.selectedModelId === null ? null : (labels.get(result.selectedModelId) ?? null),
      rankFraction: result.rank === null ? null : result.rank / models.length,
    };
  });

  const lines = replays.map(
    (replay) =>
      `${STATISTIC_DISPLAY_NAMES[replay.statistic]}${replay.rule.kind === 'racing' ? ' with racing' : ''}: rank ${replay.rank ?? 'undefined'} of ${models.length}, ` +
      `${replay.trainings} trainings, ${replay.savingFactor.toFixed(1)}x fewer`,
  );
  return {
    kind: 'model_search',
    referenceExperimentId: experiment.experimentId,
    modelCount: models.length,
    maxInstances: params.maxInstances,
    warmupSteps: params.warmupSteps,
    exhaustiveTrainings: models.length * params.maxInstances,
    replays,
    finding:
      `Replayed over the ${models.length * params.maxInstances} stored trainings of the exhaustive reference: ${lines.join('; ')}. ` +
      'Ranks count among all models under the same statistic over n_max instances.',
  };
}
