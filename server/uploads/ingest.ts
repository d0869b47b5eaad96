/**
 * Reads an upload body as it streams in and stores it as a dataset. The body
 * is one file, or several files back to back whose sizes the parameters give
 * (`inputBytes`, `testBytes`). Rows and samples go to Postgres in bounded
 * batches inside the upload's transaction (store.ts), so server memory does
 * not grow with the file: what stays in memory is one number per sample
 * (labels, the split) and per-column summaries.
 */
import type pg from 'pg';
import type { Db } from '../db.ts';
import { writeCsv } from './csv-encode.ts';
import type { CsvDelimiter } from './csv-reader.ts';
import { sniffCsv } from './csv-sniff.ts';
import { CsvRowStager } from './csv-stage.ts';
import { CsvTableBuilder } from './csv-table.ts';
import { UploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';
import { labelNpyOptions, labelsFromCsv, labelsFromNpy, type Labels } from './npy-encode.ts';
import { NpyReader } from './npy.ts';
import { NpzStreamReader } from './npz.ts';
import type { UploadParameters } from './parameters.ts';
import { storeUpload, type IngestedDataset, type StoredDataset, type UploadContext } from './store.ts';
import { TensorInputStager, writeTensors, type StagedInputs } from './tensor-ingest.ts';

/** Receives the bytes of one file of the body. */
interface Sink<T> {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<T> | T;
}

const SNIFF_BYTES = 64 * 1024;

/** Distinct values kept per CSV column: above every limit that counts them, so a column past it is rejected either way. */
function distinctCap(limits: UploadLimits): number {
  return Math.max(limits.maxCategories, 256) + 1;
}

type CsvFormat = { delimiter: CsvDelimiter; hasHeader: boolean };

/**
 * Creates a CSV sink that detects delimiter and header from the first 64 KiB
 * unless the parameters (or `fixed`) set them, then hands the bytes to the
 * sink that `create` makes for that format.
 */
function sniffingCsvSink<T>(parameters: UploadParameters, create: (format: CsvFormat) => Sink<T>, fixed?: () => CsvFormat): Sink<T> & { format(): CsvFormat } {
  let inner: Sink<T> | null = null;
  let format: CsvFormat | undefined = parameters.delimiter !== undefined && parameters.header !== undefined ? { delimiter: parameters.delimiter, hasHeader: parameters.header } : fixed?.();
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  const start = async () => {
    if (format === undefined) {
      const sniffed = sniffCsv(Buffer.concat(buffered).toString('utf8'));
      format = { delimiter: parameters.delimiter ?? sniffed.delimiter, hasHeader: parameters.header ?? sniffed.hasHeader };
    }
    inner = create(format);
    for (const chunk of buffered) await inner.write(chunk);
    buffered = [];
  };
  return {
    async write(chunk) {
      if (inner !== null) return inner.write(chunk);
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      if (format !== undefined || bufferedBytes >= SNIFF_BYTES) await start();
    },
    async end() {
      if (inner === null) await start();
      return inner!.end();
    },
    format: () => format!,
  };
}

/** Splits the body at the given sizes and feeds each piece to its sink, checking the size limit. */
async function route(body: AsyncIterable<Buffer>, sizes: (number | null)[], sinks: Sink<unknown>[], maxBytes: number): Promise<void> {
  let index = 0;
  let left = sizes[0];
  let total = 0;
  for await (const piece of body) {
    total += piece.length;
    if (total > maxBytes) throw new UploadError('FILE_TOO_LARGE', `Upload is larger than ${maxBytes} bytes (the ROBUSTLAB_UPLOAD_MAX_BYTES limit).`);
    let chunk = piece;
    while (chunk.length > 0) {
      if (left === null || chunk.length <= left) {
        await sinks[index].write(chunk);
        if (left !== null) left -= chunk.length;
        break;
      }
      if (left > 0) await sinks[index].write(chunk.subarray(0, left));
      chunk = chunk.subarray(left);
      index++;
      left = sizes[index];
    }
  }
}

/** Creates the sink of a labels `.npy` or one-column CSV, which is read into memory (one number per sample). */
function labelsSink(parameters: UploadParameters, limits: UploadLimits, format: 'npy' | 'csv', fileLabel: string): Sink<Labels> {
  if (format === 'csv') {
    const sink = sniffingCsvSink(parameters, (csvFormat) => {
      const builder = new CsvTableBuilder({ ...csvFormat, limits, fileLabel });
      return { write: (chunk) => builder.write(chunk), end: () => builder.end() };
    });
    return { write: (chunk) => sink.write(chunk), end: async () => labelsFromCsv(await sink.end(), fileLabel) };
  }
  const reader = new NpyReader(labelNpyOptions(fileLabel, limits.maxRows));
  return { write: (chunk) => reader.write(chunk), end: () => labelsFromNpy(reader.end(), fileLabel) };
}

async function ingestCsv(context: UploadContext, input: IngestInput): Promise<IngestedDataset> {
  const { body, contentLength, parameters, limits } = input;
  const withTest = parameters.testBytes > 0;
  if (withTest && contentLength === null) throw new UploadError('INVALID_PARAMETER', 'Invalid upload: testBytes needs a Content-Length header.');
  if (withTest && parameters.testBytes >= contentLength!) throw new UploadError('INVALID_PARAMETER', `Invalid upload parameter testBytes: value ${parameters.testBytes} is not smaller than the body of ${contentLength} bytes.`);

  const stager = (source: 0 | 1, fileLabel: string) => (format: CsvFormat) => {
    const rows = new CsvRowStager(context, source, { ...format, limits, fileLabel }, distinctCap(limits));
    return { write: (chunk: Buffer) => rows.write(chunk), end: () => rows.end() };
  };
  const train = sniffingCsvSink(parameters, stager(0, 'training file'));
  const test = sniffingCsvSink(parameters, stager(1, 'test file'), () => train.format());
  await route(body, withTest ? [contentLength! - parameters.testBytes, null] : [null], withTest ? [train, test] : [train], limits.maxBytes);

  const trainStaged = await train.end();
  const testStaged = withTest ? await test.end() : null;
  const { task, testFraction, seed, confirmUnseenLabels } = parameters;
  const result = await writeCsv(context, trainStaged, testStaged, { task, target: parameters.target!, missing: parameters.missing, testFraction, seed, confirmUnseenLabels, limits });
  result.notes.delimiter = train.format().delimiter;
  result.notes.hasHeader = train.format().hasHeader;
  return result;
}

async function ingestNpy(context: UploadContext, { body, parameters, limits }: IngestInput): Promise<IngestedDataset> {
  const inputs = new TensorInputStager(context, 0, 'inputs .npy', limits.maxRows);
  const labels = labelsSink(parameters, limits, parameters.labelsFormat, parameters.labelsFormat === 'csv' ? 'labels file' : 'labels .npy');
  await route(body, [parameters.inputBytes!, null], [inputs, labels], limits.maxBytes);
  const train = { inputs: await inputs.end(), labels: await labels.end() };
  const { task, testFraction, seed, confirmUnseenLabels } = parameters;
  return writeTensors(context, train, null, { task, testFraction, seed, confirmUnseenLabels, format: 'npy' });
}

const INPUT_NAMES = ['x', 'inputs', 'images', 'x_train'];
const LABEL_NAMES = ['y', 'labels', 'targets', 'y_train'];

/** Role of an `.npz` member by its name; null for members the upload ignores. */
function npzRole(name: string): 'inputs' | 'labels' | 'x_test' | 'y_test' | null {
  if (INPUT_NAMES.includes(name)) return 'inputs';
  if (LABEL_NAMES.includes(name)) return 'labels';
  return name === 'x_test' || name === 'y_test' ? name : null;
}

async function ingestNpz(context: UploadContext, { body, parameters, limits }: IngestInput): Promise<IngestedDataset> {
  const memberOf = new Map<string, string>();
  const inputs = new Map<string, StagedInputs>();
  const labels = new Map<string, Labels>();
  const archive = new NpzStreamReader((name) => {
    const role = npzRole(name);
    if (role === null) return null;
    const previous = memberOf.get(role);
    if (previous !== undefined) throw new UploadError('INVALID_NPZ', `Invalid .npz file: it has both ${previous} and ${name}; expected one ${role} array.`);
    memberOf.set(role, name);

    const fileLabel = `.npz member ${name}`;
    if (role === 'inputs' || role === 'x_test') {
      const stager = new TensorInputStager(context, role === 'inputs' ? 0 : 1, fileLabel, limits.maxRows);
      return { write: (bytes) => stager.write(bytes), end: async () => void inputs.set(role, await stager.end()) };
    }
    const sink = labelsSink(parameters, limits, 'npy', fileLabel);
    return { write: (bytes) => sink.write(bytes), end: async () => void labels.set(role, await sink.end()) };
  }, limits.maxBytes);
  await route(body, [null], [archive], limits.maxBytes);
  await archive.end();

  const found = archive.names.join(', ') || 'none';
  if (!inputs.has('inputs')) throw new UploadError('INVALID_NPZ', `Invalid .npz file: it has no inputs array; expected one named ${INPUT_NAMES.join(', ')} (found ${found}).`);
  if (!labels.has('labels')) throw new UploadError('INVALID_NPZ', `Invalid .npz file: it has no labels array; expected one named ${LABEL_NAMES.join(', ')} (found ${found}).`);
  const train = { inputs: inputs.get('inputs')!, labels: labels.get('labels')! };
  const test = inputs.has('x_test') && labels.has('y_test') ? { inputs: inputs.get('x_test')!, labels: labels.get('y_test')! } : null;
  const { task, testFraction, seed, confirmUnseenLabels } = parameters;
  return writeTensors(context, train, test, { task, testFraction, seed, confirmUnseenLabels, format: 'npz' });
}

interface IngestInput {
  body: AsyncIterable<Buffer>;
  contentLength: number | null;
  parameters: UploadParameters;
  limits: UploadLimits;
}

/**
 * Reads, checks and stores an upload in the study. `contentLength` is
 * required when a separate test file is sent. Returns the new dataset, or the
 * existing one with the same content.
 */
export async function ingestUpload(input: IngestInput & { db: Db; pool?: pg.Pool; userId: string; chunkBytes?: number }): Promise<StoredDataset> {
  const { contentLength, parameters, limits } = input;
  if (contentLength !== null && contentLength > limits.maxBytes) {
    throw new UploadError('FILE_TOO_LARGE', `Upload of ${contentLength} bytes is larger than ${limits.maxBytes} bytes (the ROBUSTLAB_UPLOAD_MAX_BYTES limit).`);
  }
  const ingest = { csv: ingestCsv, npy: ingestNpy, npz: ingestNpz }[parameters.format];
  return storeUpload({ db: input.db, pool: input.pool, studyId: parameters.studyId, userId: input.userId, name: parameters.name, chunkBytes: input.chunkBytes, ingest: (context) => ingest(context, input) });
}
