import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STATISTICS } from '../../lib/config.ts';
import { createRng } from '../../lib/seeds.ts';
import { rankModels } from '../../server/experiments/model-ranking.ts';
import { computeValue, sortByRobustness } from '../../server/experiments/robustness.ts';
import { addExperiment, type ModelFixture } from '../graphql/fixtures.ts';
import { addMnist, startHarness, type Harness } from '../graphql/harness.ts';

let harness: Harness;
let experimentId: string;
let fixtures: ModelFixture[];

// 40 models: random losses of 0 to 6 instances, some diverged, two with equal losses (a tie).
beforeAll(async () => {
  harness = await startHarness();
  const study = await harness.db.study.create({ data: { name: 'ranking' } });
  const datasetId = (await addMnist(harness.db)).id;
  const rng = createRng(20261204);
  fixtures = Array.from({ length: 40 }, (_, m) => ({
    label: `model ${m}`,
    finished: Array.from({ length: Math.floor(rng() * 7) }, () => Math.round(rng() * 1000) / 1000),
    diverged: m % 7 === 0 ? 1 : 0,
  }));
  fixtures[5].finished = [0.2, 0.4, 0.3];
  fixtures[6].finished = [0.4, 0.2, 0.3];
  const stored = await addExperiment(harness.db, { studyId: study.id, datasetId, models: fixtures });
  experimentId = stored.experiment.id;
  // Half of the models are eliminated, to check the status filter.
  await harness.db.model.updateMany({ where: { id: { in: stored.modelIds.filter((_, i) => i % 2 === 1) } }, data: { status: 'eliminated' } });
});

afterAll(async () => {
  await harness?.close();
});

async function lossesByModel(status: 'eliminated' | null) {
  const models = await harness.db.model.findMany({ where: { experimentId, ...(status ? { status } : {}) }, include: { instances: { orderBy: { instanceIndex: 'asc' } } } });
  const losses = new Map(models.map((model) => [model.id, model.instances.filter((i) => i.status === 'finished' && i.testLoss !== null).map((i) => i.testLoss!)]));
  return { models, losses };
}

async function expectedOrder(status: 'eliminated' | null, statistic: (typeof STATISTICS)[number]) {
  const { models, losses } = await lossesByModel(status);
  return sortByRobustness(models, losses, statistic).map((model) => model.id);
}

/** Replaces each id by its value under lib, rounded to 12 digits so that last-bit differences of the SQL aggregates tie. */
async function roundedValues(ids: string[], statistic: (typeof STATISTICS)[number]) {
  const { losses } = await lossesByModel(null);
  return ids.map((id) => {
    const value = computeValue(losses.get(id) ?? [], statistic);
    return value === null ? null : Number(value.toFixed(12));
  });
}

describe('rankModels', () => {
  for (const statistic of STATISTICS) {
    test(`matches sortByRobustness for ${statistic}`, async () => {
      const ranked = await rankModels({ db: harness.db, experimentId, statistic, offset: 0, limit: 100 });
      const expected = await expectedOrder(null, statistic);
      expect(ranked.total).toBe(40);
      expect(new Set(ranked.ids)).toEqual(new Set(expected));
      expect(await roundedValues(ranked.ids, statistic)).toEqual(await roundedValues(expected, statistic));
    });
  }

  test('pages and status filter', async () => {
    const expected = await expectedOrder('eliminated', 'q3_iqr');
    const first = await rankModels({ db: harness.db, experimentId, statistic: 'q3_iqr', status: 'eliminated', offset: 0, limit: 7 });
    const second = await rankModels({ db: harness.db, experimentId, statistic: 'q3_iqr', status: 'eliminated', offset: 7, limit: 100 });
    expect(first.total).toBe(20);
    expect(await roundedValues([...first.ids, ...second.ids], 'q3_iqr')).toEqual(await roundedValues(expected, 'q3_iqr'));
    expect(first.ids).toEqual((await rankModels({ db: harness.db, experimentId, statistic: 'q3_iqr', status: 'eliminated', offset: 0, limit: 100 })).ids.slice(0, 7));
  });

  test('offset past the end keeps the total', async () => {
    expect(await rankModels({ db: harness.db, experimentId, statistic: 'mean', offset: 500, limit: 10 })).toEqual({ ids: [], total: 40 });
  });
});
