/**
 * Scaled-down runs of the five experiment templates through the GraphQL API,
 * trained by a real worker on real Postgres. Each test checks the run's
 * experiments and the shape of its summary. A finding's direction is
 * asserted only where it is robust at these tiny sizes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { robustnessValue } from '../../lib/statistics.ts';
import { plateauSize } from '../../lib/templates-summary.ts';
import { ensureBuiltinDatasets } from '../../server/datasets.ts';
import { startWorker, type Worker } from '../../worker/process.ts';
import { addStudy, post, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';
import { testLogger, waitFor } from '../worker/fixtures.ts';

let harness: Harness;
let study: StudyFixture;
let worker: Worker;

/** A 4-unit MLP trained for one epoch: a fraction of a second per calorimeter instance. */
const TINY_REGRESSION_MODEL = { architecture: { conv: [], dense: [4] }, learningRate: 0.01, batchSize: 64, epochs: 1 };

const RUN_FIELDS = `
  id template name status fraction error params
  experiments { key experiment { id status config maxInstances modelCount trainingsSpent } }
  summary {
    __typename
    ... on SampleSizeSummary { finding statistic tolerance plateauSize improvesWithSize points { size experimentId robustness { value ciLow ciHigh count } meanLoss { value count } } }
    ... on RandomnessSourcesSummary { finding interactionVariance dominantSource sources { source experimentId variance share std { value ciLow ciHigh count } meanLoss { value } } }
    ... on InitializersSummary { finding statistic experimentId best rows { initializer modelId rank robustness { value ciLow ciHigh count } meanLoss { value } } }
    ... on InductiveBiasSummary {
      finding cnnBeatsFcOnOriginal advantageDisappearsOnPermuted fcUnaffected
      cells { dataset architecture experimentId modelId parameterCount accuracy { value ciLow ciHigh count } }
      cnnAdvantageOriginal { value ciLow ciHigh } cnnAdvantagePermuted { value ciLow ciHigh } fcChange { value ciLow ciHigh }
    }
    ... on ModelSearchSummary {
      finding referenceExperimentId modelCount maxInstances warmupSteps exhaustiveTrainings
      replays { statistic rule ruleParameter selectedModelId selectedLabel selectedValue rank rankFraction trainings savingFactor survivorsPerStep }
    }
  }`;

async function startTemplate(template: string, params: Record<string, unknown>) {
  const result = await post(
    harness,
    `mutation($studyId: ID!, $template: TemplateKind!, $params: JSON) { startTemplate(studyId: $studyId, template: $template, params: $params) { id status } }`,
    { studyId: study.studyId, template, params },
    { token: study.editor.token },
  );
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!.startTemplate.id as string;
}

