import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { float32Npy, int64Npy, npyBytes, npzBytes } from './npy-files.ts';
import { snapshotDatasets, startUploadServer, upload, type UploadServer } from './upload-server.ts';

/** A valid two-class CSV of `rows` data rows. */
function goodCsv(rows = 40, delimiter = ','): string {
  const lines = [['a', 'b', 'label'].join(delimiter)];
  for (let i = 0; i < rows; i++) lines.push([i, (i * 7) % 11, i % 2 === 0 ? 'even' : 'odd'].join(delimiter));
  return `${lines.join('\n')}\n`;
}

const csv = (text: string | Uint8Array, extra: Record<string, string | number | boolean> = {}) => ({
  body: text,
  query: { format: 'csv', task: 'classification', target: 'label', ...extra },
});

const images = float32Npy([6, 2, 2], Array.from({ length: 24 }, (_, i) => i / 24));
const npy = (inputs: Buffer, labels: Buffer, extra: Record<string, string | number | boolean> = {}) => ({
  body: Buffer.concat([inputs, labels]),
  query: { format: 'npy', task: 'classification', inputBytes: inputs.length, testFraction: 0.5, ...extra },
});

interface BadInput {
  name: string;
  body: string | Uint8Array;
  query: Record<string, string | number | boolean>;
  code: string;
  message: RegExp;
  token?: 'viewer' | 'outsider' | 'none';
}

