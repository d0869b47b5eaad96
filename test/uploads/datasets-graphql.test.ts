import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EncodedDataset } from '../../server/uploads/encoded.ts';
import { storeDataset } from '../../server/uploads/store.ts';
import { addExperiment } from '../graphql/fixtures.ts';
import { addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';

let harness: Harness;
let study: StudyFixture;
let datasetId: string;

/** Three test samples of two features, two classes. */
function tinyDataset(): EncodedDataset {
  return {
    task: 'classification',
    inputShape: [2],
    classes: 2,
    trainX: Float32Array.from([0, 1, 1, 0, 2, 2, 3, 1]),
    trainY: Float32Array.from([0, 1, 0, 1]),
    testX: Float32Array.from([10, 11, 12, 13, 14, 15]),
    testY: Float32Array.from([1, 0, 1]),
    notes: { format: 'csv', featureNames: ['a', 'b'], classNames: ['no', 'yes'] },
  };
}

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'datasets');
  datasetId = (await storeDataset({ db: harness.db, studyId: study.studyId, userId: study.owner.id, name: 'tiny', dataset: tinyDataset() })).id;
});

afterAll(async () => {
  await harness?.close();
});

const DATASET_QUERY = `query ($id: ID!, $offset: Int, $limit: Int) {
  dataset(id: $id) {
    name task inputShape classNames studyId
    summary
    samples(part: TEST, offset: $offset, limit: $limit) { offset totalCount items { index values target label } }
    experiments { totalCount edges { node { id name } } }
  }
}`;

describe('dataset queries', () => {
  test('dataset page fields and sample search by index', async () => {
    const result = await post(harness, DATASET_QUERY, { id: datasetId, offset: 1, limit: 5 }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    const dataset = result.data!.dataset;
    expect(dataset.name).toBe('tiny');
    expect(dataset.studyId).toBe(study.studyId);
    expect(dataset.classNames).toEqual(['no', 'yes']);
    expect(dataset.summary.classBalance).toEqual([
      { className: 'no', train: 2, test: 1 },
      { className: 'yes', train: 2, test: 2 },
    ]);
    expect(dataset.samples.totalCount).toBe(3);
    expect(dataset.samples.items).toEqual([
      { index: 1, values: [12, 13], target: 0, label: 'no' },
      { index: 2, values: [14, 15], target: 1, label: 'yes' },
    ]);
  });

  test('non-member sees no uploaded dataset', async () => {
    const result = await post(harness, DATASET_QUERY, { id: datasetId }, { token: study.outsider.token });
    expect(result.data?.dataset ?? null).toBeNull();
    expect(result.errors?.map((error) => error.extensions.code)).toEqual(['NOT_FOUND']);
    expect(result.errors?.[0].message).toBe(`Dataset ${datasetId} not found.`);
    const list = await post(harness, '{ datasets(first: 1000) { edges { node { id } } } }', {}, { token: study.outsider.token });
    expect(list.data!.datasets.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(datasetId);
  });

  test('sample index out of range is rejected', async () => {
    const result = await post(harness, DATASET_QUERY, { id: datasetId, offset: 3 }, { token: study.owner.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('Invalid offset 3: expected a sample index from 0 to 2');
  });

  test('study lists its datasets', async () => {
    const result = await post(harness, 'query ($id: ID!) { study(id: $id) { datasets { totalCount edges { node { id name } } } } }', { id: study.studyId }, { token: study.viewer.token });
    expect(result.data!.study.datasets.totalCount).toBe(1);
    expect(result.data!.study.datasets.edges).toEqual([{ node: { id: datasetId, name: 'tiny' } }]);
  });
});

describe('per-sample instability', () => {
  test('spread, disagreement and averaged prediction per sample, with comparison', async () => {
    const { experiment, modelIds } = await addExperiment(harness.db, {
      studyId: study.studyId,
      datasetId,
      models: [
        {
          label: 'unstable',
          finished: [0.5, 0.7],
          predictions: [
            { predictedClass: [1, 0, 1], trueClassProb: [0.9, 0.8, 0.2], loss: [0.1, 0.2, 1.6] },
            { predictedClass: [1, 1, 0], trueClassProb: [0.7, 0.4, 0.6], loss: [0.3, 0.9, 0.5] },
          ],
        },
        {
          label: 'stable',
          finished: [0.3, 0.3],
          predictions: [
            { predictedClass: [1, 0, 1], trueClassProb: [0.9, 0.9, 0.9], loss: [0.1, 0.1, 0.1] },
            { predictedClass: [1, 0, 1], trueClassProb: [0.9, 0.9, 0.9], loss: [0.1, 0.1, 0.1] },
          ],
        },
      ],
    });
    const query = `query ($id: ID!, $other: ID) { model(id: $id) { sampleInstability(first: 2, orderBy: LOSS_STD_DESC, compareModelId: $other) {
      totalCount edges { node { sampleIndex meanLoss lossStd disagreement averagedLoss averagedCorrect instanceCount compared { sampleIndex lossStd } } } } } }`;
    const result = await post(harness, query, { id: modelIds[0], other: modelIds[1] }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    const page = result.data!.model.sampleInstability;
    expect(page.totalCount).toBe(3);
    const [first, second] = page.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
    expect(first.sampleIndex).toBe(2);
    expect(first.lossStd).toBeCloseTo(Math.sqrt(((1.6 - 1.05) ** 2 + (0.5 - 1.05) ** 2) / 1), 5);
    expect(first.disagreement).toBe(0.5);
    expect(first.averagedLoss).toBeCloseTo(-Math.log(0.4), 5);
    expect(first.averagedCorrect).toBe(false);
    expect(first.compared).toEqual({ sampleIndex: 2, lossStd: 0 });
    expect(second.sampleIndex).toBe(1);
    expect(second.averagedCorrect).toBe(true);
    expect(experiment.datasetId).toBe(datasetId);
  });
});
