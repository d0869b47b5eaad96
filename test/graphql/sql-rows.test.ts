import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  findVisibleExperimentRow,
  findVisibleModelRow,
  listModelInstances,
  loadDatasetsById,
  loadExperimentsById,
  loadModelsById,
} from '../../server/data/rows.ts';
import { createSqlPool } from '../../server/data/sql.ts';
import { addExperiment } from './fixtures.ts';
import { addMnist, addStudy, startHarness, type Harness, type StudyFixture } from './harness.ts';

// The plain-SQL reads replace Prisma reads in the API, so each must return exactly Prisma's row.
let harness: Harness;
let sql: pg.Pool;
let study: StudyFixture;
let datasetId: string;
let experimentId: string;
let modelIds: string[];

beforeAll(async () => {
  harness = await startHarness();
  sql = createSqlPool(harness.database.url);
  study = await addStudy(harness.db, 'sql-rows');
  datasetId = (await addMnist(harness.db)).id;
  const added = await addExperiment(harness.db, {
    studyId: study.studyId,
    datasetId,
    models: [
      { label: 'A', finished: [0.3, 0.1, 0.2], diverged: 1, queued: 1 },
      { label: 'B', finished: [] },
      { label: 'C', finished: [0.5, Number.NaN, Number.POSITIVE_INFINITY, 0.4] },
    ],
  });
  experimentId = added.experiment.id;
  modelIds = added.modelIds;
  // The fixture leaves these fields at their defaults. Prisma cannot write the NaN in the array, so SQL does.
  await harness.db.$executeRaw`
    UPDATE instances SET train_loss = '{1.5,NaN,0.25}'::float8[], val_loss = '{2}'::float8[],
      test_metrics = '[{"name":"accuracy","value":0.9,"unit":""}]'::jsonb, duration_ms = 1200
    WHERE model_id = ${modelIds[0]}::uuid AND instance_index = 0`;
});

afterAll(async () => {
  await sql?.end();
  await harness?.close();
});

describe('plain-SQL rows', () => {
  test('experiments match Prisma', async () => {
    const rows = await loadExperimentsById({ db: sql, ids: [experimentId, '00000000-0000-4000-8000-000000000000'] });
    expect(rows.size).toBe(1);
    expect(rows.get(experimentId)).toStrictEqual(await harness.db.experiment.findUniqueOrThrow({ where: { id: experimentId } }));
  });

  test('datasets match Prisma', async () => {
    const rows = await loadDatasetsById({ db: sql, ids: [datasetId] });
    expect(rows.get(datasetId)).toStrictEqual(await harness.db.dataset.findUniqueOrThrow({ where: { id: datasetId } }));
  });

  test('models match Prisma', async () => {
    const rows = await loadModelsById({ db: sql, ids: modelIds });
    for (const id of modelIds) {
      expect(rows.get(id)?.model).toStrictEqual(await harness.db.model.findUniqueOrThrow({ where: { id } }));
    }
  });

  test('models bring finite finished losses', async () => {
    const rows = await loadModelsById({ db: sql, ids: modelIds });
    expect(rows.get(modelIds[0])?.testLosses).toEqual([0.3, 0.1, 0.2]);
    expect(rows.get(modelIds[1])?.testLosses).toEqual([]);
    expect(rows.get(modelIds[2])?.testLosses).toEqual([0.5, 0.4]);
  });

  test('instance pages match Prisma', async () => {
    const expected = await harness.db.instance.findMany({ where: { modelId: modelIds[0] }, orderBy: { instanceIndex: 'asc' } });
    expect(expected).toHaveLength(5);

    const first = await listModelInstances({ db: sql, modelId: modelIds[0], offset: 0, limit: 2 });
    expect(first.items).toStrictEqual(expected.slice(0, 2));
    expect(first.total).toBe(5);

    const rest = await listModelInstances({ db: sql, modelId: modelIds[0], offset: 2, limit: 10 });
    expect(rest.items).toStrictEqual(expected.slice(2));
    expect(rest.total).toBe(5);
  });

  test('instance page past the end counts', async () => {
    const past = await listModelInstances({ db: sql, modelId: modelIds[0], offset: 10, limit: 10 });
    expect(past.items).toEqual([]);
    expect(past.total).toBe(5);
  });

  test('visible experiment carries study and role', async () => {
    const found = await findVisibleExperimentRow({ db: sql, experimentId, userId: study.viewer.id });
    expect(found?.experiment).toStrictEqual(await harness.db.experiment.findUniqueOrThrow({ where: { id: experimentId } }));
    expect(found?.dataset).toStrictEqual(await harness.db.dataset.findUniqueOrThrow({ where: { id: datasetId } }));
    const stored = await harness.db.study.findUniqueOrThrow({ where: { id: study.studyId } });
    expect(found?.study).toStrictEqual({ ...stored, role: 'viewer' });
  });

  test('visible model carries experiment and losses', async () => {
    const found = await findVisibleModelRow({ db: sql, modelId: modelIds[2], userId: study.editor.id });
    expect(found?.model).toStrictEqual(await harness.db.model.findUniqueOrThrow({ where: { id: modelIds[2] } }));
    expect(found?.experiment).toStrictEqual(await harness.db.experiment.findUniqueOrThrow({ where: { id: experimentId } }));
    expect(found?.study.role).toBe('editor');
    expect(found?.testLosses).toEqual([0.5, 0.4]);
  });

  test('non-members get null', async () => {
    expect(await findVisibleExperimentRow({ db: sql, experimentId, userId: study.outsider.id })).toBeNull();
    expect(await findVisibleModelRow({ db: sql, modelId: modelIds[0], userId: study.outsider.id })).toBeNull();
  });
});
