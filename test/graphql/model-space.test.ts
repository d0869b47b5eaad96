import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExperiment, smallConfig } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

const CREATE = `mutation($studyId: ID!, $config: JSON!) {
  createExperiment(studyId: $studyId, config: $config) { id modelCount exhaustiveTrainings }
}`;
const PREVIEW = `query($dataset: String!, $config: JSON!) {
  previewModelSpace(dataset: $dataset, config: $config) {
    modelCount overBudget spaceSize withinBudget sampling exhaustiveTrainings trainings { min expected max }
  }
}`;

let harness: Harness;
let study: StudyFixture;
let mnistId: string;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'model-space');
  mnistId = (await addMnist(harness.db)).id;
  await harness.db.dataset.create({
    data: {
      key: 'calorimeter-position-a',
      version: 2,
      name: 'Calorimeter position A',
      task: 'regression',
      inputShape: [15, 15, 1],
      classes: 2,
      trainCount: 51_200,
      testCount: 12_800,
      checksum: 'test-checksum-position',
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

function create(config: unknown) {
  return post(harness, CREATE, { studyId: study.studyId, config }, { token: study.editor.token });
}

function preview(dataset: string, config: unknown) {
  return post(harness, PREVIEW, { dataset, config }, { token: study.viewer.token });
}

/** 3 widths x 3 activations x 4 learning rates x 3 batch sizes; the width 300 model is over the 30,000 budget on MNIST. */
const WIDE_SPACE = {
  architectures: [{ dense: [8] }, { dense: [16] }, { dense: [300] }],
  activations: ['relu', 'prelu', 'tanh'],
  learningRates: [0.0003, 0.001, 0.003, 0.01],
  batchSizes: [16, 32, 64],
};

describe('previewModelSpace sampling and estimates', () => {
  test('random sampling reports the sample and the space', async () => {
    const result = await preview('mnist', { space: { ...WIDE_SPACE, sampling: { kind: 'random', count: 40, seed: 3 } }, selection: { warmupSteps: 2, maxInstances: 6 } });
    expect(result.errors).toBeUndefined();
    const summary = result.data!.previewModelSpace;

    expect(summary.modelCount).toBe(40);
    expect(summary.sampling).toBe('RANDOM');
    expect(summary.spaceSize).toBe(108);
    expect(summary.withinBudget).toBe(72);
    expect(summary.overBudget).toBe(36);
    expect(summary.exhaustiveTrainings).toBe(240);
    // Median rule: 40 models x 3 steps, then 20, 10, 5 survivors.
    expect(summary.trainings).toEqual({ min: 120, expected: 120 + 20 + 10 + 5, max: 240 });
  });

  test('grid sampling counts the whole budgeted grid', async () => {
    const result = await preview('mnist', { space: WIDE_SPACE, selection: { warmupSteps: 2, maxInstances: 6, rule: { kind: 'keepBest', n: 4 } } });
    const summary = result.data!.previewModelSpace;

    expect(summary.sampling).toBe('GRID');
    expect(summary.modelCount).toBe(72);
    expect(summary.trainings).toEqual({ min: 216, expected: 216 + 4 * 3, max: 432 });
  });

  test('rejects a sample larger than the budgeted space', async () => {
    const result = await preview('mnist', { ...WIDE_SPACE, sampling: { kind: 'random', count: 73, seed: 3 } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toBe(
      'Invalid config at space: Invalid sampling.count 73: only 72 of the 108 models are within the parameter budget of 30000; lower the count, raise the budget or use grid sampling.',
    );
  });

  test('rejects a loss of the other task', async () => {
    const result = await preview('mnist', { architectures: [{ dense: [8] }], losses: ['huber'] });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toBe(
      "Invalid config at space: loss 'huber' (losses[0]) does not fit the classification task of the dataset; use cross_entropy.",
    );
  });
});

describe('createExperiment model space', () => {
  test('stores losses and early stopping in each model', async () => {
    const config = {
      ...smallConfig({ dataset: 'calorimeter-position-a' }),
      space: { architectures: [{ dense: [8] }], learningRates: [0.001, 0.01], losses: [{ kind: 'huber', delta: 0.5 }], earlyStopping: { patience: 2 } },
    };
    const result = await create(config);
    expect(result.errors).toBeUndefined();

    const models = await harness.db.model.findMany({ where: { experimentId: result.data!.createExperiment.id }, orderBy: { label: 'asc' } });
    expect(models.map((model) => model.label)).toEqual([
      'd8 relu adam lr=0.001 bs=32 loss=huber:0.5 patience=2',
      'd8 relu adam lr=0.01 bs=32 loss=huber:0.5 patience=2',
    ]);
    // 225 inputs to 8 units, then 8 to the 2 targets x and y.
    expect(models.every((model) => model.parameterCount === 226 * 8 + 9 * 2)).toBe(true);
    expect((models[0].config as { earlyStopping: unknown }).earlyStopping).toEqual({ patience: 2, minDelta: 0, restoreBestWeights: false });
  });

  test('rejects two losses in one experiment', async () => {
    const config = { ...smallConfig({ dataset: 'calorimeter-position-a' }), space: { architectures: [{ dense: [8] }], losses: ['mse', { kind: 'huber', delta: 1 }] } };
    const created = await create(config);
    expect(errorCode(created)).toBe('BAD_USER_INPUT');
    expect(created.errors![0].message).toMatch(/^Invalid config at space\.losses: .*found 2 losses\. Start one experiment per loss\.$/);

    const previewed = await preview('calorimeter-position-a', config);
    expect(errorCode(previewed)).toBe('BAD_USER_INPUT');
    expect(previewed.errors![0].message).toMatch(/^Invalid config at space\.losses: /);
  });

  test('random sample without count takes the smaller space', async () => {
    const space = { ...WIDE_SPACE, sampling: { kind: 'random', seed: 2 } };
    const previewed = await preview('mnist', space);
    expect(previewed.errors).toBeUndefined();
    expect(previewed.data!.previewModelSpace.modelCount).toBe(72);

    const result = await create(smallConfig({ space }));
    expect(result.errors).toBeUndefined();
    expect(result.data!.createExperiment.modelCount).toBe(72);
    const stored = await harness.db.experiment.findUniqueOrThrow({ where: { id: result.data!.createExperiment.id } });
    expect((stored.config as { space: { sampling: unknown } }).space.sampling).toEqual({ kind: 'random', count: 72, seed: 2 });
  });

  test('stores the random sample', async () => {
    const result = await create(smallConfig({ space: { ...WIDE_SPACE, sampling: { kind: 'random', count: 5, seed: 9 } } }));
    expect(result.errors).toBeUndefined();
    expect(result.data!.createExperiment.modelCount).toBe(5);
  });

  test('rejects early stopping without validation samples', async () => {
    const result = await create(smallConfig({ space: { architectures: [{ dense: [8] }], earlyStopping: { patience: 2 } }, validationFraction: 0 }));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/^Invalid config at space\.earlyStopping: .*validationFraction must be above 0/);
  });

  test('rejects a validation split of 0 samples', async () => {
    const result = await create(smallConfig({ space: { architectures: [{ dense: [8] }], earlyStopping: { patience: 2 } }, trainSize: 10, validationFraction: 0.01 }));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toMatch(/^Invalid config at space\.earlyStopping: .*trainSize 10 x validationFraction 0\.01 rounds to 0 validation samples/);
  });

  test('rejects a loss of the other task', async () => {
    const result = await create(smallConfig({ space: { architectures: [{ dense: [8] }], losses: ['mae'] } }));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain("loss 'mae' (losses[0]) does not fit the classification task");
  });
});

describe('instance fields', () => {
  test('reads stopped epoch and test metrics', async () => {
    const { instanceIds } = await addExperiment(harness.db, { studyId: study.studyId, datasetId: mnistId, models: [{ label: 'm', finished: [0.5] }] });
    const instanceId = instanceIds[0][0];
    await harness.db.instance.update({
      where: { id: instanceId },
      data: { stoppedEpoch: 4, testMetrics: [{ name: 'RMSE(E)', value: 1.5, unit: 'GeV' }, { name: 'RMSE(E)/E', value: null, unit: '' }] },
    });

    const result = await post(harness, 'query($id: ID!) { instance(id: $id) { stoppedEpoch testMetrics { name value unit } } }', { id: instanceId }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.instance).toEqual({
      stoppedEpoch: 4,
      testMetrics: [
        { name: 'RMSE(E)', value: 1.5, unit: 'GeV' },
        { name: 'RMSE(E)/E', value: null, unit: '' },
      ],
    });
  });
});
