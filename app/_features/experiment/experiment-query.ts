/** The single query behind the experiment page and the types of its result. */

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

/**
 * Everything the page shows but the loss curves, in one request: header,
 * progress, models with all eight robustness values and test losses, and the
 * steps. The curves of the one model on display come from CURVES_QUERY, so
 * that an experiment with thousands of models does not send every epoch of
 * every instance.
 */
export const EXPERIMENT_QUERY = /* GraphQL */ `
  query ExperimentPage($id: ID!) {
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
      dataset { key name version task }
      progress { ...ProgressFields }
      selectedModel { id }
      models(first: 500) {
        totalCount
        edges {
          node {
            id
            label
            parameterCount
            status
            eliminatedAtStep
            instanceCount
            testLosses
            robustnessValues { statistic value count ciLow ciHigh undefinedReason }
          }
        }
      }
      steps {
        step
        threshold
        eliminatedCount
        survivorCount
        models { model { id } value eliminated }
      }
    }
  }
  ${PROGRESS_FIELDS}
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
  config: { trainSize?: number; selection?: { rule?: { kind: string; q?: number; n?: number } } };
  study: { id: string; name: string; role: string };
  dataset: { key: string; name: string; version: number; task: string };
  progress: Progress;
  selectedModel: { id: string } | null;
  models: { totalCount: number; edges: { node: ModelData }[] };
  steps: StepData[];
};

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
