import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../worker/engine/backend.ts';
import { mnistSlice, SMALL_CNN, specOf } from '../../worker/engine/test-fixtures.ts';
import { trainInstance } from '../../worker/engine/train.ts';
import { captureWeights, storeInstanceWeights, type InstanceWeights } from '../../worker/weights.ts';
import { addExperiment } from '../graphql/fixtures.ts';
import { addMnist, addStudy, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';
import { startExportServer } from './export-server.ts';

const TEST_SAMPLES = 20;

let harness: Harness;
let server: Awaited<ReturnType<typeof startExportServer>>;
let study: StudyFixture;
let instanceId: string;
let unsavedInstanceId: string;
let inputs: Float32Array;
let trainedOutputs: number[][];
let weights: InstanceWeights;

beforeAll(async () => {
  await initBackend('cpu');
  const dataset = await mnistSlice(300, TEST_SAMPLES);
  inputs = dataset.testX;

  // Trains a real instance and keeps what the trained model predicts before the engine disposes it.
  await trainInstance({
    spec: specOf({ architecture: SMALL_CNN, epochs: 1 }),
    dataset,
    seeds: { init: 1, sample: 2, shuffle: 3 },
    trainSize: 200,
    validationFraction: 0,
    backend: 'cpu',
    onTrained: async (model) => {
      weights = await captureWeights(model);
      const output = model.predict(tf.tensor4d(inputs, [TEST_SAMPLES, 28, 28, 1])) as tf.Tensor;
      trainedOutputs = (await output.array()) as number[][];
      output.dispose();
    },
  });

  harness = await startHarness();
  server = await startExportServer(harness.db);
  study = await addStudy(harness.db, 'weights');
  const datasetId = (await addMnist(harness.db)).id;
  const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'cnn', finished: [0.5, 0.6] }] });
  [instanceId, unsavedInstanceId] = stored.instanceIds[0];
  await storeInstanceWeights({ db: harness.db, instanceId, weights });
  // A retried job stores the weights again; the first copy stays.
  await storeInstanceWeights({ db: harness.db, instanceId, weights });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await harness?.close();
});

function weightsUrl(id: string): string {
  return `${server.baseUrl}/api/export/instances/${id}/weights`;
}

describe('weights export', () => {
  test('tf.loadLayersModel loads the trained model', async () => {
    const model = await tf.loadLayersModel(weightsUrl(instanceId), {
      requestInit: { headers: { authorization: `Bearer ${study.viewer.token}` } },
    });
    const output = model.predict(tf.tensor4d(inputs, [TEST_SAMPLES, 28, 28, 1])) as tf.Tensor;
    const loaded = (await output.array()) as number[][];

    expect(loaded).toHaveLength(TEST_SAMPLES);
    for (let i = 0; i < TEST_SAMPLES; i++) {
      for (let c = 0; c < 10; c++) expect(loaded[i][c]).toBeCloseTo(trainedOutputs[i][c], 6);
    }
    model.dispose();
  });

  test('model.json points at the sibling binary', async () => {
    const response = await fetch(weightsUrl(instanceId), { headers: { authorization: `Bearer ${study.owner.token}` } });
    const modelJson = (await response.json()) as { format: string; weightsManifest: { paths: string[]; weights: unknown[] }[] };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);

    const binary = await fetch(`${weightsUrl(instanceId)}.bin`, { headers: { authorization: `Bearer ${study.owner.token}` } });
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');
    expect((await binary.arrayBuffer()).byteLength).toBe(weights.weightData.byteLength);
  });

  test('instance without weights is NOT_FOUND', async () => {
    const response = await fetch(weightsUrl(unsavedInstanceId), { headers: { authorization: `Bearer ${study.owner.token}` } });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('no stored weights');
  });

  test.each([
    ['outsider', 404],
    ['anonymous', 401],
  ] as const)('%s gets %i', async (role, status) => {
    const headers: Record<string, string> = role === 'outsider' ? { authorization: `Bearer ${study.outsider.token}` } : {};
    for (const url of [weightsUrl(instanceId), `${weightsUrl(instanceId)}.bin`]) {
      expect((await fetch(url, { headers })).status).toBe(status);
    }
  });
});
