/** The single query behind the experiment page and the types of its result. */
import type { DatasetBaseline } from '../datasets/baselines.ts';

export const PROGRESS_FIELDS = /* GraphQL */ `
  fragment ProgressFields on ExperimentProgress {
    experimentId
    status
    currentStep
    activeModels
    finishedInstances
    divergedInstances
    failedInstances
    runningInstances
    queuedInstances
    plannedInstances
    fraction
  }
`;

/** Models per page of the models table. */
export const MODEL_PAGE_SIZE = 100;

const EXPERIMENT_MODEL_FIELDS = /* GraphQL */ `
  fragment ExperimentModelFields on Model {
    id
    label
    parameterCount
    status
    eliminatedAtStep
    instanceCount
    testLosses
    tableValue: robustness(statistic: $statistic) { statistic value count ciLow ciHigh undefinedReason }
    selectionValue: robustness { statistic value count ciLow ciHigh undefinedReason }
    stepValues { step value eliminated }
  }
`;

/**
 * Everything the page shows but the loss curves, in one request: header,
 * progress, one page of models ranked by the table's statistic, and the
 * steps. Each model brings only its own step values and the two robustness
 * values on display: the table's statistic and the experiment's. All eight
 * values and every step value of a 2,000-model experiment cost several
 * hundred milliseconds of server CPU per request. A null `$statistic` means
 * the experiment's statistic. The curves of the one model on display
 * come from CURVES_QUERY.
 */
export const EXPERIMENT_QUERY = /* GraphQL */ `
  query ExperimentPage($id: ID!, $statistic: Statistic, $after: String) {
    experiment(id: $id) {
      id
      name
      status
      statistic
      warmupSteps
      maxInstances
      currentStep
      trainingsSpent
      exhaustiveTrainings
      savingFactor
      modelCount
      error
      createdAt
      startedAt
      finishedAt
      durationMs
      config
      study { id name role }
      dataset { key name version task baselines { name metric value unit } }
      progress { ...ProgressFields }
      selectedModel { ...ExperimentModelFields }
      models(statistic: $statistic, first: ${MODEL_PAGE_SIZE}, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { ...ExperimentModelFields } }
      }
      steps {
        step
        threshold
        eliminatedCount
        survivorCount
      }
    }
  }
  ${PROGRESS_FIELDS}
  ${EXPERIMENT_MODEL_FIELDS}
`;

/** Loss curves of one model's instances, for the loss curves chart. */
export const CURVES_QUERY = /* GraphQL */ `
  query ModelCurves($id: ID!) {
    model(id: $id) {
      id
      label
      instances(first: 200) {
        edges { node { id instanceIndex status trainLoss valLoss testLoss } }
      }
    }
  }
`;

export type Progress = {
  experimentId: string;
  status: string;
  currentStep: number;
  activeModels: number;
  finishedInstances: number;
  divergedInstances: number;
  failedInstances: number;
  runningInstances: number;
  queuedInstances: number;
  plannedInstances: number;
  fraction: number;
};

export type RobustnessValue = {
  statistic: string;
  value: number | null;
  count: number;
  ciLow: number | null;
  ciHigh: number | null;
  undefinedReason: string | null;
};

export type InstanceCurve = {
  id: string;
  instanceIndex: number;
  status: string;
  trainLoss: (number | null)[];
  valLoss: (number | null)[];
  testLoss: number | null;
};

export type ModelData = {
  id: string;
  label: string;
  parameterCount: number;
  status: string;
  eliminatedAtStep: number | null;
  instanceCount: number;
  testLosses: number[];
  robustnessValues: RobustnessValue[];
};

/** A model as EXPERIMENT_QUERY returns it. */
export type ModelNode = Omit<ModelData, 'robustnessValues'> & {
  tableValue: RobustnessValue;
  selectionValue: RobustnessValue;
  stepValues: { step: number; value: number | null; eliminated: boolean }[];
};