/** Polls the run until it is no longer RUNNING and returns it. */
async function waitForRun(id: string, timeoutMs = 240_000) {
  return waitFor(
    `template run ${id} to end`,
    async () => {
      const result = await post(harness, `query($id: ID!) { templateRun(id: $id) { ${RUN_FIELDS} } }`, { id }, { token: study.viewer.token });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      const run = result.data!.templateRun;
      return run.status === 'RUNNING' ? undefined : run;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

beforeAll(async () => {
  harness = await startHarness();
  await ensureBuiltinDatasets(harness.db);
  study = await addStudy(harness.db, 'templates');
  worker = await startWorker({ databaseUrl: harness.database.url, workerId: 'template-worker', logger: testLogger, backend: 'wasm', pollingIntervalSeconds: 0.5 });
});

afterAll(async () => {
  await worker?.stop();
  await harness?.close();
});

describe('template runs', () => {
  test('sample size reports each size', async () => {
    const id = await startTemplate('SAMPLE_SIZE', {
      sizes: [200, 800, 3200],
      model: TINY_REGRESSION_MODEL,
      instances: 3,
      statistic: 'mean',
      tolerance: 0.05,
    });
    const run = await waitForRun(id);

    expect(run.status).toBe('FINISHED');
    expect(run.fraction).toBe(1);
    expect(run.experiments.map((entry: any) => entry.key)).toEqual(['n=200', 'n=800', 'n=3200']);
    for (const [index, size] of [200, 800, 3200].entries()) {
      const { experiment } = run.experiments[index];
      expect(experiment.status).toBe('FINISHED');
      expect(experiment.config.trainSize).toBe(size);
      expect(experiment.modelCount).toBe(1);
      expect(experiment.trainingsSpent).toBe(3);
    }

    const summary = run.summary;
    expect(summary.__typename).toBe('SampleSizeSummary');
    expect(summary.statistic).toBe('MEAN');
    expect(summary.points.map((point: any) => point.size)).toEqual([200, 800, 3200]);
    for (const point of summary.points) {
      expect(point.robustness.count).toBe(3);
      expect(point.robustness.ciLow).toBeLessThanOrEqual(point.robustness.ciHigh);
      expect(point.meanLoss.value).toBeCloseTo(point.robustness.value, 9);
    }
    const expectedPlateau = plateauSize(summary.points.map((point: any) => ({ size: point.size, value: point.robustness.value })), 0.05);
    expect(summary.plateauSize).toBe(expectedPlateau);
    expect(summary.finding).toContain('n=200');

    // With one epoch, 16 times more samples means 16 times more optimizer steps: the loss drops by far more than its spread.
    expect(summary.points[2].meanLoss.value).toBeLessThan(summary.points[0].meanLoss.value);
    expect(summary.improvesWithSize).toBe(true);
  });

  test('randomness sources split the variance', async () => {
    const id = await startTemplate('RANDOMNESS_SOURCES', { model: TINY_REGRESSION_MODEL, trainSize: 300, instances: 3 });
    const run = await waitForRun(id);

    expect(run.status).toBe('FINISHED');
    expect(run.experiments.map((entry: any) => entry.key)).toEqual(['init', 'sample', 'shuffle', 'all']);

    // Only the varied source changes between the instances of an experiment.
    for (const { key, experiment } of run.experiments) {
      const instances = await harness.db.instance.findMany({ where: { model: { experimentId: experiment.id } } });
      expect(instances).toHaveLength(3);
      const distinct = (field: 'initSeed' | 'sampleSeed' | 'shuffleSeed') => new Set(instances.map((instance) => instance[field])).size;
      expect(distinct('initSeed'), `${key} init seeds`).toBe(key === 'init' || key === 'all' ? 3 : 1);
      expect(distinct('sampleSeed'), `${key} sample seeds`).toBe(key === 'sample' || key === 'all' ? 3 : 1);
      expect(distinct('shuffleSeed'), `${key} shuffle seeds`).toBe(key === 'shuffle' || key === 'all' ? 3 : 1);
    }

    const summary = run.summary;
    expect(summary.__typename).toBe('RandomnessSourcesSummary');
    expect(summary.sources.map((row: any) => row.source)).toEqual(['INIT', 'SAMPLE', 'SHUFFLE', 'ALL']);
    const single = summary.sources.slice(0, 3);
    for (const row of summary.sources) {
      expect(row.std.count).toBe(3);
      expect(row.variance).toBeCloseTo(row.std.value ** 2, 9);
      expect(row.variance).toBeGreaterThan(0);
    }
    expect(single.reduce((sum: number, row: any) => sum + row.share, 0)).toBeCloseTo(1, 9);
    expect(summary.sources[3].share).toBeNull();
    const singleVariance = single.reduce((sum: number, row: any) => sum + row.variance, 0);
    expect(summary.interactionVariance).toBeCloseTo(summary.sources[3].variance - singleVariance, 9);
    const top = [...single].sort((a: any, b: any) => b.share - a.share)[0];
    expect(summary.dominantSource).toBe(top.source);
  });

  test('initializers rank each initializer', async () => {
    const id = await startTemplate('INITIALIZERS', { model: TINY_REGRESSION_MODEL, trainSize: 300, instances: 3 });
    const run = await waitForRun(id);

    expect(run.status).toBe('FINISHED');
    expect(run.experiments).toHaveLength(1);
    expect(run.experiments[0].experiment.modelCount).toBe(4);
    expect(run.experiments[0].experiment.trainingsSpent).toBe(12);

    const summary = run.summary;
    expect(summary.__typename).toBe('InitializersSummary');
    expect(summary.rows.map((row: any) => row.initializer)).toEqual(['he', 'glorot', 'lecun', 'normal']);
    expect(summary.rows.map((row: any) => row.rank).sort()).toEqual([1, 2, 3, 4]);
    expect(summary.best).toBe(summary.rows.find((row: any) => row.rank === 1).initializer);

    const models = await harness.db.model.findMany({ where: { experimentId: summary.experimentId }, include: { instances: true } });
    for (const row of summary.rows) {
      const model = models.find((candidate) => candidate.id === row.modelId)!;
      expect((model.config as { initializer: string }).initializer).toBe(row.initializer);
      const losses = model.instances.map((instance) => instance.testLoss as number);
      expect(row.robustness.value).toBeCloseTo(robustnessValue(losses, 'median', { bootstrap: 0 }).value!, 9);
    }
  });

  test('inductive bias reports four cells', async () => {
    const id = await startTemplate('INDUCTIVE_BIAS', {
      cnn: { architecture: { conv: [{ filters: 4, kernelSize: 3, pool: 2 }], dense: [] }, epochs: 1, learningRate: 0.005 },
      fc: { architecture: { conv: [], dense: [10] }, epochs: 1, learningRate: 0.005 },
      trainSize: 300,
      instances: 3,
    });
    const run = await waitForRun(id);

    expect(run.status).toBe('FINISHED');
    expect(run.experiments.map((entry: any) => entry.key)).toEqual(['mnist', 'mnist-permuted']);
    for (const { experiment } of run.experiments) {
      expect(experiment.modelCount).toBe(2);
      expect(experiment.trainingsSpent).toBe(6);
    }

    const summary = run.summary;
    expect(summary.__typename).toBe('InductiveBiasSummary');
    expect(summary.cells.map((cell: any) => `${cell.dataset}/${cell.architecture}`)).toEqual([
      'mnist/cnn',
      'mnist/fc',
      'mnist-permuted/cnn',
      'mnist-permuted/fc',
    ]);
    for (const cell of summary.cells) {
      expect(cell.accuracy.count).toBe(3);
      expect(cell.accuracy.value).toBeGreaterThan(0.1);
      expect(cell.accuracy.value).toBeLessThanOrEqual(1);
      expect(cell.accuracy.ciLow).toBeLessThanOrEqual(cell.accuracy.ciHigh);
    }
    const [cnn, fc] = summary.cells;
    expect(summary.cnnAdvantageOriginal.value).toBeCloseTo(cnn.accuracy.value - fc.accuracy.value, 9);
    expect(summary.fcChange.value).toBeCloseTo(summary.cells[3].accuracy.value - fc.accuracy.value, 9);
    expect(summary.cnnBeatsFcOnOriginal).toBe(summary.cnnAdvantageOriginal.ciLow > 0);
    const fcIntervalContainsZero = summary.fcChange.ciLow <= 0 && summary.fcChange.ciHigh >= 0;
    expect(summary.fcUnaffected).toBe(fcIntervalContainsZero);
    expect(summary.finding).toContain('CNN on mnist');
  });

  test('model search replays match a live selection', async () => {
    const space = {
      architectures: [{ dense: [2] }, { dense: [4] }, { dense: [8] }],
      learningRates: [0.001, 0.01],
      batchSizes: [64],
      epochs: [1],
    };
    const id = await startTemplate('MODEL_SEARCH', { space, trainSize: 300, maxInstances: 4, warmupSteps: 1, quantile: 0.5 });
    const run = await waitForRun(id);

    expect(run.status).toBe('FINISHED');
    expect(run.experiments.map((entry: any) => entry.key)).toEqual(['reference']);
    const reference = run.experiments[0].experiment;
    expect(reference.modelCount).toBe(6);
    expect(reference.trainingsSpent).toBe(24);

    const summary = run.summary;
    expect(summary.__typename).toBe('ModelSearchSummary');
    expect(summary.exhaustiveTrainings).toBe(24);
    expect(summary.replays.map((replay: any) => `${replay.statistic}/${replay.rule}`)).toEqual([
      'MEAN/quantile', 'MEDIAN/quantile', 'Q3/quantile', 'Q3_IQR/quantile', 'MAX/quantile', 'MIN/quantile', 'MEAN/racing',
    ]);
    for (const replay of summary.replays) {
      expect(replay.rank).toBeGreaterThanOrEqual(1);
      expect(replay.rank).toBeLessThanOrEqual(6);
      expect(replay.rankFraction).toBeCloseTo(replay.rank / 6, 9);
      expect(replay.trainings).toBeLessThanOrEqual(24);
      expect(replay.savingFactor).toBeCloseTo(24 / replay.trainings, 9);
      expect(replay.survivorsPerStep[0]).toBe(6);
    }

    // The median rule drops the 3 models above the median of 6 distinct values after the warm-up step, so every quantile replay
    // saves trainings. Racing drops a model only when the CIs separate, so it may save nothing at this size.
    for (const replay of summary.replays.filter((candidate: any) => candidate.rule === 'quantile')) {
      expect(replay.savingFactor, `${replay.statistic} saving factor`).toBeGreaterThan(1);
    }
    // Learning rate 0.01 beats 0.001 by far after one epoch, so every replay selects a model of the better half.
    for (const replay of summary.replays) {
      expect(replay.rank, `${replay.statistic} ${replay.rule} rank of ${replay.selectedLabel}`).toBeLessThanOrEqual(3);
    }

    // A live experiment with the same seed trains the same instances, so its median selection must agree with the replay.
    const config = {
      ...reference.config,
      name: 'live median selection',
      selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 4 },
    };
    const created = await post(
      harness,
      'mutation($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id } }',
      { studyId: study.studyId, config },
      { token: study.editor.token },
    );
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
    const liveId = created.data!.createExperiment.id as string;
    const live = await waitFor(
      'live experiment to end',
      async () => {
        const row = await harness.db.experiment.findUniqueOrThrow({ where: { id: liveId }, include: { selectedModel: true } });
        return ['finished', 'failed', 'cancelled'].includes(row.status) ? row : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(live.status).toBe('finished');

    const median = summary.replays.find((replay: any) => replay.statistic === 'MEDIAN');
    const replayed = await harness.db.model.findUniqueOrThrow({ where: { id: median.selectedModelId } });
    expect(live.selectedModel!.hash).toBe(replayed.hash);
    expect(await harness.db.instance.count({ where: { model: { experimentId: liveId } } })).toBe(median.trainings);
  });
});
