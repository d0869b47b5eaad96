import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadProgress } from '../server/experiments/progress.ts';
import { describeProgress } from '../server/progress-printer.ts';
import { addExperiment } from './graphql/fixtures.ts';
import { addMnist } from './graphql/harness.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

let database: TestDatabase;
let studyId: string;
let datasetId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  studyId = (await database.prisma.study.create({ data: { name: 'progress printer' } })).id;
  datasetId = (await addMnist(database.prisma)).id;
});

afterAll(async () => {
  await database?.drop();
});

describe('describeProgress', () => {
  test('queued experiment counts its plan', async () => {
    const db = database.prisma;
    const { experiment } = await addExperiment(db, {
      studyId,
      datasetId,
      currentStep: 0,
      models: [{ label: 'a', finished: [] }, { label: 'b', finished: [] }, { label: 'c', finished: [] }],
    });
    await db.experiment.update({ where: { id: experiment.id }, data: { status: 'queued' } });

    const { line, done } = await describeProgress(db, experiment.id, 'Demo experiment');
    // smallConfig caps each model at 4 instances.
    expect(line).toBe('Demo experiment queued: 12 trainings planned, 3 models in the selection; waiting for a worker');
    expect(line).not.toContain('0 of 0');
    expect(done).toBe(false);
  });

  test('running experiment uses the dashboard plan', async () => {
    const db = database.prisma;
    const { experiment } = await addExperiment(db, {
      studyId,
      datasetId,
      currentStep: 2,
      models: [{ label: 'a', finished: [0.5, 0.4] }, { label: 'b', finished: [0.3], queued: 1 }],
    });
    const progress = (await loadProgress({ db, experimentId: experiment.id }))!;

    const { line } = await describeProgress(db, experiment.id, 'Demo experiment');
    expect(progress.plannedInstances).toBe(8);
    expect(line).toBe('Demo experiment running: selection step 2 of at most 4, 3 of 8 planned trainings done (38%), 2 models in the selection');
  });
});
