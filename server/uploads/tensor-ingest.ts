/**
 * Image tensors of an upload. The inputs `.npy` data streams into staging as
 * raw bytes while it arrives, and labels stay in memory (one number per
 * sample). A second pass over the staged bytes converts each sample to
 * float32 and writes it to its part.
 */
import type { DatasetTask } from './encoded.ts';
import { UploadError } from './errors.ts';
import { checkClassLabels, inputNpyOptions, sampleShapeOf, type Labels } from './npy-encode.ts';
import { convertNpyValues, NpyReader, type NpyHeader } from './npy.ts';
import { assignTestSamples, checkUnseenLabels, countTestSamples } from './split.ts';
import { BatchBuffer, type StagingSource } from './staging.ts';
import type { IngestedDataset, UploadContext } from './store.ts';

/** Scale of uint8 pixels. */
const UINT8_SCALE = 1 / 255;

/** Inputs `.npy` after staging: its header, sample shape and staging source. */
export interface StagedInputs {
  header: NpyHeader;
  sampleShape: number[];
  sampleCount: number;
  source: StagingSource;
  fileLabel: string;
}

/** Receives an inputs `.npy` as it streams in and stages its samples in batches, checking float values. */
export class TensorInputStager {
  private readonly reader: NpyReader;
  private batches: BatchBuffer | null = null;
  private header: NpyHeader | null = null;
  private sampleShape: number[] = [];
  private stagedSamples = 0;

  constructor(
    private readonly context: UploadContext,
    private readonly source: StagingSource,
    private readonly fileLabel: string,
    maxRows: number,
  ) {
    this.reader = new NpyReader({
      ...inputNpyOptions(fileLabel, maxRows),
      onHeader: (header) => this.start(header),
      onData: (bytes) => this.batches!.push(bytes),
    });
  }

  async write(chunk: Buffer): Promise<void> {
    this.reader.write(chunk);
    await this.batches?.drain();
  }

  /** Ends the file, stages its last batch and returns what the second pass needs. */
  async end(): Promise<StagedInputs> {
    this.reader.end();
    await this.batches!.end();
    return { header: this.header!, sampleShape: this.sampleShape, sampleCount: this.header!.shape[0], source: this.source, fileLabel: this.fileLabel };
  }

  private start(header: NpyHeader): void {
    this.header = header;
    this.sampleShape = sampleShapeOf(header.shape, this.fileLabel);
    const sampleSize = this.sampleShape.reduce((product, size) => product * size, 1);
    this.batches = new BatchBuffer(sampleSize * header.elementSize, this.context.chunkBytes, async (count, data) => {
      if (header.dtype === '<f4') this.checkFinite(data, this.stagedSamples * sampleSize);
      await this.context.staging.append(this.source, count, data);
      this.stagedSamples += count;
    });
  }

  private checkFinite(data: Uint8Array, firstIndex: number): void {
    const values = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) {
        throw new UploadError('NON_FINITE_VALUE', `Invalid ${this.fileLabel}: value ${values[i]} at flat index ${firstIndex + i} is not finite; expected finite float32 values.`);
      }
    }
  }
}

/** Options of `writeTensors`. */
export interface TensorEncodeOptions {
  task: DatasetTask;
  testFraction: number;
  seed: number;
  confirmUnseenLabels: boolean;
  format: 'npy' | 'npz';
}

/** One part's staged inputs and in-memory labels. */
export interface TensorPart {
  inputs: StagedInputs;
  labels: Labels;
}

