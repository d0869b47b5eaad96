import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_MODEL_SPACE_SIZE } from '../../lib/space.ts';
import { smallConfig } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

const CREATE = `mutation($studyId: ID!, $config: JSON!) {
  createExperiment(studyId: $studyId, config: $config) { id modelCount exhaustiveTrainings }
}`;
const PREVIEW = 'query($config: JSON!) { previewModelSpace(dataset: "mnist", config: $config) { modelCount } }';

let harness: Harness;
let study: StudyFixture;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'experiment-input');
  await addMnist(harness.db);
});

afterAll(async () => {
  await harness?.close();
});

function create(config: unknown) {
  return post(harness, CREATE, { studyId: study.studyId, config }, { token: study.editor.token });
}

/** 25 architectures x 4 activations x 4 initializers x 5 learning rates x 5 batch sizes x 10 epoch counts. */
function largestSpace() {
  return {
    architectures: Array.from({ length: 25 }, (_, i) => ({ dense: [i + 1] })),
    activations: ['relu', 'elu', 'tanh', 'sigmoid'],
    initializers: ['he', 'glorot', 'lecun', 'normal'],
    learningRates: [0.0001, 0.0003, 0.001, 0.003, 0.01],
    batchSizes: [16, 32, 64, 128, 256],
    epochs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  };
}

describe('createExperiment input', () => {
  test('stores a model space at the size limit', async () => {
    const result = await create(smallConfig({ space: largestSpace() }));
    expect(result.errors).toBeUndefined();
    const experiment = result.data!.createExperiment;
    expect(experiment.modelCount).toBe(MAX_MODEL_SPACE_SIZE);
    expect(experiment.exhaustiveTrainings).toBe(MAX_MODEL_SPACE_SIZE * 4);

    const rows = await harness.db.$queryRaw<{ models: bigint; hashes: bigint }[]>`
      SELECT count(*) AS models, count(DISTINCT hash) AS hashes FROM models WHERE experiment_id = ${experiment.id}::uuid`;
    expect(Number(rows[0].models)).toBe(MAX_MODEL_SPACE_SIZE);
    expect(Number(rows[0].hashes)).toBe(MAX_MODEL_SPACE_SIZE);
  });

  test('rejects trainSize above the training pool', async () => {
    const before = await harness.db.experiment.count();
    const result = await create(smallConfig({ trainSize: 60_001 }));
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('config');
    expect(result.errors![0].message).toContain('trainSize');
    expect(result.errors![0].message).toContain('60001');
    expect(result.errors![0].message).toContain('60000 samples');
    expect(await harness.db.experiment.count()).toBe(before);
  });

  test('accepts trainSize equal to the training pool', async () => {
    const result = await create(smallConfig({ trainSize: 60_000 }));
    expect(result.errors).toBeUndefined();
  });

  const unknownKeys: [string, Record<string, unknown>, string][] = [
    ['selection typo', smallConfig({ selection: { warmupStep: 2, maxInstances: 4 } }), 'selection.warmupStep'],
    ['top-level typo', { ...smallConfig(), trainsize: 100 }, 'trainsize'],
    ['space typo', smallConfig({ space: { architectures: [{ dense: [8] }], learningRate: [0.1] } }), 'space.learningRate'],
    ['architecture typo', smallConfig({ space: { architectures: [{ dense: [8], convs: [] }] } }), 'space.architectures[0].convs'],
    ['rule typo', smallConfig({ selection: { rule: { kind: 'quantile', quantile: 0.3 } } }), 'selection.rule.quantile'],
  ];
  for (const [name, config, path] of unknownKeys) {
    test(`rejects unknown key: ${name}`, async () => {
      const result = await create(config);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].extensions.argumentName).toBe('config');
      expect(result.errors![0].message).toContain(`config at ${path}:`);
      expect(result.errors![0].message).toContain('Unrecognized key');
    });
  }
});

describe('previewModelSpace input', () => {
  test('accepts a whole config', async () => {
    const result = await post(harness, PREVIEW, { config: smallConfig() }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.previewModelSpace.modelCount).toBe(4);
  });

  test('accepts a space alone', async () => {
    const result = await post(harness, PREVIEW, { config: smallConfig().space }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.previewModelSpace.modelCount).toBe(4);
  });

  test('rejects an unknown key in the space', async () => {
    const space = { architectures: [{ dense: [8] }], batchSize: [32] };
    const result = await post(harness, PREVIEW, { config: space }, { token: study.viewer.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('config at space.batchSize:');
  });
});
