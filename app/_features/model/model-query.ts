/** The query behind the model page and the types of its result. */
import { NOTE_FIELDS, NOTE_PAGE_SIZE, type NotePage } from '../collaboration/notes-query.ts';
import type { DatasetBaseline } from '../datasets/baselines.ts';

/** Instances shown on the model page; the bench times the page at this size. */
export const MODEL_PAGE_INSTANCES = 100;

export const MODEL_QUERY = /* GraphQL */ `
  query ModelPage($id: ID!) {
    model(id: $id) {
      id
      label
      parameterCount
      status
      eliminatedAtStep
      instanceCount
      config
      tags
      experiment { id name statistic study { id name role } dataset { baselines { name metric value unit } } }
      robustnessValues { statistic value count ciLow ciHigh undefinedReason }
      comments(first: ${NOTE_PAGE_SIZE}) { totalCount edges { node { ...NoteFields } } }
      instances(first: ${MODEL_PAGE_INSTANCES}) {
        totalCount
        edges { node { id instanceIndex step status testLoss testAccuracy testMetrics { name value unit } stoppedEpoch durationMs seeds { init sample shuffle } } }
      }
    }
  }
  ${NOTE_FIELDS}
`;

export type ModelInstanceRow = {
  id: string;
  instanceIndex: number;
  step: number;
  status: string;
  testLoss: number | null;
  testAccuracy: number | null;
  testMetrics: { name: string; value: number | null; unit: string }[];
  stoppedEpoch: number | null;
  durationMs: number | null;
  seeds: { init: number; sample: number; shuffle: number };
};

export type ModelPageData = {
  model: {
    id: string;
    label: string;
    parameterCount: number;
    status: string;
    eliminatedAtStep: number | null;
    instanceCount: number;
    config: unknown;
    tags: string[];
    experiment: {
      id: string;
      name: string;
      statistic: string;
      study: { id: string; name: string; role: string };
      dataset: { baselines: DatasetBaseline[] };
    };
    robustnessValues: { statistic: string; value: number | null; count: number; ciLow: number | null; ciHigh: number | null; undefinedReason: string | null }[];
    comments: NotePage;
    instances: { totalCount: number; edges: { node: ModelInstanceRow }[] };
  } | null;
};