/** Result of CURVES_QUERY. */
export type ModelCurves = {
  id: string;
  label: string;
  instances: { edges: { node: InstanceCurve }[] };
};

export type StepData = {
  step: number;
  threshold: number | null;
  eliminatedCount: number;
  survivorCount: number;
  models: { model: { id: string }; value: number | null; eliminated: boolean }[];
};

/** Result of EXPERIMENT_QUERY. */
export type ExperimentResult = Omit<ExperimentData, 'models' | 'steps' | 'selectedModel' | 'tableStatistic'> & {
  selectedModel: ModelNode | null;
  models: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: ModelNode }[] };
  steps: Omit<StepData, 'models'>[];
};

/** The experiment page's data, with the values of the models on the page gathered per model and per step. */
export type ExperimentData = {
  id: string;
  name: string;
  status: string;
  statistic: string;
  warmupSteps: number;
  maxInstances: number;
  currentStep: number;
  trainingsSpent: number;
  exhaustiveTrainings: number;
  savingFactor: number | null;
  modelCount: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  config: {
    trainSize?: number;
    selection?: { rule?: { kind: string; q?: number; n?: number } };
    space?: {
      losses?: { kind: string; delta?: number }[];
      earlyStopping?: { patience: number; minDelta: number; restoreBestWeights: boolean };
      sampling?: { kind: string; count?: number; seed?: number };
    };
  };
  study: { id: string; name: string; role: string };
  dataset: { key: string; name: string; version: number; task: string; baselines: DatasetBaseline[] };
  progress: Progress;
  /** The selected model, also when it is not on the page. */
  selectedModel: ModelData | null;
  models: { totalCount: number; hasNextPage: boolean; endCursor: string | null; nodes: ModelData[] };
  steps: StepData[];
  /** Statistic the models on the page are ranked by; null when the page is empty. */
  tableStatistic: string | null;
};

function toModelData({ tableValue, selectionValue, stepValues: _, ...model }: ModelNode): ModelData {
  const robustnessValues = tableValue.statistic === selectionValue.statistic ? [tableValue] : [tableValue, selectionValue];
  return { ...model, robustnessValues };
}

/**
 * Converts the query result into the page's data: each model's robustness
 * values as a list, and each step with the values of the models on the page
 * and of the selected model.
 */
export function toExperimentData(result: ExperimentResult): ExperimentData {
  const nodes = result.models.edges.map(({ node }) => node);
  const valuesByStep = new Map<number, StepData['models']>(result.steps.map((step) => [step.step, []]));
  const selected = result.selectedModel;
  const withPath = selected && !nodes.some((node) => node.id === selected.id) ? [...nodes, selected] : nodes;
  for (const node of withPath) {
    for (const { step, value, eliminated } of node.stepValues) valuesByStep.get(step)?.push({ model: { id: node.id }, value, eliminated });
  }

  return {
    ...result,
    selectedModel: result.selectedModel ? toModelData(result.selectedModel) : null,
    models: { totalCount: result.models.totalCount, ...result.models.pageInfo, nodes: nodes.map(toModelData) },
    steps: result.steps.map((step) => ({ ...step, models: valuesByStep.get(step.step) ?? [] })),
    tableStatistic: nodes[0]?.tableValue.statistic ?? null,
  };
}

/** Returns a model's robustness value under one statistic. */
export function valueOf(model: ModelData, statistic: string): RobustnessValue | undefined {
  return model.robustnessValues.find((entry) => entry.statistic === statistic);
}

/** Sorts models by robustness value under `statistic`, lowest first, undefined values last. */
export function sortModels(models: ModelData[], statistic: string): ModelData[] {
  const key = (model: ModelData) => valueOf(model, statistic)?.value ?? Number.POSITIVE_INFINITY;
  return [...models].sort((a, b) => key(a) - key(b) || a.label.localeCompare(b.label));
}

/** Returns whether the experiment is queued or running, so that it can still change. */
export function isLive(status: string): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}
