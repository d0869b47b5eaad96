/**
 * Export of instances and per-sample predictions at 1,000,000 prediction
 * rows: 100 finished instances (10 models x 10) with 10,000 test samples each.
 * Memory is measured by bench/export.ts, not here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExperiment, packFloat32 } from '../graphql/fixtures.ts';
import { addMnist, addStudy, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';
import { scanLines, startExportServer } from './export-server.ts';

const MODELS = 10;
const INSTANCES_PER_MODEL = 10;
const SAMPLES = 10_000;
const NAN_SAMPLE = 5;

let harness: Harness;
let server: Awaited<ReturnType<typeof startExportServer>>;
let study: StudyFixture;
let experimentId: string;
/** Position (0 to 99) of every instance id, which fixes its expected values. */
const positionOf = new Map<string, number>();

function expectedLoss(position: number, sample: number): number {
  return position === 0 && sample === NAN_SAMPLE ? NaN : Math.fround(position + sample / SAMPLES);
}
function expectedProbability(sample: number): number {
  return Math.fround(((sample % 100) + 0.5) / 100);
}
function expectedClass(position: number, sample: number): number {
  return (position + sample) % 10;
}

async function addPredictions(instanceIds: string[]): Promise<void> {
  const rows = instanceIds.map((instanceId, position) => {
    positionOf.set(instanceId, position);
    const samples = Array.from({ length: SAMPLES }, (_, s) => s);
    return {
      instanceId,
      sampleCount: SAMPLES,
      predictedClass: new Uint8Array(samples.map((s) => expectedClass(position, s))),
      trueClassProb: packFloat32(samples.map(expectedProbability)),
      loss: packFloat32(samples.map((s) => expectedLoss(position, s))),
    };
  });
  for (let i = 0; i < rows.length; i += 10) await harness.db.instancePredictions.createMany({ data: rows.slice(i, i + 10) });
}

beforeAll(async () => {
  harness = await startHarness();
  server = await startExportServer(harness.db);
  study = await addStudy(harness.db, 'export');
  const datasetId = (await addMnist(harness.db)).id;
  const models = Array.from({ length: MODELS }, (_, m) => ({ label: `model ${m}`, finished: Array.from({ length: INSTANCES_PER_MODEL }, (_, i) => 0.1 * (i + 1)) }));
  const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models });
  experimentId = stored.experiment.id;
  await addPredictions(stored.instanceIds.flat());
}, 120_000);

afterAll(async () => {
  await server?.close();
  await harness?.close();
});

function exportUrl(kind: 'instances' | 'predictions', format: 'csv' | 'json'): string {
  return `${server.baseUrl}/api/export/experiments/${experimentId}/${kind}.${format}`;
}

function get(url: string, token?: string): Promise<Response> {
  return fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('predictions export', () => {
  test('CSV has 1,000,000 rows with the stored values', async () => {
    const response = await get(exportUrl('predictions', 'csv'), study.viewer.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');

    let header = '';
    let previous: { instanceId: string; sample: number } | null = null;
    let outOfOrder = 0;
    let checked = 0;
    const mismatches: string[] = [];
    const lines = await scanLines(response, (line, index) => {
      if (index === 0) return void (header = line);
      if (line === '') return;
      const [instanceId, , , sampleText, predictedClass, probability, loss] = line.split(',');
      const sample = Number(sampleText);
      if (previous && previous.instanceId === instanceId && sample !== previous.sample + 1) outOfOrder++;
      previous = { instanceId, sample };

      if (index % 997 === 0 || sample === NAN_SAMPLE) {
        checked++;
        const position = positionOf.get(instanceId)!;
        const lossValue = expectedLoss(position, sample);
        const expected = [expectedClass(position, sample), expectedProbability(sample), Number.isNaN(lossValue) ? '' : lossValue].join(',');
        const actual = [Number(predictedClass), Number(probability), loss === '' ? '' : Number(loss)].join(',');
        if (actual !== expected) mismatches.push(`line ${index}: ${actual} != ${expected}`);
      }
    });

    expect(header).toBe('instance_id,model_id,instance_index,sample_index,predicted_class,true_class_probability,loss');
    expect(lines - 1).toBe(MODELS * INSTANCES_PER_MODEL * SAMPLES);
    expect(outOfOrder).toBe(0);
    expect(checked).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  }, 120_000);

  test('JSON has 1,000,000 rows and NaN reasons', async () => {
    const response = await get(exportUrl('predictions', 'json'), study.owner.token);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');

    let objects = 0;
    let first = '';
    let last = '';
    let nanRow: Record<string, unknown> | null = null;
    await scanLines(response, (line, index) => {
      if (index === 1) first = line;
      if (!line.startsWith('{')) return;
      objects++;
      last = line;
      if (line.includes('"lossReason"')) nanRow = JSON.parse(line.replace(/,$/, ''));
    });

    expect(objects).toBe(MODELS * INSTANCES_PER_MODEL * SAMPLES);
    expect(Object.keys(JSON.parse(first.replace(/,$/, '')))).toEqual(['instanceId', 'modelId', 'instanceIndex', 'sampleIndex', 'predictedClass', 'trueClassProbability', 'loss']);
    expect(last.endsWith('}')).toBe(true);
    expect(nanRow).toMatchObject({ sampleIndex: NAN_SAMPLE, loss: null, lossReason: 'NaN' });
  }, 120_000);
});

describe('instances export', () => {
  test('JSON parses and lists every instance', async () => {
    const response = await get(exportUrl('instances', 'json'), study.editor.token);
    const instances = (await response.json()) as { instanceId: string; testLoss: number; createdAt: string }[];
    expect(instances).toHaveLength(MODELS * INSTANCES_PER_MODEL);
    expect(new Set(instances.map((instance) => instance.instanceId))).toEqual(new Set(positionOf.keys()));
    expect(instances[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('CSV has a header and one row per instance', async () => {
    const response = await get(exportUrl('instances', 'csv'), study.owner.token);
    const text = await response.text();
    const lines = text.trimEnd().split('\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['instance_id', 'model_id', 'model_label', 'model_status']);
    expect(lines).toHaveLength(1 + MODELS * INSTANCES_PER_MODEL);
  });
});

describe('export access', () => {
  test.each([
    ['outsider', 404, 'NOT_FOUND'],
    ['anonymous', 401, 'UNAUTHENTICATED'],
  ] as const)('%s gets %i', async (role, status, code) => {
    const token = role === 'anonymous' ? undefined : study.outsider.token;
    for (const kind of ['instances', 'predictions'] as const) {
      const response = await get(exportUrl(kind, 'csv'), token);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe(code);
    }
  });

  test('unknown API token is rejected', async () => {
    const response = await get(exportUrl('instances', 'csv'), `rlt_${'0'.repeat(43)}`);
    expect(response.status).toBe(401);
    const { errors } = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(errors[0].message).toContain('Invalid API token');
  });

  test('malformed id is BAD_USER_INPUT', async () => {
    const response = await get(`${server.baseUrl}/api/export/experiments/nope/predictions.csv`, study.owner.token);
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toContain('"nope"');
  });

  test('session cookie authenticates like Bearer', async () => {
    const response = await fetch(exportUrl('instances', 'json'), { headers: { cookie: `robustlab_session=${study.viewer.token}` } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });
});
