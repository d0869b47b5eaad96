/**
 * Reads an upload body as it streams in and turns it into an encoded
 * dataset. The body is one file, or several files back to back whose sizes
 * the parameters give (`inputBytes`, `testBytes`).
 */
import type { CsvTable } from './csv-columns.ts';
import { encodeCsv } from './csv-encode.ts';
import type { CsvDelimiter } from './csv-reader.ts';
import { sniffCsv } from './csv-sniff.ts';
import { CsvTableBuilder } from './csv-table.ts';
import type { EncodedDataset } from './encoded.ts';
import { UploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';
import { encodeTensors, inputNpyOptions, labelNpyOptions, labelsFromCsv, labelsFromNpy, type Labels } from './npy-encode.ts';
import { NpyReader } from './npy.ts';
import { readNpz } from './npz.ts';
import type { UploadParameters } from './parameters.ts';

/** Receives the bytes of one file of the body. */
interface Sink<T> {
  write(chunk: Buffer): void;
  end(): T;
}

const SNIFF_BYTES = 64 * 1024;

/** A CSV sink that detects delimiter and header from the first 64 KiB unless the parameters set them. */
function csvSink(fileLabel: string, parameters: UploadParameters, limits: UploadLimits, fixed?: { delimiter: CsvDelimiter; hasHeader: boolean }): Sink<CsvTable> & { format(): { delimiter: CsvDelimiter; hasHeader: boolean } } {
  let builder: CsvTableBuilder | null = null;
  let format = fixed;
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  const start = () => {
    if (format === undefined) {
      const sample = Buffer.concat(buffered).toString('utf8');
      const sniffed = sniffCsv(sample);
      format = { delimiter: parameters.delimiter ?? sniffed.delimiter, hasHeader: parameters.header ?? sniffed.hasHeader };
    }
    builder = new CsvTableBuilder({ ...format, limits, fileLabel });
    for (const chunk of buffered) builder.write(chunk);
    buffered = [];
  };
  if (format === undefined && parameters.delimiter !== undefined && parameters.header !== undefined) {
    format = { delimiter: parameters.delimiter, hasHeader: parameters.header };
  }
  return {
    write(chunk) {
      if (builder !== null) return builder.write(chunk);
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      if (format !== undefined || bufferedBytes >= SNIFF_BYTES) start();
    },
    end() {
      if (builder === null) start();
      return builder!.end();
    },
    format: () => format!,
  };
}

function bufferSink(): Sink<Buffer> {
  const chunks: Buffer[] = [];
  return { write: (chunk) => void chunks.push(chunk), end: () => Buffer.concat(chunks) };
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
        sinks[index].write(chunk);
        if (left !== null) left -= chunk.length;
        break;
      }
      if (left > 0) sinks[index].write(chunk.subarray(0, left));
      chunk = chunk.subarray(left);
      index++;
      left = sizes[index];
    }
  }
}

