/** GraphQL documents and result types of the templates pages. */

export type EstimateData = { value: number | null; ciLow: number | null; ciHigh: number | null; count: number };
export type DifferenceData = { value: number | null; ciLow: number | null; ciHigh: number | null };

export type TemplateData = { kind: string; title: string; description: string; defaultParams: Record<string, unknown> };

export type TemplateRunRow = {
  id: string;
  template: string;
  title: string;
  name: string;
  status: string;
  fraction: number;
  createdAt: string;
  finishedAt: string | null;
};

export type TemplatesPageData = {
  study: { id: string; name: string; role: string; templateRuns: { totalCount: number; edges: { node: TemplateRunRow }[] } } | null;
  templates: TemplateData[];
};

export const TEMPLATES_PAGE_QUERY = `
  query TemplatesPage($id: ID!) {
    study(id: $id) {
      id name role
      templateRuns(first: 100) { totalCount edges { node { id template title name status fraction createdAt finishedAt } } }
    }
    templates { kind title description defaultParams }
  }
`;

export const START_TEMPLATE_MUTATION = `
  mutation StartTemplate($studyId: ID!, $template: TemplateKind!, $params: JSON) {
    startTemplate(studyId: $studyId, template: $template, params: $params) { id }
  }
`;

export const CANCEL_TEMPLATE_RUN_MUTATION = `
  mutation CancelTemplateRun($id: ID!) { cancelTemplateRun(id: $id) { id } }
`;

export type SampleSizeSummaryData = {
  __typename: 'SampleSizeSummary';
  finding: string;
  statistic: string;
  tolerance: number;
  plateauSize: number | null;
  improvesWithSize: boolean | null;
  points: { size: number; experimentId: string; robustness: EstimateData; meanLoss: EstimateData }[];
};

export type RandomnessSourcesSummaryData = {
  __typename: 'RandomnessSourcesSummary';
  finding: string;
  interactionVariance: number | null;
  dominantSource: string | null;
  sources: { source: string; experimentId: string; variance: number | null; share: number | null; std: EstimateData; meanLoss: EstimateData }[];
};

export type InitializersSummaryData = {
  __typename: 'InitializersSummary';
  finding: string;
  statistic: string;
  experimentId: string;
  best: string | null;
  rows: { initializer: string; modelId: string; rank: number; robustness: EstimateData; meanLoss: EstimateData }[];
};

export type InductiveBiasSummaryData = {
  __typename: 'InductiveBiasSummary';
  finding: string;
  cnnBeatsFcOnOriginal: boolean | null;
  advantageDisappearsOnPermuted: boolean | null;
  fcUnaffected: boolean | null;
  cells: { dataset: string; architecture: string; experimentId: string; modelId: string; parameterCount: number; accuracy: EstimateData; meanLoss: EstimateData }[];
  cnnAdvantageOriginal: DifferenceData;
  cnnAdvantagePermuted: DifferenceData;
  fcChange: DifferenceData;
};

export type SelectionReplayData = {
  statistic: string;
  rule: string;
  ruleParameter: number;
  selectedModelId: string | null;
  selectedLabel: string | null;
  selectedValue: number | null;
  rank: number | null;
  rankFraction: number | null;
  trainings: number;
  savingFactor: number;
  survivorsPerStep: number[];
};

export type ModelSearchSummaryData = {
  __typename: 'ModelSearchSummary';
  finding: string;
  referenceExperimentId: string;
  modelCount: number;
  maxInstances: number;
  warmupSteps: number;
  exhaustiveTrainings: number;
  replays: SelectionReplayData[];
};

export type SummaryData =
  | SampleSizeSummaryData
  | RandomnessSourcesSummaryData
  | InitializersSummaryData
  | InductiveBiasSummaryData
  | ModelSearchSummaryData;

export type RunExperimentData = {
  key: string;
  experiment: {
    id: string;
    name: string;
    status: string;
    progress: { fraction: number; plannedInstances: number; finishedInstances: number; divergedInstances: number; failedInstances: number };
  };
};

export type TemplateRunData = {
  templateRun: {
    id: string;
    template: string;
    title: string;
    name: string;
    status: string;
    fraction: number;
    params: Record<string, unknown>;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
    createdBy: { name: string } | null;
    study: { id: string; name: string; role: string };
    experiments: RunExperimentData[];
    summary: SummaryData | null;
  } | null;
};

const ESTIMATE = 'value ciLow ciHigh count';
const DIFFERENCE = 'value ciLow ciHigh';

export const TEMPLATE_RUN_QUERY = `
  query TemplateRunPage($id: ID!) {
    templateRun(id: $id) {
      id template title name status fraction params error createdAt finishedAt
      createdBy { name }
      study { id name role }
      experiments {
        key
        experiment { id name status progress { fraction plannedInstances finishedInstances divergedInstances failedInstances } }
      }
      summary {
        __typename
        ... on SampleSizeSummary {
          finding statistic tolerance plateauSize improvesWithSize
          points { size experimentId robustness { ${ESTIMATE} } meanLoss { ${ESTIMATE} } }
        }
        ... on RandomnessSourcesSummary {
          finding interactionVariance dominantSource
          sources { source experimentId variance share std { ${ESTIMATE} } meanLoss { ${ESTIMATE} } }
        }
        ... on InitializersSummary {
          finding statistic experimentId best
          rows { initializer modelId rank robustness { ${ESTIMATE} } meanLoss { ${ESTIMATE} } }
        }
        ... on InductiveBiasSummary {
          finding cnnBeatsFcOnOriginal advantageDisappearsOnPermuted fcUnaffected
          cells { dataset architecture experimentId modelId parameterCount accuracy { ${ESTIMATE} } meanLoss { ${ESTIMATE} } }
          cnnAdvantageOriginal { ${DIFFERENCE} } cnnAdvantagePermuted { ${DIFFERENCE} } fcChange { ${DIFFERENCE} }
        }
        ... on ModelSearchSummary {
          finding referenceExperimentId modelCount maxInstances warmupSteps exhaustiveTrainings
          replays { statistic rule ruleParameter selectedModelId selectedLabel selectedValue rank rankFraction trainings savingFactor survivorsPerStep }
        }
      }
    }
  }
`;
