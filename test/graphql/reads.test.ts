import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STATISTICS } from '../../lib/config.ts';
import { robustnessValue } from '../../lib/statistics.ts';
import { bootstrapSeed } from '../../server/experiments/robustness.ts';
import { addExperiment, type ModelFixture } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

const PREDICTIONS = [
  { predictedClass: [3, 1, 4, 1, 5], trueClassProb: [0.9, 0.2, 0.6, 0.95, 0.1], loss: [0.105, 1.609, 0.511, 0.051, 2.303] },
  { predictedClass: [3, 1, 4, 2, 6], trueClassProb: [0.8, 0.3, 0.5, 0.9, 0.2], loss: [0.223, 1.204, 0.693, 0.105, 1.609] },
  { predictedClass: [3, 7, 4, 2, 7], trueClassProb: [0.85, 0.1, 0.55, 0.92, 0.05], loss: [0.163, 2.303, 0.598, 0.083, 2.996] },
  { predictedClass: [3, 1, 4, 1, 5], trueClassProb: [0.7, 0.25, 0.65, 0.99, 0.15], loss: [0.357, 1.386, 0.431, 0.01, 1.897] },
];

const MODELS: ModelFixture[] = [
  { label: 'A', finished: [0.3, 0.35, 0.32, 0.5], predictions: PREDICTIONS },
  { label: 'B', finished: [0.2, 0.21], diverged: 1 },
  { label: 'C', finished: [0.9] },
  { label: 'D', finished: [0.1, 0.4, 0.25] },
];

let harness: Harness;
let study: StudyFixture;
let stored: Awaited<ReturnType<typeof addExperiment>>;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'reads');
  const dataset = await addMnist(harness.db);
  stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId: dataset.id, models: MODELS });
});

afterAll(async () => {
  await harness?.close();
});

function query(text: string, variables: Record<string, unknown> = {}) {
  return post(harness, text, variables, { token: study.viewer.token });
}

const MODELS_QUERY = `query($id: ID!, $statistic: Statistic, $first: Int, $after: String) {
  experiment(id: $id) {
    models(statistic: $statistic, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { label instanceCount testLosses } }
    }
  }
}`;