/** Reads and encodes an upload. `contentLength` is required when a separate test file is sent. */
export async function ingestUpload(input: {
  body: AsyncIterable<Buffer>;
  contentLength: number | null;
  parameters: UploadParameters;
  limits: UploadLimits;
}): Promise<EncodedDataset> {
  const { body, contentLength, parameters, limits } = input;
  if (contentLength !== null && contentLength > limits.maxBytes) {
    throw new UploadError('FILE_TOO_LARGE', `Upload of ${contentLength} bytes is larger than ${limits.maxBytes} bytes (the ROBUSTLAB_UPLOAD_MAX_BYTES limit).`);
  }
  const { task, testFraction, seed, confirmUnseenLabels } = parameters;

  if (parameters.format === 'csv') {
    const withTest = parameters.testBytes > 0;
    if (withTest && contentLength === null) throw new UploadError('INVALID_PARAMETER', 'Invalid upload: testBytes needs a Content-Length header.');
    if (withTest && parameters.testBytes >= contentLength!) throw new UploadError('INVALID_PARAMETER', `Invalid upload parameter testBytes: value ${parameters.testBytes} is not smaller than the body of ${contentLength} bytes.`);
    const train = csvSink('training file', parameters, limits);
    let test: ReturnType<typeof csvSink> | null = null;
    const testSink: Sink<CsvTable> = {
      write(chunk) {
        test ??= csvSink('test file', parameters, limits, train.format());
        test.write(chunk);
      },
      end: () => (test ?? csvSink('test file', parameters, limits, train.format())).end(),
    };
    await route(body, withTest ? [contentLength! - parameters.testBytes, null] : [null], withTest ? [train, testSink] : [train], limits.maxBytes);
    const trainTable = train.end();
    const testTable = withTest ? testSink.end() : null;
    const encoded = encodeCsv(trainTable, testTable, { task, target: parameters.target!, missing: parameters.missing, testFraction, seed, confirmUnseenLabels, limits });
    encoded.notes.delimiter = train.format().delimiter;
    encoded.notes.hasHeader = train.format().hasHeader;
    return encoded;
  }

  if (parameters.format === 'npy') {
    const inputs = new NpyReader(inputNpyOptions('inputs .npy', limits.maxRows));
    const labelsSink: Sink<Labels> =
      parameters.labelsFormat === 'csv'
        ? (() => {
            const sink = csvSink('labels file', parameters, limits);
            return { write: (chunk: Buffer) => sink.write(chunk), end: () => labelsFromCsv(sink.end(), 'labels file') };
          })()
        : (() => {
            const reader = new NpyReader(labelNpyOptions('labels .npy', limits.maxRows));
            return { write: (chunk: Buffer) => reader.write(chunk), end: () => labelsFromNpy(reader.end(), 'labels .npy') };
          })();
    await route(body, [parameters.inputBytes!, null], [inputs, labelsSink], limits.maxBytes);
    return encodeTensors({ inputs: inputs.end(), labels: labelsSink.end(), fileLabel: 'inputs .npy' }, null, { task, testFraction, seed, confirmUnseenLabels, format: 'npy' });
  }

  const archive = bufferSink();
  await route(body, [null], [archive], limits.maxBytes);
  return encodeNpz(archive.end(), parameters, limits);
}

const INPUT_NAMES = ['x', 'inputs', 'images', 'x_train'];
const LABEL_NAMES = ['y', 'labels', 'targets', 'y_train'];

function encodeNpz(archive: Buffer, parameters: UploadParameters, limits: UploadLimits): EncodedDataset {
  if (archive.length === 0) throw new UploadError('EMPTY_FILE', 'Invalid .npz file: it is empty.');
  const members = readNpz(archive);
  const pick = (names: string[], what: string) => {
    const name = names.find((candidate) => members.has(candidate));
    if (name === undefined) throw new UploadError('INVALID_NPZ', `Invalid .npz file: it has no ${what} array; expected one named ${names.join(', ')} (found ${[...members.keys()].join(', ') || 'none'}).`);
    return name;
  };
  const parse = (name: string, options: ReturnType<typeof inputNpyOptions>) => {
    const reader = new NpyReader(options);
    reader.write(members.get(name)!);
    return reader.end();
  };
  const inputName = pick(INPUT_NAMES, 'inputs');
  const labelName = pick(LABEL_NAMES, 'labels');
  const train = {
    inputs: parse(inputName, inputNpyOptions(`.npz member ${inputName}`, limits.maxRows)),
    labels: labelsFromNpy(parse(labelName, labelNpyOptions(`.npz member ${labelName}`, limits.maxRows)), `.npz member ${labelName}`),
    fileLabel: `.npz member ${inputName}`,
  };
  const test =
    members.has('x_test') && members.has('y_test')
      ? {
          inputs: parse('x_test', inputNpyOptions('.npz member x_test', limits.maxRows)),
          labels: labelsFromNpy(parse('y_test', labelNpyOptions('.npz member y_test', limits.maxRows)), '.npz member y_test'),
          fileLabel: '.npz member x_test',
        }
      : null;
  const { task, testFraction, seed, confirmUnseenLabels } = parameters;
  return encodeTensors(train, test, { task, testFraction, seed, confirmUnseenLabels, format: 'npz' });
}
