import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addExperiment } from './fixtures.ts';
import { addMnist, addStudy, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

const MODEL_COUNT = 200;

let harness: Harness;
let study: StudyFixture;
let experimentId: string;
let queries = 0;
const originalQuery = pg.Client.prototype.query;

beforeAll(async () => {
  // Prisma's adapter and the API's plain-SQL pool both send through node-postgres. Statements of pg-boss are not counted.
  (pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (!text?.includes('pgboss')) queries++;
    return (originalQuery as (...args: unknown[]) => unknown).apply(this, args);
  };
  harness = await startHarness();
  study = await addStudy(harness.db, 'batching');
  const dataset = await addMnist(harness.db);
  const { experiment, modelIds } = await addExperiment(harness.db, { studyId: study.studyId, datasetId: dataset.id, models: [] });
  experimentId = experiment.id;

  const models = Array.from({ length: MODEL_COUNT }, (_, m) => ({
    experimentId,
    hash: `bulk-${m}`,
    label: `model ${m}`,
    config: {},
    parameterCount: 100,
  }));
  await harness.db.model.createMany({ data: models });
  const stored = await harness.db.model.findMany({ where: { experimentId }, select: { id: true, hash: true } });
  expect(modelIds).toEqual([]);
  await harness.db.instance.createMany({
    data: stored.flatMap((model, m) =>
      [0, 1, 2].map((index) => ({
        modelId: model.id,
        instanceIndex: index,
        step: index + 1,
        initSeed: index,
        sampleSeed: index,
        shuffleSeed: index,
        trainSize: 500,
        status: 'finished' as const,
        testLoss: 0.1 + ((m * 7 + index * 13) % 100) / 1000,
      })),
    ),
  });
});

afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  await harness?.close();
});

test('experiment page with 200 models needs few queries', async () => {
  const before = queries;
  const result = await post(
    harness,
    `query($id: ID!) { experiment(id: $id) {
      name modelCount trainingsSpent study { name } dataset { key } progress { fraction } steps { step }
      models(first: 200) { totalCount edges { node {
        id label instanceCount testLosses experiment { id }
        robustness(statistic: MEDIAN) { value ciLow ciHigh }
        robustnessValues { value }
      } } }
    } }`,
    { id: experimentId },
    { token: study.viewer.token },
  );
  const used = queries - before;

  expect(result.errors).toBeUndefined();
  expect(result.data!.experiment.models.edges).toHaveLength(MODEL_COUNT);
  expect(result.data!.experiment.models.edges.every((edge: any) => edge.node.instanceCount === 3)).toBe(true);
  expect(used).toBeGreaterThan(0);
  // The page sent 7 statements when this bound was set. One statement per model would be over 200.
  expect(used).toBeLessThanOrEqual(10);
});