const cases: BadInput[] = [
  { name: 'empty file', ...csv(''), code: 'EMPTY_FILE', message: /is empty/ },
  { name: 'empty file without target', body: '', query: { format: 'csv', task: 'classification' }, code: 'EMPTY_FILE', message: /is empty/ },
  { name: 'header only', ...csv('a,b,label\n', { header: true }), code: 'NO_DATA_ROWS', message: /no data rows/ },
  { name: 'ragged row', ...csv('a,b,label\n1,2,x\n3,y\n'), code: 'RAGGED_ROW', message: /line 3 has 2 fields, but the header has 3/ },
  { name: 'stray quote', ...csv('a,b,label\n1,2"5,x\n3,4,y\n'), code: 'STRAY_QUOTE', message: /stray quote on line 2/ },
  { name: 'unterminated quote', ...csv('a,b,label\n1,2,"x\n3,4,y\n'), code: 'UNTERMINATED_QUOTE', message: /opened on line 2 is never closed/ },
  { name: 'wrong delimiter', ...csv(goodCsv(), { delimiter: 'semicolon', header: true }), code: 'WRONG_DELIMITER', message: /delimiter comma/ },
  { name: 'NaN as text', ...csv('a,b,label\n1,2,x\nNaN,4,y\n'), code: 'NON_FINITE_VALUE', message: /"NaN" on line 3, column "a"/ },
  { name: 'Infinity as text', ...csv('a,b,label\n1,-Infinity,x\n2,4,y\n'), code: 'NON_FINITE_VALUE', message: /"-Infinity" on line 2, column "b"/ },
  { name: '1e309', ...csv('a,b,label\n1,2,x\n1e309,4,y\n'), code: 'NON_FINITE_VALUE', message: /"1e309".*float32 range/ },
  { name: 'huge single line', ...csv(`a,b,label\n${'9'.repeat(70_000)},1,x\n`), code: 'LINE_TOO_LONG', message: /longer than 65536 characters/ },
  { name: 'binary garbage named .csv', ...csv(Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), code: 'BINARY_FILE', message: /NUL byte/ },
  { name: 'UTF-16 text', ...csv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b,label\n1,2,x\n3,4,y\n', 'utf16le')])), code: 'INVALID_ENCODING', message: /UTF-16 byte-order mark/ },
  { name: 'non-UTF-8 text', ...csv(Buffer.from('a,b,label\n1,2,caf\xe9\n3,4,th\xe9\n', 'latin1')), code: 'INVALID_ENCODING', message: /not valid UTF-8/ },
  { name: 'duplicate column names', ...csv('a,a,label\n1,2,x\n3,4,y\n'), code: 'DUPLICATE_COLUMN', message: /both named "a"/ },
  { name: 'single class', ...csv('a,b,label\n1,2,x\n3,4,x\n5,6,x\n'), code: 'SINGLE_CLASS', message: /every row has the class "x"/ },
  { name: '0-row test split', ...csv(goodCsv(10), { testFraction: 0.01 }), code: 'EMPTY_TEST_SPLIT', message: /test set of 0 samples/ },
  { name: 'missing value rejected', ...csv('a,b,label\n1,2,x\n,4,y\n5,6,x\n'), code: 'MISSING_VALUE', message: /line 3 .*column "a"/ },
  { name: 'unknown target column', ...csv(goodCsv(), { target: 'class' }), code: 'UNKNOWN_TARGET_COLUMN', message: /"class".*"a", "b", "label"/ },
  { name: 'text regression target', ...csv(goodCsv(), { task: 'regression' }), code: 'INVALID_TARGET', message: /"even"; expected numbers/ },
  { name: 'too many columns', ...csv(`${Array.from({ length: 60 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(59)}1\n`, { target: 'c0' }), code: 'TOO_MANY_COLUMNS', message: /60 columns, more than 50/ },
  { name: 'too many rows', ...csv(goodCsv(5001)), code: 'TOO_MANY_ROWS', message: /more than 5000 data rows/ },
  { name: 'file over the size limit', ...csv(`a,b,label\n${'1,2,x\n'.repeat(400_000)}`), code: 'FILE_TOO_LARGE', message: /larger than 2097152 bytes/ },
  { name: 'too many categories', ...csv(`a,b,label\n${Array.from({ length: 30 }, (_, i) => `1,cat${i},${i % 2}`).join('\n')}\n`), code: 'TOO_MANY_CATEGORIES', message: /"b".*30 distinct text values, more than 20/ },
  { name: 'only constant features', ...csv('a,b,label\n1,2,x\n1,2,y\n1,2,x\n1,2,y\n1,2,x\n'), code: 'NO_FEATURES', message: /constant columns dropped: a, b/ },
  { name: 'label seen only in the test file', body: `${goodCsv()}a,b,label\n1,2,even\n3,4,rare\n`, query: { format: 'csv', task: 'classification', target: 'label', testBytes: 'a,b,label\n1,2,even\n3,4,rare\n'.length }, code: 'UNSEEN_TEST_LABELS', message: /"rare" occur in the test set but not in the training pool/ },
  { name: 'missing target parameter', ...csv(goodCsv(), { target: '' }), code: 'INVALID_PARAMETER', message: /parameter target/ },
  { name: 'npy with wrong magic', ...npy(Buffer.from('PK\x03\x04 not a numpy file at all'), int64Npy([0, 1, 0, 1, 0, 1])), code: 'INVALID_NPY', message: /magic string/ },
  { name: 'truncated npy', ...npy(images.subarray(0, images.length - 10), int64Npy([0, 1, 0, 1, 0, 1])), code: 'TRUNCATED_NPY', message: /needs 96 data bytes, but the file has 86/ },
  { name: 'inputs and labels shape mismatch', ...npy(images, int64Npy([0, 1, 0, 1, 0])), code: 'SHAPE_MISMATCH', message: /5 labels, but the inputs .npy has 6 samples/ },
  { name: 'object dtype', ...npy(npyBytes('|O', [6, 2, 2], new Uint8Array(24 * 8)), int64Npy([0, 1, 0, 1, 0, 1])), code: 'UNSUPPORTED_DTYPE', message: /dtype \|O is not supported/ },
  { name: 'labels out of range', ...npy(images, int64Npy([0, 1, 0, 300, 0, 1])), code: 'LABEL_OUT_OF_RANGE', message: /label 300 at index 3/ },
  { name: 'npy single class', ...npy(images, int64Npy([2, 2, 2, 2, 2, 2])), code: 'SINGLE_CLASS', message: /every label is 2/ },
  { name: 'npy inputs without image axes', ...npy(float32Npy([6, 4], new Array(24).fill(0.5)), int64Npy([0, 1, 0, 1, 0, 1])), code: 'INVALID_SHAPE', message: /shape \(6, 4\) has 2 axes/ },
  { name: 'npy NaN pixel', ...npy(float32Npy([6, 2, 2], [Number.NaN, ...new Array(23).fill(0.5)]), int64Npy([0, 1, 0, 1, 0, 1])), code: 'NON_FINITE_VALUE', message: /value NaN at flat index 0/ },
  { name: 'npz without labels', body: npzBytes({ x: images }), query: { format: 'npz', task: 'classification' }, code: 'INVALID_NPZ', message: /no labels array/ },
  { name: 'npz with two inputs arrays', body: npzBytes({ x: images, images, y: int64Npy([0, 1, 0, 1, 0, 1]) }), query: { format: 'npz', task: 'classification' }, code: 'INVALID_NPZ', message: /both x and images/ },
  {
    name: 'text in a numeric test column',
    body: `${goodCsv()}a,b,label\n1,2,even\nx,4,odd\n`,
    query: { format: 'csv', task: 'classification', target: 'label', testBytes: 'a,b,label\n1,2,even\nx,4,odd\n'.length },
    code: 'COLUMN_MISMATCH',
    message: /column "a" is numeric in the training file but has text values such as "x"/,
  },
  { name: 'npz that is not a zip', body: Buffer.from('definitely not a zip archive, just text'), query: { format: 'npz', task: 'classification' }, code: 'INVALID_NPZ', message: /does not start with a ZIP local file header/ },
  { name: 'viewer role', ...csv(goodCsv()), token: 'viewer', code: 'FORBIDDEN', message: /viewer; uploading datasets needs owner or editor/ },
  { name: 'non-member', ...csv(goodCsv()), token: 'outsider', code: 'NOT_FOUND', message: /not found/ },
  { name: 'no session', ...csv(goodCsv()), token: 'none', code: 'UNAUTHENTICATED', message: /sign in/ },
];

let server: UploadServer;
let before: string;

beforeAll(async () => {
  server = await startUploadServer();
  // One stored dataset that no rejected upload may touch.
  const stored = await upload(server, goodCsv(), { format: 'csv', task: 'classification', target: 'label' });
  expect(stored.status).toBe(201);
  before = await snapshotDatasets(server);
});

afterAll(async () => {
  await server?.close();
});

describe('upload bad input suite', () => {
  test('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  test.each(cases)('$name is rejected with $code', async (badInput) => {
    const token = badInput.token === undefined ? server.tokens.owner : badInput.token === 'none' ? 'no-such-token' : server.tokens[badInput.token];
    const response = await upload(server, badInput.body, badInput.query, token);
    expect(response.body.error?.code).toBe(badInput.code);
    expect(response.body.error?.message).toMatch(badInput.message);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  test('database holds exactly what it held before', async () => {
    expect(await snapshotDatasets(server)).toBe(before);
  });
});

describe('cancelled upload', () => {
  test('stores nothing', async () => {
    const before = await snapshotDatasets(server);
    const query = new URLSearchParams({ studyId: server.studyId, name: 'cancelled', format: 'csv', task: 'classification', target: 'label' });
    const body = goodCsv(2000);
    await new Promise<void>((resolve) => {
      const request = http.request(`${server.url}/api/datasets/upload?${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.tokens.owner}`, 'content-length': String(body.length) },
      });
      request.on('error', () => resolve());
      request.write(body.slice(0, body.length / 2), () => {
        request.destroy();
        resolve();
      });
    });
    // A later upload of the same rows goes through, and the cancelled one left no rows behind.
    const later = await upload(server, goodCsv(2000), { format: 'csv', task: 'classification', target: 'label' });
    expect(later.status).toBe(201);
    const after = JSON.parse(await snapshotDatasets(server)) as { datasets: { id: string }[] };
    const expected = JSON.parse(before) as { datasets: { id: string }[] };
    expect(after.datasets.map((row) => row.id).sort()).toEqual([...expected.datasets.map((row) => row.id), later.body.dataset!.id].sort());
  });
});
