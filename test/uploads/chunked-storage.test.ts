/**
 * Uploads stored in many chunks: a small chunk size makes small files span
 * many staged batches and many `dataset_chunks` rows, so the chunked paths
 * run on files that stay fast to upload.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRng } from '../../lib/seeds.ts';
import { loadUploadedDataset } from '../../worker/datasets/uploaded.ts';
import { float32Npy, int64Npy, npzBytes } from './npy-files.ts';
import { snapshotDatasets, startUploadServer, TEST_LIMITS, upload, type UploadServer } from './upload-server.ts';

/** 1 KiB chunks: a 4x4 float32 sample is 64 bytes, so 16 samples per chunk. */
const CHUNK_BYTES = 1024;

let server: UploadServer;

beforeAll(async () => {
  server = await startUploadServer(TEST_LIMITS, { chunkBytes: CHUNK_BYTES });
});

afterAll(async () => {
  await server?.close();
});

/** Indexes of the test set as documented: shuffle 0..n-1 with the split seed (Fisher-Yates) and take the first round(n * fraction). */
function expectedTestIndexes(count: number, fraction: number, seed: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, Math.round(count * fraction)).sort((a, b) => a - b);
}

/** `count` samples of 4x4 float32 pixels, all equal to the sample index, with labels index % 10. */
function indexedImages(count: number): { inputs: Buffer; labels: Buffer } {
  const values = new Float32Array(count * 16);
  for (let i = 0; i < count; i++) values.fill(i, i * 16, (i + 1) * 16);
  return { inputs: float32Npy([count, 4, 4], values), labels: int64Npy(Array.from({ length: count }, (_, i) => i % 10)) };
}

/** Sample indexes of a part, read back from pixels that hold the index. */
function indexesOf(inputs: Float32Array): number[] {
  return Array.from({ length: inputs.length / 16 }, (_, i) => inputs[i * 16]);
}

async function chunkCounts(datasetId: string): Promise<{ train: number; test: number }> {
  const rows = await server.database.prisma.datasetChunk.groupBy({ by: ['part'], where: { datasetId }, _count: { _all: true } });
  const count = (part: string) => rows.find((row) => row.part === part)?._count._all ?? 0;
  return { train: count('train'), test: count('test') };
}

describe('multi-chunk npy upload', () => {
  test('stores every sample in its split', async () => {
    const count = 500;
    const { inputs, labels } = indexedImages(count);
    const response = await upload(server, Buffer.concat([inputs, labels]), { format: 'npy', task: 'classification', inputBytes: inputs.length, testFraction: 0.3, seed: 11 });
    expect(response.status).toBe(201);
    const datasetId = response.body.dataset!.id;

    const chunks = await chunkCounts(datasetId);
    expect(chunks.train).toBe(Math.ceil(350 / 16));
    expect(chunks.test).toBe(Math.ceil(150 / 16));

    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId });
    const testIndexes = indexesOf(dataset.testX);
    const trainIndexes = indexesOf(dataset.trainX);
    expect(testIndexes).toEqual(expectedTestIndexes(count, 0.3, 11));
    const everyIndex = Array.from({ length: count }, (_, i) => i);
    expect(trainIndexes).toEqual(everyIndex.filter((index) => !testIndexes.includes(index)));
    expect(Array.from(dataset.trainY)).toEqual(trainIndexes.map((index) => index % 10));
    expect(Array.from(dataset.testY)).toEqual(testIndexes.map((index) => index % 10));
  });

  test('same tensors as a deflated npz find the existing dataset', async () => {
    const { inputs, labels } = indexedImages(300);
    const first = await upload(server, Buffer.concat([inputs, labels]), { format: 'npy', task: 'classification', inputBytes: inputs.length, testFraction: 0.25, seed: 5 });
    expect(first.status).toBe(201);
    const before = await snapshotDatasets(server);

    const archive = npzBytes({ labels, images: inputs }, { deflate: true });
    const again = await upload(server, archive, { format: 'npz', task: 'classification', testFraction: 0.25, seed: 5 });
    expect(again.status).toBe(200);
    expect(again.body.existing).toBe(true);
    expect(again.body.dataset!.id).toBe(first.body.dataset!.id);
    expect(await snapshotDatasets(server)).toBe(before);
  });
});

describe('npz written by numpy', () => {
  // Written by numpy 2.4 (np.savez_compressed(x=..., y=...) and np.savez(y=..., x=...)) with
  // x = arange(360, dtype=float32).reshape(40, 3, 3) / 100 and y = arange(40) % 4.
  // numpy writes ZIP64 sizes in the local headers.
  test.each(['numpy-savez-compressed.npz', 'numpy-savez.npz'])('%s is read member by member', async (file) => {
    const archive = readFileSync(new URL(`./fixtures/${file}`, import.meta.url));
    const response = await upload(server, archive, { format: 'npz', task: 'classification', testFraction: 0.25, seed: 2 });
    expect(response.status).toBeLessThan(300);
    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId: response.body.dataset!.id });
    expect(dataset.inputShape).toEqual([3, 3, 1]);
    expect(dataset.trainY).toHaveLength(30);
    expect(dataset.testY).toHaveLength(10);
    const testIndexes = Array.from({ length: 10 }, (_, i) => Math.round(dataset.testX[i * 9] * 100) / 9);
    expect(testIndexes).toEqual(expectedTestIndexes(40, 0.25, 2));
    expect(Array.from(dataset.testY)).toEqual(testIndexes.map((index) => index % 4));
  });
});

