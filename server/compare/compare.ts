/**
 * Data behind the comparison of experiments and models: the instance test
 * losses of each experiment, the model that represents it, and the pairwise
 * comparison of two models' losses.
 */
import type { Experiment, Model } from '../../generated/prisma/client.ts';
import { boxSummary, compareLosses, type BoxSummary, type LossComparison } from '../../lib/compare.ts';
import type { ExperimentConfig, Statistic } from '../../lib/config.ts';
import type { DbOrTx } from '../db.ts';
import { loadFinishedTestLosses } from '../data/experiments.ts';
import { bootstrapSeed, computeValue } from '../experiments/robustness.ts';

/** Most experiments or models one comparison accepts. */
export const MAX_COMPARED = 12;

/** One experiment of a comparison. */
export interface ExperimentComparisonEntry {
  experiment: Experiment;
  statistic: Statistic;
  /** Id of the model that represents the experiment, or null when none is selected and no model has a defined robustness value. */
  modelId: string | null;
  /** Finished test losses of every instance of every model, ascending. */
  instanceLosses: number[];
  instanceLossSummary: BoxSummary | null;
}

/**
 * Loads the instance test losses of each experiment and picks the model that
 * represents it. That is the selected model, or before selection ends the
 * model not eliminated with the lowest robustness value under `statistic`.
 * When every model was eliminated, all models are candidates. A null
 * `statistic` means each experiment's own selection statistic.
 */
export async function compareExperiments({
  db,
  experiments,
  statistic,
}: {
  db: DbOrTx;
  experiments: readonly Experiment[];
  statistic: Statistic | null;
}): Promise<ExperimentComparisonEntry[]> {
  const experimentIds = experiments.map((experiment) => experiment.id);
  const [lossesByExperiment, models] = await Promise.all([
    loadFinishedTestLosses({ db, experimentIds }),
    db.model.findMany({ where: { experimentId: { in: experimentIds } }, select: { id: true, experimentId: true, status: true } }),
  ]);

  return experiments.map((experiment) => {
    const used = statistic ?? (experiment.config as unknown as ExperimentConfig).selection.statistic;
    const lossesByModel = lossesByExperiment.get(experiment.id) ?? new Map<string, number[]>();
    const instanceLosses = [...lossesByModel.values()].flat().sort((a, b) => a - b);
    const candidates = models.filter((model) => model.experimentId === experiment.id);
    return {
      experiment,
      statistic: used,
      modelId: experiment.selectedModelId ?? bestModelId(candidates, lossesByModel, used),
      instanceLosses,
      instanceLossSummary: boxSummary(instanceLosses),
    };
  });
}

function bestModelId(
  models: { id: string; status: string }[],
  lossesByModel: Map<string, number[]>,
  statistic: Statistic,
): string | null {
  const remaining = models.filter((model) => model.status !== 'eliminated');
  const pool = remaining.length > 0 ? remaining : models;

  let best: { id: string; value: number } | null = null;
  for (const model of pool) {
    const value = computeValue(lossesByModel.get(model.id) ?? [], statistic);
    if (value === null) continue;
    if (best === null || value < best.value || (value === best.value && model.id < best.id)) best = { id: model.id, value };
  }
  return best?.id ?? null;
}

/** Pairwise comparison of two models as the API returns it. */
export interface ModelPairComparison extends LossComparison {
  a: Model;
  b: Model;
  confidence: number;
  undefinedReason: string | null;
}

/**
 * Compares the finished instance test losses of models a and b. The
 * bootstrap runs on the pair in id order with a seed derived from both ids,
 * so (a, b) and (b, a) get complementary results: p and 1 - p, with the CI
 * mirrored.
 */
export function compareModelPair(input: {
  a: Model;
  b: Model;
  lossesA: readonly number[];
  lossesB: readonly number[];
  confidence: number;
}): ModelPairComparison {
  const { a, b, lossesA, lossesB, confidence } = input;
  const swapped = b.id < a.id;
  const [firstId, secondId] = swapped ? [b.id, a.id] : [a.id, b.id];
  const seed = bootstrapSeed(`${firstId}|${secondId}`);
  const result = swapped ? mirror(compareLosses(lossesB, lossesA, { seed, confidence })) : compareLosses(lossesA, lossesB, { seed, confidence });
  return { ...result, a, b, confidence, undefinedReason: undefinedReason(result) };
}

function mirror(result: LossComparison): LossComparison {
  return {
    probability: result.probability === null ? null : 1 - result.probability,
    ciLow: result.ciHigh === null ? null : 1 - result.ciHigh,
    ciHigh: result.ciLow === null ? null : 1 - result.ciLow,
    countA: result.countB,
    countB: result.countA,
  };
}

function undefinedReason(result: LossComparison): string | null {
  if (result.countA === 0 || result.countB === 0) return 'a model has no finished instance';
  if (result.ciLow === null) return 'the CI needs at least 2 finished instances of each model';
  return null;
}