function checkLabels(parts: TensorPart[], task: DatasetTask): { classes: number; classNames?: string[] } {
  const [train] = parts;
  for (const part of parts) {
    if (part !== train && JSON.stringify(part.inputs.sampleShape) !== JSON.stringify(train.inputs.sampleShape)) {
      throw new UploadError('SHAPE_MISMATCH', `Invalid ${part.inputs.fileLabel}: sample shape (${part.inputs.header.shape.slice(1).join(', ')}) differs from the training inputs' (${train.inputs.header.shape.slice(1).join(', ')}).`);
    }
    if (part.labels.values.length !== part.inputs.sampleCount) {
      throw new UploadError('SHAPE_MISMATCH', `Invalid ${part.labels.fileLabel}: it has ${part.labels.values.length} labels, but the ${part.inputs.fileLabel} has ${part.inputs.sampleCount} samples; expected one label per sample.`);
    }
  }

  if (task === 'regression') {
    for (const part of parts) {
      const bad = part.labels.values.findIndex((value) => !Number.isFinite(value));
      if (bad >= 0) throw new UploadError('NON_FINITE_VALUE', `Invalid ${part.labels.fileLabel}: target at index ${bad} is not finite.`);
    }
    return { classes: 1 };
  }
  const classes = Math.max(...parts.map((part) => checkClassLabels(part.labels)));
  const distinct = new Set<number>();
  for (const part of parts) for (const label of part.labels.values) distinct.add(label);
  if (distinct.size < 2) throw new UploadError('SINGLE_CLASS', `Invalid ${train.labels.fileLabel}: every label is ${[...distinct][0]}; classification needs at least 2 classes.`);
  return { classes, classNames: train.labels.classNames ?? Array.from({ length: classes }, (_, index) => String(index)) };
}

/** Targets of both parts in part order, from the labels and the assignment of the training file's samples. */
function partTargets(train: TensorPart, test: TensorPart | null, inTest: Uint8Array | null): { trainY: Float32Array; testY: Float32Array } {
  if (test !== null || inTest === null) return { trainY: train.labels.values, testY: test?.labels.values ?? new Float32Array(0) };
  const testCount = countTestSamples(inTest);
  const trainY = new Float32Array(inTest.length - testCount);
  const testY = new Float32Array(testCount);
  let trainIndex = 0;
  let testIndex = 0;
  for (let i = 0; i < inTest.length; i++) {
    if (inTest[i]) testY[testIndex++] = train.labels.values[i];
    else trainY[trainIndex++] = train.labels.values[i];
  }
  return { trainY, testY };
}

/**
 * Checks labels against the staged inputs, splits the training file unless
 * a test part is given, and writes both parts to dataset chunks.
 */
export async function writeTensors(context: UploadContext, train: TensorPart, test: TensorPart | null, options: TensorEncodeOptions): Promise<IngestedDataset> {
  const { classes, classNames } = checkLabels(test === null ? [train] : [train, test], options.task);
  const inTest = test === null ? assignTestSamples(train.inputs.sampleCount, options.testFraction, options.seed) : null;
  const targets = partTargets(train, test, inTest);
  const unseen = options.task === 'classification' ? checkUnseenLabels({ ...targets, classNames: classNames!, confirmed: options.confirmUnseenLabels }) : [];

  const header = { task: options.task, inputShape: train.inputs.sampleShape, classes };
  const counts = { trainCount: targets.trainY.length, testCount: targets.testY.length };
  const writer = await context.openDataset({ header, format: options.format, counts });
  const sampleSize = train.inputs.sampleShape.reduce((product, size) => product * size, 1);
  const sample = new Float32Array(sampleSize);

  for (const part of test === null ? [train] : [train, test]) {
    const { dtype, elementSize } = part.inputs.header;
    const sampleBytes = sampleSize * elementSize;
    let index = 0;
    for await (const batch of context.staging.read(part.inputs.source)) {
      for (let i = 0; i < batch.itemCount; i++, index++) {
        convertNpyValues(dtype, batch.data.subarray(i * sampleBytes, (i + 1) * sampleBytes), sampleSize, sample, 0, UINT8_SCALE);
        const inTestSet = part === test || (inTest !== null && inTest[index] === 1);
        await writer.add(inTestSet ? 'test' : 'train', sample, part.labels.values[index]);
      }
    }
  }

  const written = await writer.finish();
  const uint8 = train.inputs.header.dtype.endsWith('u1');
  return {
    header,
    ...written,
    features: null,
    notes: {
      format: options.format,
      classNames: options.task === 'classification' ? classNames : undefined,
      unseenTestLabels: unseen,
      scaling: uint8 ? 'uint8 pixels divided by 255' : 'none (float32 as uploaded)',
      splitSeed: test === null ? options.seed : undefined,
      testFraction: test === null ? options.testFraction : null,
    },
  };
}
