import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadUploadedDataset } from '../../worker/datasets/uploaded.ts';
import type { DatasetSummary } from '../../server/uploads/summary.ts';
import { float32Npy, int64Npy, npyBytes, npzBytes } from './npy-files.ts';
import { snapshotDatasets, startUploadServer, upload, type UploadServer } from './upload-server.ts';

let server: UploadServer;

beforeAll(async () => {
  server = await startUploadServer();
});

afterAll(async () => {
  await server?.close();
});

/** 20 rows: a numeric feature, a quoted text feature with delimiters, quotes and a line break, a constant column. */
function tabularCsv(): string {
  const lines = ['\ufeffsize;colour;const;kind'];
  for (let i = 0; i < 20; i++) {
    const colour = ['"red; dark"', '"say ""blue"""', '"green\nlight"'][i % 3];
    lines.push(`${i};${colour};7;${i < 10 ? 'small' : 'large'}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('CSV upload', () => {
  test('detects delimiter and header, strips the BOM and encodes columns', async () => {
    const response = await upload(server, tabularCsv(), { format: 'csv', task: 'classification', target: 'kind', testFraction: 0.25, seed: 3 });
    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    const summary = row.summary as unknown as DatasetSummary;

    expect(row.studyId).toBe(server.studyId);
    expect(row.task).toBe('classification');
    expect(row.inputShape).toEqual([4]);
    expect(row.classes).toBe(2);
    expect(row.trainCount).toBe(15);
    expect(row.testCount).toBe(5);
    expect(summary.notes.delimiter).toBe(';');
    expect(summary.notes.hasHeader).toBe(true);
    expect(summary.notes.featureNames).toEqual(['size', 'colour=green\nlight', 'colour=red; dark', 'colour=say "blue"']);
    expect(summary.notes.droppedConstantColumns).toEqual(['const']);
    expect(summary.notes.classNames).toEqual(['large', 'small']);
    expect(summary.classBalance!.reduce((sum, entry) => sum + entry.train + entry.test, 0)).toBe(20);

    const activity = await server.database.prisma.activityEvent.findMany({ where: { datasetId: row.id } });
    expect(activity.map((event) => event.kind)).toEqual(['dataset_added']);
  });

  test('same content again finds the existing dataset', async () => {
    const first = await upload(server, tabularCsv(), { format: 'csv', task: 'classification', target: 'kind', testFraction: 0.25, seed: 3 });
    const before = await snapshotDatasets(server);
    const again = await upload(server, tabularCsv(), { format: 'csv', task: 'classification', target: 'kind', testFraction: 0.25, seed: 3 });
    expect(again.status).toBe(200);
    expect(again.body.existing).toBe(true);
    expect(again.body.dataset!.id).toBe(first.body.dataset!.id);
    expect(await snapshotDatasets(server)).toBe(before);
  });

  test('another split seed is another dataset', async () => {
    const first = await upload(server, tabularCsv(), { format: 'csv', task: 'classification', target: 'kind', testFraction: 0.25, seed: 3 });
    const other = await upload(server, tabularCsv(), { format: 'csv', task: 'classification', target: 'kind', testFraction: 0.25, seed: 4 });
    expect(other.status).toBe(201);
    expect(other.body.dataset!.id).not.toBe(first.body.dataset!.id);
  });

  test('imputes missing values with the chosen rule', async () => {
    const text = 'x,y,t\n1,10,0.5\n,20,1.5\n3,,2.5\n5,40,3.5\n7,50,4.5\n9,60,5.5\n';
    const response = await upload(server, text, { format: 'csv', task: 'regression', target: 't', missing: 'median', testFraction: 0.3 });
    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    const summary = row.summary as unknown as DatasetSummary;
    expect(row.task).toBe('regression');
    expect(row.classes).toBe(1);
    expect(summary.notes.imputedCells).toBe(2);
    expect(summary.targetHistogram!.counts.reduce((sum, count) => sum + count, 0)).toBe(row.trainCount);

    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId: row.id });
    expect(dataset.trainY).toBeInstanceOf(Float32Array);
    expect([...dataset.trainY, ...dataset.testY].sort()).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(dataset.trainX.every(Number.isFinite)).toBe(true);
  });

  test('keeps labels seen only in the test file when confirmed', async () => {
    const train = 'a,label\n1,x\n2,y\n3,x\n4,y\n';
    const testFile = 'a,label\n5,x\n6,z\n';
    const response = await upload(server, train + testFile, { format: 'csv', task: 'classification', target: 'label', testBytes: testFile.length, confirmUnseenLabels: true });
    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    expect(row.trainCount).toBe(4);
    expect(row.testCount).toBe(2);
    expect(row.classes).toBe(3);
    expect((row.summary as unknown as DatasetSummary).notes.unseenTestLabels).toEqual(['z']);
  });
});

describe('tensor upload', () => {
  test('uint8 npy inputs with labels npy are scaled and stored in chunks', async () => {
    const pixels = Uint8Array.from({ length: 10 * 3 * 3 }, (_, i) => i % 256);
    const inputs = npyBytes('|u1', [10, 3, 3], pixels);
    const labels = int64Npy([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
    const response = await upload(server, Buffer.concat([inputs, labels]), { format: 'npy', task: 'classification', inputBytes: inputs.length, testFraction: 0.2, seed: 1 });
    expect(response.status).toBe(201);

    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId: response.body.dataset!.id });
    expect(dataset.inputShape).toEqual([3, 3, 1]);
    expect(dataset.classes).toBe(3);
    expect(dataset.trainY).toHaveLength(8);
    expect(dataset.testY).toHaveLength(2);
    expect(Math.max(...dataset.trainX, ...dataset.testX)).toBeCloseTo(89 / 255, 6);
  });

  test('labels as CSV next to the npy inputs', async () => {
    const inputs = float32Npy([4, 2, 2, 3], Array.from({ length: 48 }, (_, i) => i / 48));
    const labels = 'label\ncat\ndog\ncat\ndog\n';
    const response = await upload(server, Buffer.concat([inputs, Buffer.from(labels)]), { format: 'npy', task: 'classification', inputBytes: inputs.length, labelsFormat: 'csv', testFraction: 0.5, seed: 2, confirmUnseenLabels: true });
    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    expect(row.inputShape).toEqual([2, 2, 3]);
    expect((row.summary as unknown as DatasetSummary).notes.classNames).toEqual(['cat', 'dog']);
  });

  test('npz with its own test arrays', async () => {
    const archive = npzBytes({
      x: float32Npy([4, 2, 2], Array.from({ length: 16 }, (_, i) => i)),
      y: int64Npy([0, 1, 0, 1]),
      x_test: float32Npy([2, 2, 2], Array.from({ length: 8 }, (_, i) => -i)),
      y_test: int64Npy([1, 0]),
    });
    const response = await upload(server, archive, { format: 'npz', task: 'classification' });
    expect(response.status).toBe(201);
    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId: response.body.dataset!.id });
    expect(Array.from(dataset.testY)).toEqual([1, 0]);
    expect(Array.from(dataset.testX.subarray(0, 4))).toEqual([-0, -1, -2, -3]);
  });
});