describe('models connection', () => {
  const orders: Record<string, string[]> = {
    MEDIAN: ['B', 'D', 'A', 'C'],
    STD: ['B', 'A', 'D', 'C'],
    MIN: ['D', 'B', 'A', 'C'],
  };
  for (const [statistic, labels] of Object.entries(orders)) {
    test(`sorted by ${statistic} with undefined last`, async () => {
      const result = await query(MODELS_QUERY, { id: stored.experiment.id, statistic });
      expect(result.errors).toBeUndefined();
      expect(result.data!.experiment.models.edges.map((edge: any) => edge.node.label)).toEqual(labels);
    });
  }

  test('defaults to the experiment statistic', async () => {
    const result = await query(MODELS_QUERY, { id: stored.experiment.id });
    expect(result.data!.experiment.models.edges.map((edge: any) => edge.node.label)).toEqual(orders.MEDIAN);
  });

  test('pages with cursors', async () => {
    const first = await query(MODELS_QUERY, { id: stored.experiment.id, first: 3 });
    const page1 = first.data!.experiment.models;
    expect(page1.totalCount).toBe(4);
    expect(page1.edges.map((edge: any) => edge.node.label)).toEqual(['B', 'D', 'A']);
    expect(page1.pageInfo.hasNextPage).toBe(true);

    const second = await query(MODELS_QUERY, { id: stored.experiment.id, first: 3, after: page1.pageInfo.endCursor });
    const page2 = second.data!.experiment.models;
    expect(page2.edges.map((edge: any) => edge.node.label)).toEqual(['C']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  test('finished losses only, in instance order', async () => {
    const result = await query(MODELS_QUERY, { id: stored.experiment.id });
    const b = result.data!.experiment.models.edges.find((edge: any) => edge.node.label === 'B').node;
    expect(b.testLosses).toEqual([0.2, 0.21]);
    expect(b.instanceCount).toBe(2);
  });

  test('rejects bad first and cursor', async () => {
    const negative = await query(MODELS_QUERY, { id: stored.experiment.id, first: -1 });
    expect(errorCode(negative)).toBe('BAD_USER_INPUT');
    expect(negative.errors![0].extensions.argumentName).toBe('first');

    const cursor = await query(MODELS_QUERY, { id: stored.experiment.id, after: 'garbage' });
    expect(errorCode(cursor)).toBe('BAD_USER_INPUT');
    expect(cursor.errors![0].extensions.argumentName).toBe('after');
  });
});

describe('robustness values', () => {
  const ROBUSTNESS_QUERY = `query($id: ID!) { model(id: $id) {
    robustnessValues { statistic value count ciLow ciHigh undefinedReason }
    median: robustness(statistic: MEDIAN) { value ciLow ciHigh }
  } }`;

  test('match lib with a seed from the model id', async () => {
    const modelId = stored.modelIds[0];
    const result = await query(ROBUSTNESS_QUERY, { id: modelId });
    expect(result.errors).toBeUndefined();
    const values = result.data!.model.robustnessValues;
    expect(values.map((value: any) => value.statistic)).toEqual(STATISTICS.map((statistic) => statistic.toUpperCase()));

    for (const [i, statistic] of STATISTICS.entries()) {
      const expected = robustnessValue(MODELS[0].finished, statistic, { seed: bootstrapSeed(modelId) });
      expect(values[i]).toEqual({ statistic: statistic.toUpperCase(), ...expected, undefinedReason: null });
    }
  });

  test('stable between requests', async () => {
    const first = await query(ROBUSTNESS_QUERY, { id: stored.modelIds[3] });
    const second = await query(ROBUSTNESS_QUERY, { id: stored.modelIds[3] });
    expect(first.data!.model.median.ciLow).not.toBeNull();
    expect(second.data!.model.median).toEqual(first.data!.model.median);
  });

  test('undefined with one instance', async () => {
    const result = await query(ROBUSTNESS_QUERY, { id: stored.modelIds[2] });
    const mean = result.data!.model.robustnessValues[0];
    expect(mean).toEqual({ statistic: 'MEAN', value: null, count: 1, ciLow: null, ciHigh: null, undefinedReason: 'fewer than 2 finished instances' });
  });
});

describe('experiment fields', () => {
  test('progress, spend and timestamps', async () => {
    const result = await query(
      `query($id: ID!) { experiment(id: $id) {
        status currentStep trainingsSpent savingFactor modelCount startedAt durationMs
        progress { currentStep activeModels finishedInstances divergedInstances queuedInstances plannedInstances fraction }
      } }`,
      { id: stored.experiment.id },
    );
    expect(result.errors).toBeUndefined();
    const experiment = result.data!.experiment;
    expect(experiment.trainingsSpent).toBe(11);
    expect(experiment.savingFactor).toBeNull();
    expect(experiment.modelCount).toBe(4);
    expect(experiment.startedAt).toBe('2026-12-04T21:00:00.000Z');
    expect(experiment.durationMs).toBeGreaterThan(0);
    expect(experiment.progress).toEqual({
      currentStep: 1,
      activeModels: 4,
      finishedInstances: 10,
      divergedInstances: 1,
      queuedInstances: 0,
      plannedInstances: 11 + 4 * 3,
      fraction: 11 / 23,
    });
  });

  test('steps with model values', async () => {
    const step = await harness.db.selectionStep.create({
      data: {
        experimentId: stored.experiment.id,
        step: 1,
        statistic: 'median',
        threshold: Number.NaN,
        eliminatedCount: 1,
        survivorCount: 3,
        models: { create: [{ modelId: stored.modelIds[1], value: 0.205, instanceCount: 2, ciLow: 0.2, ciHigh: 0.21, eliminated: true }] },
      },
    });
    const result = await query(
      `query($id: ID!) { experiment(id: $id) { steps { step statistic threshold eliminatedCount models { totalCount edges { node { model { label } value eliminated } } } } } }`,
      { id: stored.experiment.id },
    );
    await harness.db.selectionStep.delete({ where: { id: step.id } });
    expect(result.errors).toBeUndefined();
    expect(result.data!.experiment.steps).toEqual([
      {
        step: 1,
        statistic: 'MEDIAN',
        threshold: null,
        eliminatedCount: 1,
        models: { totalCount: 1, edges: [{ node: { model: { label: 'B' }, value: 0.205, eliminated: true } }] },
      },
    ]);
  });
});

describe('instances', () => {
  test('non-finite losses become null', async () => {
    const diverged = stored.instanceIds[1][2];
    const result = await query(`query($id: ID!) { instance(id: $id) { status trainLoss valLoss testLoss divergedEpoch seeds { init sample shuffle } } }`, { id: diverged });
    expect(result.errors).toBeUndefined();
    expect(result.data!.instance).toEqual({
      status: 'DIVERGED',
      trainLoss: [1.5, null],
      valLoss: [1.6, null],
      testLoss: null,
      divergedEpoch: 2,
      seeds: { init: 1002, sample: 2002, shuffle: 3002 },
    });
  });

  test('model instances in order', async () => {
    const result = await query(`query($id: ID!) { model(id: $id) { instances(first: 2) { totalCount edges { node { instanceIndex status } } } } }`, { id: stored.modelIds[1] });
    expect(result.data!.model.instances.totalCount).toBe(3);
    expect(result.data!.model.instances.edges.map((edge: any) => edge.node)).toEqual([
      { instanceIndex: 0, status: 'FINISHED' },
      { instanceIndex: 1, status: 'FINISHED' },
    ]);
  });

  test('predictions paged from packed bytes', async () => {
    const PREDICTIONS_QUERY = `query($id: ID!, $after: String) { instance(id: $id) { predictions(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { sampleIndex predictedClass trueClassProbability loss } } } } }`;
    const id = stored.instanceIds[0][1];
    const seen: any[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const result = await query(PREDICTIONS_QUERY, { id, after });
      const connection = result.data!.instance.predictions;
      expect(connection.totalCount).toBe(5);
      expect(connection.pageInfo.hasNextPage).toBe(page < 2);
      seen.push(...connection.edges.map((edge: any) => edge.node));
      after = connection.pageInfo.endCursor;
    }
    const source = PREDICTIONS[1];
    expect(seen).toEqual(
      source.loss.map((loss, s) => ({
        sampleIndex: s,
        predictedClass: source.predictedClass[s],
        trueClassProbability: Math.fround(source.trueClassProb[s]),
        loss: Math.fround(loss),
      })),
    );
  });

  test('instance without predictions has an empty page', async () => {
    const result = await query(`query($id: ID!) { instance(id: $id) { predictions { totalCount edges { cursor } } } }`, { id: stored.instanceIds[3][0] });
    expect(result.data!.instance.predictions).toEqual({ totalCount: 0, edges: [] });
  });
});

describe('sampleSpread', () => {
  function expectedSpread() {
    return PREDICTIONS[0].loss.map((_, s) => {
      const losses = PREDICTIONS.map((p) => Math.fround(p.loss[s]));
      const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
      const std = Math.sqrt(losses.reduce((a, b) => a + (b - mean) ** 2, 0) / (losses.length - 1));
      const classes = PREDICTIONS.map((p) => p.predictedClass[s]);
      const mode = Math.max(...classes.map((c) => classes.filter((d) => d === c).length));
      return { sampleIndex: s, meanLoss: mean, lossStd: std, disagreement: 1 - mode / classes.length, instanceCount: 4 };
    });
  }
  const SPREAD_QUERY = `query($id: ID!, $orderBy: SampleSpreadOrder, $first: Int) { model(id: $id) { sampleSpread(orderBy: $orderBy, first: $first) {
    totalCount pageInfo { hasNextPage } edges { node { sampleIndex meanLoss lossStd disagreement instanceCount } } } } }`;

  test('values per sample', async () => {
    const result = await query(SPREAD_QUERY, { id: stored.modelIds[0], orderBy: 'SAMPLE_INDEX_ASC' });
    const nodes = result.data!.model.sampleSpread.edges.map((edge: any) => edge.node);
    const expected = expectedSpread();
    expect(nodes).toHaveLength(5);
    for (const [s, node] of nodes.entries()) {
      expect(node.sampleIndex).toBe(s);
      expect(node.meanLoss).toBeCloseTo(expected[s].meanLoss, 12);
      expect(node.lossStd).toBeCloseTo(expected[s].lossStd, 12);
      expect(node.disagreement).toBe(expected[s].disagreement);
      expect(node.instanceCount).toBe(4);
    }
  });

  for (const [order, key] of [['LOSS_STD_DESC', 'lossStd'], ['MEAN_LOSS_DESC', 'meanLoss'], ['DISAGREEMENT_DESC', 'disagreement']] as const) {
    test(`sorted by ${order}`, async () => {
      const result = await query(SPREAD_QUERY, { id: stored.modelIds[0], orderBy: order, first: 3 });
      const connection = result.data!.model.sampleSpread;
      const expected = expectedSpread().sort((a, b) => b[key] - a[key] || a.sampleIndex - b.sampleIndex).slice(0, 3);
      expect(connection.edges.map((edge: any) => edge.node.sampleIndex)).toEqual(expected.map((spread) => spread.sampleIndex));
      expect(connection.totalCount).toBe(5);
      expect(connection.pageInfo.hasNextPage).toBe(true);
    });
  }
});
