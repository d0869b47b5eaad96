/** GraphQL documents and types of the dataset page. */
import type { DatasetBaseline } from './baselines.ts';
import type { DatasetSummaryData } from './summary-types.ts';

export const DATASET_QUERY = /* GraphQL */ `query Dataset($id: ID!, $part: DatasetPart!, $offset: Int!, $limit: Int!) {
  dataset(id: $id) {
    id key name description task inputShape classes trainCount testCount checksum studyId createdAt classNames summary
    baselines { name metric value unit }
    samples(part: $part, offset: $offset, limit: $limit) { offset totalCount items { index values target label } }
    experiments(first: 200) { totalCount edges { node { id name status createdAt } } }
  }
}`;

export type DatasetSampleData = { index: number; values: number[]; target: number; label: string | null };

export type DatasetData = {
  dataset: {
    id: string;
    key: string;
    name: string;
    description: string;
    task: string;
    inputShape: number[];
    classes: number;
    trainCount: number;
    testCount: number;
    checksum: string;
    studyId: string | null;
    createdAt: string;
    classNames: string[] | null;
    summary: DatasetSummaryData | null;
    baselines: DatasetBaseline[];
    samples: { offset: number; totalCount: number; items: DatasetSampleData[] };
    experiments: { totalCount: number; edges: { node: { id: string; name: string; status: string; createdAt: string } }[] };
  } | null;
};
