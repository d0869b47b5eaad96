import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { QUEUE_SCHEDULE } from '../../lib/config.ts';
import { expandModelSpace } from '../../lib/space.ts';
import { addExperiment, smallConfig } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

const CREATE = `mutation($studyId: ID!, $config: JSON!) {
  createExperiment(studyId: $studyId, config: $config) {
    id name status statistic warmupSteps maxInstances modelCount exhaustiveTrainings trainingsSpent savingFactor
    dataset { key } study { id }
    progress { status plannedInstances fraction activeModels }
  }
}`;

let harness: Harness;
let study: StudyFixture;
let datasetId: string;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'experiments');
  datasetId = (await addMnist(harness.db)).id;
});

afterAll(async () => {
  await harness?.close();
});

function create(config: unknown) {
  return post(harness, CREATE, { studyId: study.studyId, config }, { token: study.editor.token });
}

describe('createExperiment', () => {
  test('stores models and enqueues scheduling', async () => {
    const result = await create(smallConfig());
    expect(result.errors).toBeUndefined();
    const experiment = result.data!.createExperiment;

    const expected = expandModelSpace(smallConfig().space as never, { shape: [28, 28, 1], classes: 10 });
    expect(experiment.modelCount).toBe(expected.models.length);
    expect(experiment.modelCount).toBe(4);
    expect(experiment.exhaustiveTrainings).toBe(4 * 4);
    expect(experiment.statistic).toBe('MEDIAN');
    expect(experiment.warmupSteps).toBe(2);
    expect(experiment.maxInstances).toBe(4);
    expect(experiment.trainingsSpent).toBe(0);
    expect(experiment.savingFactor).toBeNull();
    expect(experiment.dataset.key).toBe('mnist');
    expect(experiment.study.id).toBe(study.studyId);
    expect(experiment.progress).toEqual({ status: 'QUEUED', plannedInstances: 16, fraction: 0, activeModels: 4 });

    const models = await harness.db.model.findMany({ where: { experimentId: experiment.id }, orderBy: { hash: 'asc' } });
    expect(models.map((model) => model.hash)).toEqual(expected.models.map((model) => model.hash).sort());

    const jobs = await harness.boss.fetch<{ experimentId: string }>(QUEUE_SCHEDULE, { batchSize: 10 });
    expect(jobs.map((job) => job.data.experimentId)).toContain(experiment.id);
  });

  const invalid: [string, unknown, string, string][] = [
    ['missing name', smallConfig({ name: undefined }), 'config at name', 'missing'],
    ['bad activation', smallConfig({ space: { architectures: [{ dense: [8] }], activations: ['swish'] } }), 'space.activations[0]', '"swish"'],
    ['too small trainSize', smallConfig({ trainSize: 3 }), 'trainSize', '3'],
    ['three conv layers', smallConfig({ space: { architectures: [{ conv: [{ filters: 1, kernelSize: 3 }, { filters: 1, kernelSize: 3 }, { filters: 1, kernelSize: 3 }] }] } }), 'space.architectures[0].conv', '[{'],
    ['warm-up above cap', smallConfig({ selection: { warmupSteps: 9, maxInstances: 4 } }), 'selection.warmupSteps', '9'],
    ['config not an object', 'mnist please', '(root)', '"mnist please"'],
  ];
  for (const [name, config, path, value] of invalid) {
    test(`rejects ${name}`, async () => {
      const result = await create(config);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].extensions.argumentName).toBe('config');
      expect(result.errors![0].message).toContain(path);
      expect(result.errors![0].message).toContain(`value ${value}`);
    });
  }

  test('error message lists allowed activations', async () => {
    const result = await create(smallConfig({ space: { architectures: [{ dense: [8] }], activations: ['swish'] } }));
    expect(result.errors![0].message).toContain('relu');
    expect(result.errors![0].message).toContain('sigmoid');
  });

  test('rejects unknown dataset naming allowed keys', async () => {
    const result = await create(smallConfig({ dataset: 'cifar' }));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('"cifar"');
    expect(result.errors![0].message).toContain('expected one of mnist');
  });

  test('rejects a space with no model within budget', async () => {
    const result = await create(smallConfig({ space: { architectures: [{ dense: [512] }], parameterBudget: 1000 } }));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('no model is within the parameter budget of 1000');
    expect(result.errors![0].message).toContain('1 models exceed it');
  });

  test('stores nothing for invalid config', async () => {
    const before = await harness.db.experiment.count();
    await create(smallConfig({ trainSize: -1 }));
    expect(await harness.db.experiment.count()).toBe(before);
  });
});

describe('previewModelSpace', () => {
  test('counts models and over-budget ones', async () => {
    const space = { architectures: [{ dense: [8] }, { dense: [512] }], learningRates: [0.001, 0.01, 0.1], parameterBudget: 10_000 };
    const result = await post(
      harness,
      'query($config: JSON!) { previewModelSpace(dataset: "mnist", config: $config) { modelCount overBudget exhaustiveTrainings models { label parameterCount } } }',
      { config: { space, selection: { maxInstances: 5, warmupSteps: 2 } } },
      { token: study.viewer.token },
    );
    expect(result.errors).toBeUndefined();
    const expected = expandModelSpace(space as never, { shape: [28, 28, 1], classes: 10 });
    expect(result.data!.previewModelSpace.modelCount).toBe(3);
    expect(result.data!.previewModelSpace.overBudget).toBe(expected.overBudget);
    expect(result.data!.previewModelSpace.exhaustiveTrainings).toBe(15);
    expect(result.data!.previewModelSpace.models).toEqual(expected.models.map(({ label, parameterCount }) => ({ label, parameterCount })));
  });

  test('unknown dataset names the argument', async () => {
    const result = await post(harness, '{ previewModelSpace(dataset: "nope", config: { architectures: [{ dense: [8] }] }) { modelCount } }', {}, { token: study.viewer.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('dataset');
  });
});

describe('cancelExperiment', () => {
  test('cancels queued instances and keeps finished ones', async () => {
    const { experiment, instanceIds } = await addExperiment(harness.db, {
      studyId: study.studyId,
      datasetId,
      models: [{ label: 'a', finished: [0.5], queued: 2 }],
    });
    const result = await post(harness, 'mutation($id: ID!) { cancelExperiment(id: $id) { status finishedAt } }', { id: experiment.id }, { token: study.owner.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.cancelExperiment.status).toBe('CANCELLED');
    expect(result.data!.cancelExperiment.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const statuses = await harness.db.instance.findMany({ where: { id: { in: instanceIds[0] } }, orderBy: { instanceIndex: 'asc' } });
    expect(statuses.map((instance) => instance.status)).toEqual(['finished', 'cancelled', 'cancelled']);
  });

  test('cancelling twice is CONFLICT', async () => {
    const { experiment } = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [] }] });
    const mutation = 'mutation($id: ID!) { cancelExperiment(id: $id) { status } }';
    await post(harness, mutation, { id: experiment.id }, { token: study.owner.token });
    const second = await post(harness, mutation, { id: experiment.id }, { token: study.owner.token });
    expect(errorCode(second)).toBe('CONFLICT');
    expect(second.errors![0].message).toContain('cancelled');
  });
});
