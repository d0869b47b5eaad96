/**
 * Params of `startTemplate`: defaults, and BAD_USER_INPUT errors that name
 * the param, its value and what is allowed. Nothing is stored for a
 * rejected run.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TEMPLATE_KINDS, defaultTemplateParams, planTemplate, type TemplateParams } from '../../lib/templates.ts';
import { expandModelSpace } from '../../lib/space.ts';
import { ensureBuiltinDatasets } from '../../server/datasets.ts';
import { addStudy, post, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';

let harness: Harness;
let study: StudyFixture;

const START = 'mutation($studyId: ID!, $template: TemplateKind!, $params: JSON) { startTemplate(studyId: $studyId, template: $template, params: $params) { id name params experiments { key experiment { id name } } } }';

async function start(template: string, params: unknown) {
  return post(harness, START, { studyId: study.studyId, template, params }, { token: study.owner.token });
}

beforeAll(async () => {
  harness = await startHarness();
  await ensureBuiltinDatasets(harness.db);
  study = await addStudy(harness.db, 'template-params');
});

afterAll(async () => {
  await harness?.close();
});

describe('template defaults', () => {
  test('model search space has at least 200 models', () => {
    const params = defaultTemplateParams('model_search');
    const { models } = expandModelSpace(params.space, { shape: [15, 15, 1], classes: 1 });
    expect(models.length).toBeGreaterThanOrEqual(200);
  });

  test('inductive bias models have similar parameter counts', () => {
    const [experiment] = planTemplate({ kind: 'inductive_bias', params: defaultTemplateParams('inductive_bias') });
    const { models } = expandModelSpace(experiment.config.space as never, { shape: [28, 28, 1], classes: 10 });
    expect(models).toHaveLength(2);
    const counts = models.map((model) => model.parameterCount);
    expect(Math.max(...counts) / Math.min(...counts)).toBeLessThanOrEqual(1.5);
  });

  test('every template plans unique keys', () => {
    for (const kind of TEMPLATE_KINDS) {
      const planned = planTemplate({ kind, params: defaultTemplateParams(kind) } as TemplateParams);
      expect(new Set(planned.map((experiment) => experiment.key)).size, kind).toBe(planned.length);
    }
  });

  test('templates query lists defaults', async () => {
    const result = await post(harness, '{ templates { kind title defaultParams } }', {}, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    const templates = result.data!.templates;
    expect(templates.map((template: { kind: string }) => template.kind)).toEqual(['SAMPLE_SIZE', 'RANDOMNESS_SOURCES', 'INITIALIZERS', 'INDUCTIVE_BIAS', 'MODEL_SEARCH']);
    expect(templates[0].defaultParams.sizes).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(templates[0].defaultParams.dataset).toBe('calorimeter-energy-a');
  });
});

describe('startTemplate', () => {
  test('fills defaults and names experiments', async () => {
    const result = await start('SAMPLE_SIZE', { name: 'Sizes', sizes: [100, 200], instances: 2 });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const run = result.data!.startTemplate;
    expect(run.name).toBe('Sizes');
    expect(run.params.statistic).toBe('q3_iqr');
    expect(run.params.model.architecture.dense).toEqual([16]);
    expect(run.experiments.map((entry: { key: string }) => entry.key)).toEqual(['n=100', 'n=200']);
    expect(run.experiments[1].experiment.name).toBe('Sizes · n=200');
  });

  const invalid: Array<{ case: string; template: string; params: unknown; message: RegExp }> = [
    {
      case: 'early stopping without validation',
      template: 'SAMPLE_SIZE',
      params: { sizes: [100, 200], model: { earlyStopping: { patience: 2 } }, validationFraction: 0 },
      message: /^Invalid params at model\.earlyStopping: .*validationFraction must be above 0/,
    },
    {
      case: 'validation split of 0 samples',
      template: 'SAMPLE_SIZE',
      params: { sizes: [10, 20], model: { earlyStopping: { patience: 2 } }, validationFraction: 0.01 },
      message: /^Invalid params at model\.earlyStopping: .*trainSize 10 x validationFraction 0\.01 rounds to 0 validation samples/,
    },
    { case: 'descending sizes', template: 'SAMPLE_SIZE', params: { sizes: [2000, 1000] }, message: /params at sizes: value \[2000,1000\].*strictly ascending/ },
    { case: 'size above the pool', template: 'SAMPLE_SIZE', params: { sizes: [1000, 64000] }, message: /params at sizes\[1\]: value 64000 exceeds the training pool of dataset calorimeter-energy-a, which has 51200/ },
    { case: 'unknown dataset', template: 'INITIALIZERS', params: { dataset: 'cifar' }, message: /unknown dataset "cifar"; expected one of .*mnist/ },
    { case: 'one instance', template: 'RANDOMNESS_SOURCES', params: { instances: 1 }, message: /params at instances: value 1\..*>=2/ },
    { case: 'unknown param', template: 'INITIALIZERS', params: { epochs: 3 }, message: /params at epochs: value 3/ },
    { case: 'repeated initializer', template: 'INITIALIZERS', params: { initializers: ['he', 'he'] }, message: /must not repeat/ },
    { case: 'fc with convolutions', template: 'INDUCTIVE_BIAS', params: { fc: { architecture: { conv: [{ filters: 2, kernelSize: 3 }] } } }, message: /params at fc.architecture.conv.*fully connected/ },
    {
      case: 'unequal parameter counts',
      template: 'INDUCTIVE_BIAS',
      params: { fc: { architecture: { dense: [32] }, learningRate: 0.003, batchSize: 32, epochs: 4 } },
      message: /have 9098 and 25450 parameters, a ratio of 2\.80, above maxParameterRatio 1\.5/,
    },
    {
      case: 'different hyperparameters',
      template: 'INDUCTIVE_BIAS',
      params: { cnn: { learningRate: 0.003 }, fc: { learningRate: 0.1 } },
      message: /share every training hyperparameter .*but learningRate is 0\.003 in cnn and 0\.1 in fc/,
    },
    { case: 'warm-up not below cap', template: 'MODEL_SEARCH', params: { maxInstances: 3, warmupSteps: 3 }, message: /params at warmupSteps.*below maxInstances/ },
    {
      case: 'architecture too deep for input',
      template: 'MODEL_SEARCH',
      params: { space: { architectures: [{ conv: [{ filters: 2, kernelSize: 3, pool: 4 }, { filters: 2, kernelSize: 3, pool: 4 }] }, { dense: [4] }] } },
      message: /Invalid params for experiment reference: at space: .*pools a 3x3 feature map with pool 4/,
    },
    {
      case: 'two losses in the search space',
      template: 'MODEL_SEARCH',
      params: { space: { architectures: [{ dense: [4] }, { dense: [8] }], losses: ['mse', 'mae'] } },
      message: /^Invalid params at space\.losses: .*found 2 losses\. Start one experiment per loss\.$/,
    },
    { case: 'unknown statistic', template: 'MODEL_SEARCH', params: { statistics: ['mode'] }, message: /params at statistics\[0\]: value "mode"/ },
  ];

  test.each(invalid)('rejects $case', async ({ template, params, message }) => {
    const before = await harness.db.templateRun.count();
    const result = await start(template, params);
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].extensions.argumentName).toBe('params');
    expect(result.errors?.[0].message).toMatch(message);
    expect(await harness.db.templateRun.count()).toBe(before);
  });

  test('viewer gets FORBIDDEN', async () => {
    const result = await post(harness, START, { studyId: study.studyId, template: 'INITIALIZERS', params: {} }, { token: study.viewer.token });
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  test('cancel ends every experiment', async () => {
    const started = await start('RANDOMNESS_SOURCES', { trainSize: 100, instances: 2 });
    expect(started.errors).toBeUndefined();
    const id = started.data!.startTemplate.id;

    const cancelled = await post(harness, 'mutation($id: ID!) { cancelTemplateRun(id: $id) { status experiments { experiment { status } } } }', { id }, { token: study.editor.token });
    expect(cancelled.errors, JSON.stringify(cancelled.errors)).toBeUndefined();
    expect(cancelled.data!.cancelTemplateRun.status).toBe('CANCELLED');
    expect(cancelled.data!.cancelTemplateRun.experiments.map((entry: any) => entry.experiment.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);

    const read = await post(harness, 'query($id: ID!) { templateRun(id: $id) { status error summary { __typename } finishedAt } }', { id }, { token: study.viewer.token });
    expect(read.data!.templateRun.status).toBe('CANCELLED');
    expect(read.data!.templateRun.summary).toBeNull();
    expect(read.data!.templateRun.error).toMatch(/init \(cancelled\)/);
    expect(read.data!.templateRun.finishedAt).not.toBeNull();

    const again = await post(harness, 'mutation($id: ID!) { cancelTemplateRun(id: $id) { id } }', { id }, { token: study.editor.token });
    expect(again.errors?.[0].extensions.code).toBe('CONFLICT');
  });

  test('study lists its runs newest first', async () => {
    const result = await post(
      harness,
      'query($id: ID!) { study(id: $id) { templateRuns(first: 2) { totalCount edges { node { name createdAt } } pageInfo { hasNextPage } } } }',
      { id: study.studyId },
      { token: study.viewer.token },
    );
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const runs = result.data!.study.templateRuns;
    expect(runs.totalCount).toBe(2);
    expect(runs.edges.map((edge: any) => edge.node.name)).toEqual(['Randomness sources', 'Sizes']);
  });
});

describe('startTemplate model overrides', () => {
  let overrides: StudyFixture;

  beforeAll(async () => {
    overrides = await addStudy(harness.db, 'template-overrides');
  });

  function startIn(fixture: StudyFixture, template: string, params: unknown) {
    return post(harness, START, { studyId: fixture.studyId, template, params }, { token: fixture.owner.token });
  }

  test('partial model keeps template defaults', async () => {
    const result = await startIn(overrides, 'SAMPLE_SIZE', { sizes: [100, 200], instances: 2, model: { architecture: { dense: [8] } } });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const { model } = result.data!.startTemplate.params;
    expect(model.architecture).toEqual({ conv: [], dense: [8] });
    expect(model.learningRate).toBe(0.003);
    expect(model.batchSize).toBe(64);
    expect(model.epochs).toBe(3);
  });

  test('inductive bias with only cnn', async () => {
    const cnn = { architecture: { conv: [{ filters: 8, kernelSize: 3 }, { filters: 16, kernelSize: 3 }] }, learningRate: 0.01 };
    const result = await startIn(overrides, 'INDUCTIVE_BIAS', { cnn, instances: 2 });
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    const { params } = result.data!.startTemplate;
    expect(params.fc.architecture).toEqual({ conv: [], dense: [10] });
    expect(params.fc.learningRate).toBe(0.01);
    expect(params.cnn.learningRate).toBe(0.01);
    expect(params.cnn.batchSize).toBe(32);
    expect(params.fc.epochs).toBe(4);
  });

  test('cancelled run keeps its planned progress', async () => {
    const started = await startIn(overrides, 'RANDOMNESS_SOURCES', { trainSize: 100, instances: 2 });
    expect(started.errors, JSON.stringify(started.errors)).toBeUndefined();
    const { id, experiments } = started.data!.startTemplate;

    // The first experiment ran step 1 of 2: one instance finished and one more was queued for step 2.
    const firstId = experiments[0].experiment.id;
    const [model] = await harness.db.model.findMany({ where: { experimentId: firstId } });
    const seeds = { initSeed: 1, sampleSeed: 1, shuffleSeed: 1, trainSize: 100 };
    await harness.db.instance.create({ data: { modelId: model.id, instanceIndex: 0, step: 1, status: 'finished', testLoss: 0.5, ...seeds } });
    await harness.db.instance.create({ data: { modelId: model.id, instanceIndex: 1, step: 2, status: 'queued', ...seeds } });
    await harness.db.experiment.update({ where: { id: firstId }, data: { currentStep: 2, status: 'running' } });

    const cancelled = await post(harness, 'mutation($id: ID!) { cancelTemplateRun(id: $id) { status } }', { id }, { token: overrides.owner.token });
    expect(cancelled.errors, JSON.stringify(cancelled.errors)).toBeUndefined();
    const read = await post(harness, 'query($id: ID!) { templateRun(id: $id) { status fraction } }', { id }, { token: overrides.owner.token });
    expect(read.data!.templateRun.status).toBe('CANCELLED');
    // Planned: 2 instances in the first experiment (1 finished, 1 cancelled) and 2 in each of the 3 others; 1 of 8 ended.
    expect(read.data!.templateRun.fraction).toBe(1 / 8);
  });
});
