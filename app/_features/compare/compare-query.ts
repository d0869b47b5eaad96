/** Queries of the comparison page and the shapes the page works with. */

export const COMPARE_EXPERIMENTS_QUERY = /* GraphQL */ `
  query CompareExperiments($ids: [ID!]!, $statistic: Statistic) {
    compareExperiments(ids: $ids, statistic: $statistic) {
      experiment { id name status trainingsSpent exhaustiveTrainings savingFactor modelCount study { id name } }
      statistic
      model { id label status }
      robustness { statistic value count ciLow ciHigh undefinedReason }
      instanceLosses
      instanceLossSummary { count min q1 median q3 max mean whiskerLow whiskerHigh outliers }
      loss
      comparabilityWarning
    }
  }
`;

export const COMPARE_MODELS_QUERY = /* GraphQL */ `
  query CompareModels($ids: [ID!]!, $statistic: Statistic) {
    compareModels(ids: $ids, statistic: $statistic) {
      model { id label status experiment { id name status trainingsSpent exhaustiveTrainings savingFactor modelCount study { id name } } }
      statistic
      robustness { statistic value count ciLow ciHigh undefinedReason }
      instanceLosses
      instanceLossSummary { count min q1 median q3 max mean whiskerLow whiskerHigh outliers }
      loss
      comparabilityWarning
    }
  }
`;

export const COMPARE_PAIR_QUERY = /* GraphQL */ `
  query CompareModelPair($a: ID!, $b: ID!) {
    compareModelPair(a: $a, b: $b) {
      probabilityALower
      ciLow
      ciHigh
      confidence
      countA
      countB
      undefinedReason
      comparabilityWarning
    }
  }
`;

/** Experiments of the study, offered for adding to the comparison. */
export const STUDY_EXPERIMENTS_QUERY = /* GraphQL */ `
  query CompareStudyExperiments($id: ID!) {
    study(id: $id) {
      id
      name
      experiments(first: 100) { edges { node { id name status } } }
    }
  }
`;

export type StudyExperimentOption = { id: string; name: string; status: string };

export type StudyExperimentsResult = {
  study: { id: string; name: string; experiments: { edges: { node: StudyExperimentOption }[] } } | null;
};

export type LossSummary = {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  whiskerLow: number;
  whiskerHigh: number;
  outliers: number[];
};

export type Robustness = {
  statistic: string;
  value: number | null;
  count: number;
  ciLow: number | null;
  ciHigh: number | null;
  undefinedReason: string | null;
};

export type ExperimentSummary = {
  id: string;
  name: string;
  status: string;
  trainingsSpent: number;
  exhaustiveTrainings: number;
  savingFactor: number | null;
  modelCount: number;
  study: { id: string; name: string };
};

type ModelSummary = { id: string; label: string; status: string };

export type ExperimentComparisonResult = {
  experiment: ExperimentSummary;
  statistic: string;
  model: ModelSummary | null;
  robustness: Robustness | null;
  instanceLosses: number[];
  instanceLossSummary: LossSummary | null;
  loss: string;
  comparabilityWarning: string | null;
};

export type ModelComparisonResult = {
  model: ModelSummary & { experiment: ExperimentSummary };
  statistic: string;
  robustness: Robustness;
  instanceLosses: number[];
  instanceLossSummary: LossSummary | null;
  loss: string;
  comparabilityWarning: string | null;
};

export type PairResult = {
  probabilityALower: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  confidence: number;
  countA: number;
  countB: number;
  undefinedReason: string | null;
  comparabilityWarning: string | null;
};

/** One column of the comparison, whichever the mode: an experiment or a model. */
export type CompareEntry = {
  /** Id of the compared experiment or model. */
  id: string;
  /** Column name in the chart and the table. */
  name: string;
  /** Second line of the name: the representative model, or the model's experiment. */
  detail: string;
  experiment: ExperimentSummary;
  /** The model that the pairwise comparison uses for this column, or null when the experiment has none yet. */
  model: ModelSummary | null;
  statistic: string;
  robustness: Robustness | null;
  losses: number[];
  summary: LossSummary | null;
  /** Training loss of the column's models, such as `mse`. */
  loss: string;
};

/** Returns the server's warning that the columns' test losses are not comparable, or null. */
export function comparabilityWarningOf(
  data: { compareExperiments?: ExperimentComparisonResult[]; compareModels?: ModelComparisonResult[] } | null,
): string | null {
  return (data?.compareExperiments ?? data?.compareModels)?.[0]?.comparabilityWarning ?? null;
}

/** Converts either query result to the columns of the page. */
export function toEntries(
  data: { compareExperiments?: ExperimentComparisonResult[]; compareModels?: ModelComparisonResult[] } | null,
): CompareEntry[] {
  if (data?.compareExperiments) {
    return data.compareExperiments.map((entry) => ({
      id: entry.experiment.id,
      name: entry.experiment.name,
      detail: entry.model ? entry.model.label : 'no model with a defined value yet',
      experiment: entry.experiment,
      model: entry.model,
      statistic: entry.statistic,
      robustness: entry.robustness,
      losses: entry.instanceLosses,
      summary: entry.instanceLossSummary,
      loss: entry.loss,
    }));
  }
  return (data?.compareModels ?? []).map((entry) => ({
    id: entry.model.id,
    name: entry.model.label,
    detail: entry.model.experiment.name,
    experiment: entry.model.experiment,
    model: entry.model,
    statistic: entry.statistic,
    robustness: entry.robustness,
    losses: entry.instanceLosses,
    summary: entry.instanceLossSummary,
    loss: entry.loss,
  }));
}
