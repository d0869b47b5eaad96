/** GraphQL documents and types of the per-sample instability page. */

export const INSTABILITY_QUERY = `query Instability($id: ID!, $orderBy: SampleInstabilityOrder!, $compare: ID) {
  model(id: $id) {
    id label
    experiment { id name dataset { id name task inputShape summary } models(first: 100) { edges { node { id label } } } }
    top: sampleInstability(first: 20, orderBy: $orderBy, compareModelId: $compare) {
      totalCount
      edges { node { sampleIndex meanLoss lossStd disagreement averagedLoss averagedCorrect instanceCount compared { meanLoss lossStd disagreement averagedCorrect } } }
    }
    all: sampleInstability(first: 1000, orderBy: SAMPLE_INDEX_ASC) { edges { node { sampleIndex meanLoss lossStd } } }
  }
}`;

export const SAMPLE_QUERY = `query Sample($id: ID!, $index: Int!) { dataset(id: $id) { samples(part: TEST, offset: $index, limit: 1) { items { index values target label } } } }`;

export type InstabilityNode = {
  sampleIndex: number;
  meanLoss: number;
  lossStd: number | null;
  disagreement: number;
  averagedLoss: number;
  averagedCorrect: boolean | null;
  instanceCount: number;
  compared: { meanLoss: number; lossStd: number | null; disagreement: number; averagedCorrect: boolean | null } | null;
};

export type InstabilityData = {
  model: {
    id: string;
    label: string;
    experiment: {
      id: string;
      name: string;
      dataset: { id: string; name: string; task: string; inputShape: number[]; summary: { notes: { featureNames?: string[] } } | null };
      models: { edges: { node: { id: string; label: string } }[] };
    };
    top: { totalCount: number; edges: { node: InstabilityNode }[] };
    all: { edges: { node: { sampleIndex: number; meanLoss: number; lossStd: number | null } }[] };
  } | null;
};
