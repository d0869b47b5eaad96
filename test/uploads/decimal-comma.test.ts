/** Semicolon CSV files with decimal commas ("1,5"): detected in the preview and stored as numbers. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sniffCsv } from '../../server/uploads/csv-sniff.ts';
import type { DatasetSummary } from '../../server/uploads/summary.ts';
import { loadUploadedDataset } from '../../worker/datasets/uploaded.ts';
import { startUploadServer, upload, type UploadServer } from './upload-server.ts';

/** 12 rows: `width` with decimal commas, `count` integers, `note` text that looks like a decimal comma only sometimes, and a decimal-comma target. */
function decimalCommaCsv(): string {
  const lines = ['width;count;note;y'];
  for (let i = 0; i < 12; i++) lines.push(`${i},5;${i % 4};${i % 2 === 0 ? 'a' : '1,5'};-${i},25`);
  return `${lines.join('\n')}\n`;
}

describe('decimal comma preview', () => {
  test('marks all-numeric decimal-comma columns', () => {
    const preview = sniffCsv(decimalCommaCsv());

    expect(preview.delimiter).toBe(';');
    expect(preview.hasHeader).toBe(true);
    expect(preview.decimalCommaColumns).toEqual(['width', 'y']);
  });

  test('prefers the semicolon without a header', () => {
    const preview = sniffCsv('1,5;2,25;red\n2,5;3,75;blue\n3,5;1,0;red\n');

    expect(preview.delimiter).toBe(';');
    expect(preview.hasHeader).toBe(false);
    expect(preview.decimalCommaColumns).toEqual(['column_1', 'column_2']);
  });

  test('missing cells do not hide a decimal-comma column', () => {
    const preview = sniffCsv('a;b\n1,5;x\n;y\n2,5;x\n');

    expect(preview.decimalCommaColumns).toEqual(['a']);
  });

  test('comma-delimited files have none', () => {
    const preview = sniffCsv('a,b\n"1,5",x\n"2,5",y\n');

    expect(preview.delimiter).toBe(',');
    expect(preview.decimalCommaColumns).toEqual([]);
  });
});

describe('decimal comma upload', () => {
  let server: UploadServer;

  beforeAll(async () => {
    server = await startUploadServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  test('stores decimal-comma columns as numbers', async () => {
    const response = await upload(server, decimalCommaCsv(), { format: 'csv', task: 'regression', target: 'y', delimiter: 'semicolon', testFraction: 0.25, seed: 1 });

    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    const notes = (row.summary as unknown as DatasetSummary).notes;
    expect(notes.featureNames).toEqual(['width', 'count', 'note=1.5', 'note=a']);
    expect(notes.decimalCommaColumns).toEqual(['width', 'y']);
    expect(row.inputShape).toEqual([4]);

    const dataset = await loadUploadedDataset({ db: server.database.prisma, datasetId: row.id });
    const targets = [...dataset.trainY, ...dataset.testY].sort((a, b) => a - b);
    expect(targets).toEqual(Array.from({ length: 12 }, (_, i) => -(11 - i) - 0.25));
  });

  test('comma files keep "1,5" as text', async () => {
    const csv = ['a,b,y', ...Array.from({ length: 10 }, (_, i) => `"${i % 2},5",${i},${i % 2 === 0 ? 'p' : 'q'}`)].join('\n');

    const response = await upload(server, `${csv}\n`, { format: 'csv', task: 'classification', target: 'y', delimiter: 'comma' });

    expect(response.status).toBe(201);
    const row = await server.database.prisma.dataset.findUniqueOrThrow({ where: { id: response.body.dataset!.id } });
    expect((row.summary as unknown as DatasetSummary).notes.featureNames).toEqual(['a=0,5', 'a=1,5', 'b']);
  });
});
