import { afterAll, beforeAll, expect, test } from 'vitest';
import { EXPERIMENT_QUERY, toExperimentData, type ExperimentResult } from '../../app/_features/experiment/experiment-query.ts';
import { addExperiment, type ModelFixture } from './fixtures.ts';
import { addMnist, addStudy, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

// Median order: B 0.205, D 0.25, A 0.335, C undefined. Max order: B 0.21, D 0.4, A 0.5, C undefined.
const MODELS: ModelFixture[] = [
  { label: 'A', finished: [0.3, 0.35, 0.32, 0.5] },
  { label: 'B', finished: [0.2, 0.21] },
  { label: 'C', finished: [0.9] },
  { label: 'D', finished: [0.1, 0.4, 0.25] },
];

let harness: Harness;
let study: StudyFixture;
let stored: Awaited<ReturnType<typeof addExperiment>>;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'experiment-page');
  const dataset = await addMnist(harness.db);
  stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId: dataset.id, models: MODELS });

  const [a, b, , d] = stored.modelIds;
  const stepValue = (modelId: string, value: number, eliminated = false) => ({ modelId, value, instanceCount: 2, ciLow: value, ciHigh: value, eliminated });
  await harness.db.selectionStep.create({
    data: {
      experimentId: stored.experiment.id, step: 1, statistic: 'median', threshold: null, eliminatedCount: 0, survivorCount: 3,
      models: { create: [stepValue(a, 0.31), stepValue(b, 0.2), stepValue(d, 0.25)] },
    },
  });
  await harness.db.selectionStep.create({
    data: {
      experimentId: stored.experiment.id, step: 2, statistic: 'median', threshold: 0.3, eliminatedCount: 1, survivorCount: 2,
      models: { create: [stepValue(a, 0.335, true), stepValue(b, 0.205)] },
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

async function loadPage(statistic: string | null): Promise<ExperimentResult> {
  const result = await post(harness, EXPERIMENT_QUERY, { id: stored.experiment.id, statistic, after: null }, { token: study.viewer.token });
  expect(result.errors).toBeUndefined();
  return result.data!.experiment as ExperimentResult;
}

test('experiment page defaults to the selection statistic', async () => {
  const page = await loadPage(null);
  const nodes = page.models.edges.map((edge) => edge.node);

  expect(nodes.map((node) => node.label)).toEqual(['B', 'D', 'A', 'C']);
  expect(nodes.map((node) => node.tableValue.statistic)).toEqual(['MEDIAN', 'MEDIAN', 'MEDIAN', 'MEDIAN']);
  expect(nodes.map((node) => node.selectionValue.statistic)).toEqual(['MEDIAN', 'MEDIAN', 'MEDIAN', 'MEDIAN']);
  expect(nodes[2].tableValue.value).toBeCloseTo(0.335, 12);
  expect(nodes[3].tableValue.value).toBeNull();
  expect(page.models.pageInfo.hasNextPage).toBe(false);
});

test('experiment page ranks by the requested statistic', async () => {
  const page = await loadPage('MAX');
  const nodes = page.models.edges.map((edge) => edge.node);

  expect(nodes.map((node) => node.label)).toEqual(['B', 'D', 'A', 'C']);
  expect(nodes.map((node) => node.tableValue.value)).toEqual([0.21, 0.4, 0.5, null]);
  expect(nodes.map((node) => node.selectionValue.statistic)).toEqual(['MEDIAN', 'MEDIAN', 'MEDIAN', 'MEDIAN']);
  expect(nodes[1].selectionValue.value).toBeCloseTo(0.25, 12);
});

test('experiment page brings step values per model', async () => {
  const nodes = (await loadPage(null)).models.edges.map((edge) => edge.node);
  const byLabel = new Map(nodes.map((node) => [node.label, node.stepValues]));

  expect(byLabel.get('A')).toEqual([
    { step: 1, value: 0.31, eliminated: false },
    { step: 2, value: 0.335, eliminated: true },
  ]);
  expect(byLabel.get('B')).toEqual([
    { step: 1, value: 0.2, eliminated: false },
    { step: 2, value: 0.205, eliminated: false },
  ]);
  expect(byLabel.get('C')).toEqual([]);
  expect(byLabel.get('D')).toEqual([{ step: 1, value: 0.25, eliminated: false }]);
});

test('toExperimentData gathers values per step and per model', async () => {
  const data = toExperimentData(await loadPage('MAX'));
  const [a, b, , d] = stored.modelIds;

  expect(data.tableStatistic).toBe('MAX');
  expect(data.models.nodes.map((model) => model.robustnessValues.map((value) => value.statistic))).toEqual([
    ['MAX', 'MEDIAN'],
    ['MAX', 'MEDIAN'],
    ['MAX', 'MEDIAN'],
    ['MAX', 'MEDIAN'],
  ]);
  expect(data.steps.map((step) => step.step)).toEqual([1, 2]);
  expect(new Set(data.steps[0].models.map((value) => value.model.id))).toEqual(new Set([a, b, d]));
  expect(data.steps[1].models).toEqual(
    expect.arrayContaining([
      { model: { id: a }, value: 0.335, eliminated: true },
      { model: { id: b }, value: 0.205, eliminated: false },
    ]),
  );
  expect(data.steps[1].models).toHaveLength(2);
});

test('toExperimentData keeps one value when both statistics match', async () => {
  const data = toExperimentData(await loadPage(null));

  expect(data.tableStatistic).toBe('MEDIAN');
  expect(data.models.nodes.every((model) => model.robustnessValues.length === 1)).toBe(true);
});

test('experiment page brings the selected model', async () => {
  const [a] = stored.modelIds;
  await harness.db.experiment.update({ where: { id: stored.experiment.id }, data: { selectedModelId: a } });
  const result = await loadPage('MAX');
  await harness.db.experiment.update({ where: { id: stored.experiment.id }, data: { selectedModelId: null } });
  const data = toExperimentData(result);

  expect(result.selectedModel?.label).toBe('A');
  expect(result.selectedModel?.tableValue.value).toBe(0.5);
  expect(data.selectedModel?.robustnessValues.map((value) => value.statistic)).toEqual(['MAX', 'MEDIAN']);
  expect(data.steps[1].models.filter((value) => value.model.id === a)).toHaveLength(1);
});

test('ranking follows a new finished instance', async () => {
  // Min order before: D 0.1, B 0.2, A 0.3, C undefined (one instance).
  const before = await loadPage('MIN');
  expect(before.models.edges.map((edge) => edge.node.label)).toEqual(['D', 'B', 'A', 'C']);

  const c = stored.modelIds[2];
  await harness.db.instance.create({
    data: { modelId: c, instanceIndex: 1, step: 2, initSeed: 11, sampleSeed: 12, shuffleSeed: 13, trainSize: 500, status: 'finished', testLoss: 0.05 },
  });
  const after = await loadPage('MIN');

  expect(after.models.edges.map((edge) => edge.node.label)).toEqual(['C', 'D', 'B', 'A']);
  expect(after.models.edges[0].node.tableValue.value).toBe(0.05);
});