/** Builds a CSV whose `id` column is the row index, with a noise column and class `c<id % 3>`. */
function indexedCsv(rows: number): string {
  const lines = ['id,noise,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 37) % 11},c${i % 3}`);
  return `${lines.join('\n')}\n`;
}

describe('multi-chunk CSV upload', () => {
  test('stores every row in its split', async () => {
    const rows = 900;
    const response = await upload(server, indexedCsv(rows), { format: 'csv', task: 'classification', target: 'label', testFraction: 0.2, seed: 9 });
    expect(response.status).toBe(201);
    const datasetId = response.body.dataset!.id;
    const chunks = await chunkCounts(datasetId);
    expect(chunks.train).toBeGreaterThan(1);
    expect(chunks.test).toBeGreaterThan(1);

    // The standardized id is increasing in the id, so ranking all samples by it gives back the ids.
    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId });
    const ids = [...Array.from({ length: dataset.trainY.length }, (_, i) => ({ value: dataset.trainX[i * 2], part: 'train', i })), ...Array.from({ length: dataset.testY.length }, (_, i) => ({ value: dataset.testX[i * 2], part: 'test', i }))]
      .sort((a, b) => a.value - b.value)
      .map((sample, id) => ({ ...sample, id }));
    const testIds = ids.filter((sample) => sample.part === 'test').sort((a, b) => a.i - b.i);
    expect(testIds.map((sample) => sample.id)).toEqual(expectedTestIndexes(rows, 0.2, 9));
    for (const sample of ids) {
      const labels = sample.part === 'train' ? dataset.trainY : dataset.testY;
      expect(labels[sample.i]).toBe(sample.id % 3);
    }
  });

  test('same result as one chunk', async () => {
    const single = await startUploadServer();
    try {
      const many = await upload(server, indexedCsv(400), { format: 'csv', task: 'classification', target: 'label', missing: 'mean', seed: 4 });
      const one = await upload(single, indexedCsv(400), { format: 'csv', task: 'classification', target: 'label', missing: 'mean', seed: 4 });
      const checksum = async (target: UploadServer, id: string) => (await target.database.prisma.dataset.findUniqueOrThrow({ where: { id } })).checksum;
      expect(await checksum(server, many.body.dataset!.id)).toBe(await checksum(single, one.body.dataset!.id));
    } finally {
      await single.close();
    }
  });

  test('median imputation over many batches', async () => {
    const lines = ['a,b,t'];
    for (let i = 0; i < 300; i++) lines.push(`${i % 7 === 0 ? '' : i},${i % 5},${i % 2 === 0 ? 'even' : 'odd'}`);
    const response = await upload(server, `${lines.join('\n')}\n`, { format: 'csv', task: 'classification', target: 't', missing: 'median', testFraction: 0.2, seed: 1 });
    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    expect((row.summary as { notes: { imputedCells: number } }).notes.imputedCells).toBe(Math.ceil(300 / 7));
  });
});

describe('failure in the middle of a large upload', () => {
  test('bad value after many staged batches leaves the database as before', async () => {
    const before = await snapshotDatasets(server);
    const response = await upload(server, `${indexedCsv(3000)}1e309,1,c0\n`, { format: 'csv', task: 'classification', target: 'label' });
    expect(response.body.error?.code).toBe('NON_FINITE_VALUE');
    expect(response.body.error?.message).toMatch(/line 3002/);
    expect(await snapshotDatasets(server)).toBe(before);
  });

  test('bad labels after the staged inputs leave the database as before', async () => {
    const before = await snapshotDatasets(server);
    const { inputs } = indexedImages(400);
    const labels = int64Npy(Array.from({ length: 400 }, (_, i) => (i === 399 ? 999 : i % 10)));
    const response = await upload(server, Buffer.concat([inputs, labels]), { format: 'npy', task: 'classification', inputBytes: inputs.length });
    expect(response.body.error?.code).toBe('LABEL_OUT_OF_RANGE');
    expect(await snapshotDatasets(server)).toBe(before);
  });

  test('database error after some chunks leaves the database as before', async () => {
    const before = await snapshotDatasets(server);
    const { inputs, labels } = indexedImages(2000);
    const body = Buffer.concat([inputs, labels]);
    const admin = new pg.Client({ connectionString: server.database.url });
    await admin.connect();
    try {
      // A constraint that the fourth chunk of a part violates: a real statement error after three chunks were written.
      await admin.query('ALTER TABLE dataset_chunks ADD CONSTRAINT upload_test_fourth_chunk CHECK (chunk_index < 3) NOT VALID');
      const query = new URLSearchParams({ studyId: server.studyId, name: 'interrupted', format: 'npy', task: 'classification', inputBytes: String(inputs.length) });
      const response = await fetch(`${server.url}/api/datasets/upload?${query}`, { method: 'POST', headers: { authorization: `Bearer ${server.tokens.owner}` }, body });
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('upload_test_fourth_chunk');
    } finally {
      await admin.query('ALTER TABLE dataset_chunks DROP CONSTRAINT IF EXISTS upload_test_fourth_chunk');
      await admin.end();
    }
    expect(await snapshotDatasets(server)).toBe(before);

    // The same upload goes through afterwards.
    const retry = await upload(server, body, { format: 'npy', task: 'classification', inputBytes: inputs.length });
    expect(retry.status).toBe(201);
  });
});
