import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuiltinDatasets } from '../../server/datasets.ts';
import { storeDataset } from '../../server/uploads/store.ts';
import { loadDataset } from '../../worker/datasets/index.ts';
import { addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

let harness: Harness;
let study: StudyFixture;
let uploadedId: string;

const BASELINES_QUERY = `query ($id: ID!) { dataset(id: $id) { key version baselines { name metric value unit } } }`;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'baselines');
  await ensureBuiltinDatasets(harness.db);
  const uploaded = await storeDataset({
    db: harness.db,
    studyId: study.studyId,
    userId: study.owner.id,
    name: 'tiny regression',
    dataset: {
      task: 'regression',
      inputShape: [1],
      classes: 1,
      trainX: Float32Array.from([0, 1, 2]),
      trainY: Float32Array.from([0, 2, 4]),
      testX: Float32Array.from([3]),
      testY: Float32Array.from([6]),
      notes: { format: 'csv', featureNames: ['a'] },
    },
  });
  uploadedId = uploaded.id;
});

afterAll(async () => {
  await harness?.close();
});

async function idOf(key: string, version?: number): Promise<string> {
  const row = await harness.db.dataset.findFirstOrThrow({ where: { key, studyId: null, ...(version === undefined ? {} : { version }) } });
  return row.id;
}

describe('Dataset.baselines', () => {
  test('calorimeter energy lists sum of deposits', async () => {
    const built = await loadDataset('calorimeter-energy-a');

    const result = await post(harness, BASELINES_QUERY, { id: await idOf('calorimeter-energy-a') }, { token: study.viewer.token });

    expect(result.errors).toBeUndefined();
    expect(result.data!.dataset.baselines).toEqual([{ name: 'Sum of deposits', metric: 'RMSE(E)/E', value: built.baselines![0].metric.value, unit: '' }]);
  });

  test('calorimeter position lists both centres', async () => {
    const built = await loadDataset('calorimeter-position-a');

    const result = await post(harness, BASELINES_QUERY, { id: await idOf('calorimeter-position-a') }, { token: study.outsider.token });

    expect(result.errors).toBeUndefined();
    expect(result.data!.dataset.version).toBe(2);
    expect(result.data!.dataset.baselines).toEqual([
      { name: 'Energy-weighted centre (x)', metric: 'RMSE(x)', value: built.baselines![0].metric.value, unit: 'cm' },
      { name: 'Energy-weighted centre (y)', metric: 'RMSE(y)', value: built.baselines![1].metric.value, unit: 'cm' },
    ]);
  });

  test('mnist has no baselines', async () => {
    const result = await post(harness, BASELINES_QUERY, { id: await idOf('mnist') }, { token: study.viewer.token });

    expect(result.errors).toBeUndefined();
    expect(result.data!.dataset).toEqual({ key: 'mnist', version: 1, baselines: [] });
  });

  test('older calorimeter version has no baselines', async () => {
    const current = await harness.db.dataset.findFirstOrThrow({ where: { key: 'calorimeter-position-b', studyId: null } });
    const { id: _, createdAt: __, summary: ___, ...fields } = current;
    const older = await harness.db.dataset.create({ data: { ...fields, version: 1, classes: 1, checksum: 'older-version' } });

    const result = await post(harness, BASELINES_QUERY, { id: older.id }, { token: study.viewer.token });

    expect(result.errors).toBeUndefined();
    expect(result.data!.dataset.baselines).toEqual([]);
  });

  test('uploaded dataset has no baselines', async () => {
    const result = await post(harness, BASELINES_QUERY, { id: uploadedId }, { token: study.viewer.token });

    expect(result.errors).toBeUndefined();
    expect(result.data!.dataset.baselines).toEqual([]);
  });

  test('uploaded dataset is hidden from outsiders', async () => {
    const result = await post(harness, BASELINES_QUERY, { id: uploadedId }, { token: study.outsider.token });

    expect(errorCode(result)).toBe('NOT_FOUND');
    expect(result.data?.dataset ?? null).toBeNull();
  });

  test('signed-out request is rejected', async () => {
    const result = await post(harness, BASELINES_QUERY, { id: await idOf('calorimeter-energy-a') });

    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});
