/** Encodes image tensors from `.npy` files and their labels into a dataset. */
import type { CsvTable } from './csv-columns.ts';
import type { DatasetTask, EncodedDataset } from './encoded.ts';
import { UploadError } from './errors.ts';
import type { NpyArray, NpyOptions } from './npy.ts';
import { checkUnseenLabels, splitRows } from './split.ts';

/** Dtypes accepted for image inputs. */
export const INPUT_DTYPES = ['<f4', '|u1', '<u1'] as const;
/** Dtypes accepted for labels. */
export const LABEL_DTYPES = ['|u1', '<u1', '|i1', '<i2', '<u2', '<i4', '<u4', '<i8', '<u8', '<f4', '<f8'] as const;

/** Options of `.npy` inputs; uint8 pixels are scaled to [0, 1]. */
export function inputNpyOptions(fileLabel: string, maxRows: number): NpyOptions {
  return { fileLabel, dtypes: INPUT_DTYPES, maxRows, uint8Scale: 1 / 255 };
}

/** Options of a labels `.npy`. */
export function labelNpyOptions(fileLabel: string, maxRows: number): NpyOptions {
  return { fileLabel, dtypes: LABEL_DTYPES, maxRows };
}

/** Labels of one part as numbers, with class names when they were text. */
export interface Labels {
  values: Float32Array;
  classNames?: string[];
  fileLabel: string;
}

/** Turns a labels `.npy` into labels, checking its shape. */
export function labelsFromNpy(array: NpyArray, fileLabel: string): Labels {
  const { shape } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new UploadError('INVALID_SHAPE', `Invalid ${fileLabel}: shape (${shape.join(', ')}) is not a vector of labels; expected (N,) or (N, 1).`);
  }
  return { values: array.values, fileLabel };
}

/** Turns a one-column labels CSV into labels; text labels become sorted class names. */
export function labelsFromCsv(table: CsvTable, fileLabel: string): Labels {
  if (table.columns.length !== 1) {
    throw new UploadError('INVALID_SHAPE', `Invalid ${fileLabel}: it has ${table.columns.length} columns; a labels CSV has exactly one.`);
  }
  const [column] = table.columns;
  if (column.missingCount > 0) throw new UploadError('MISSING_VALUE', `Missing label on line ${column.firstMissingLine} of the ${fileLabel}.`);
  if (column.isNumeric) return { values: column.values.subarray(0, column.length), fileLabel };
  const classNames = Array.from({ length: column.length }, (_, row) => column.categoryOf(row)!);
  const sorted = [...new Set(classNames)].sort();
  const index = new Map(sorted.map((name, position) => [name, position]));
  return { values: Float32Array.from(classNames, (name) => index.get(name)!), classNames: sorted, fileLabel };
}

function checkInputs(array: NpyArray, fileLabel: string): number[] {
  const { shape } = array;
  if (shape.length !== 3 && shape.length !== 4) {
    throw new UploadError('INVALID_SHAPE', `Invalid ${fileLabel}: shape (${shape.join(', ')}) has ${shape.length} axes; expected N x H x W or N x H x W x C.`);
  }
  if (shape.some((size) => size === 0)) throw new UploadError('INVALID_SHAPE', `Invalid ${fileLabel}: shape (${shape.join(', ')}) has an empty axis.`);
  for (let i = 0; i < array.values.length; i++) {
    if (!Number.isFinite(array.values[i])) {
      throw new UploadError('NON_FINITE_VALUE', `Invalid ${fileLabel}: value ${array.values[i]} at flat index ${i} is not finite; expected finite float32 values.`);
    }
  }
  return shape.length === 3 ? [shape[1], shape[2], 1] : shape.slice(1);
}

function checkClassLabels(labels: Labels): number {
  let max = 0;
  for (let i = 0; i < labels.values.length; i++) {
    const label = labels.values[i];
    if (!Number.isInteger(label) || label < 0 || label > 255) {
      throw new UploadError('LABEL_OUT_OF_RANGE', `Invalid ${labels.fileLabel}: label ${label} at index ${i} is out of range; class labels are integers from 0 to 255.`);
    }
    if (label > max) max = label;
  }
  return max + 1;
}

/**
 * Reorders rows in place so that row i becomes the old row order[i]; `order`
 * is a permutation. Following its cycles needs one spare row, not a copy of the array.
 */
function permuteRows(values: Float32Array, order: Int32Array, size: number): void {
  const done = new Uint8Array(order.length);
  const spare = new Float32Array(size);
  for (let start = 0; start < order.length; start++) {
    if (done[start] || order[start] === start) continue;
    spare.set(values.subarray(start * size, (start + 1) * size));
    let row = start;
    for (;;) {
      done[row] = 1;
      const source = order[row];
      if (source === start) {
        values.set(spare, row * size);
        break;
      }
      values.copyWithin(row * size, source * size, (source + 1) * size);
      row = source;
    }
  }
}

/** Options of `encodeTensors`. */
export interface TensorEncodeOptions {
  task: DatasetTask;
  testFraction: number;
  seed: number;
  confirmUnseenLabels: boolean;
  format: 'npy' | 'npz';
}

/** Builds the dataset from inputs and labels, with an optional separate test part. */
export function encodeTensors(
  train: { inputs: NpyArray; labels: Labels; fileLabel: string },
  test: { inputs: NpyArray; labels: Labels; fileLabel: string } | null,
  options: TensorEncodeOptions,
): EncodedDataset {
  const inputShape = checkInputs(train.inputs, train.fileLabel);
  const size = inputShape.reduce((product, value) => product * value, 1);
  const parts = test === null ? [train] : [train, test];
  for (const part of parts) {
    if (part !== train && JSON.stringify(checkInputs(part.inputs, part.fileLabel)) !== JSON.stringify(inputShape)) {
      throw new UploadError('SHAPE_MISMATCH', `Invalid ${part.fileLabel}: sample shape (${part.inputs.shape.slice(1).join(', ')}) differs from the training inputs' (${train.inputs.shape.slice(1).join(', ')}).`);
    }
    if (part.labels.values.length !== part.inputs.shape[0]) {
      throw new UploadError('SHAPE_MISMATCH', `Invalid ${part.labels.fileLabel}: it has ${part.labels.values.length} labels, but the ${part.fileLabel} has ${part.inputs.shape[0]} samples; expected one label per sample.`);
    }
  }

  let classes = 1;
  let classNames = train.labels.classNames;
  if (options.task === 'classification') {
    classes = Math.max(...parts.map((part) => checkClassLabels(part.labels)));
    const distinct = new Set(parts.flatMap((part) => Array.from(part.labels.values)));
    if (distinct.size < 2) throw new UploadError('SINGLE_CLASS', `Invalid ${train.labels.fileLabel}: every label is ${[...distinct][0]}; classification needs at least 2 classes.`);
    classNames ??= Array.from({ length: classes }, (_, index) => String(index));
  } else {
    for (const part of parts) {
      const bad = part.labels.values.findIndex((value) => !Number.isFinite(value));
      if (bad >= 0) throw new UploadError('NON_FINITE_VALUE', `Invalid ${part.labels.fileLabel}: target at index ${bad} is not finite.`);
    }
  }

  let trainX: Float32Array;
  let trainY: Float32Array;
  let testX: Float32Array;
  let testY: Float32Array;
  if (test === null) {
    const count = train.inputs.shape[0];
    const split = splitRows(Int32Array.from({ length: count }, (_, i) => i), options.testFraction, options.seed);
    // The test rows come first in the split order; permuting in place keeps one copy of the images in memory.
    const order = new Int32Array(count);
    order.set(split.test);
    order.set(split.train, split.test.length);
    const labels = Float32Array.from(train.labels.values);
    permuteRows(train.inputs.values, order, size);
    permuteRows(labels, order, 1);
    testX = train.inputs.values.subarray(0, split.test.length * size);
    trainX = train.inputs.values.subarray(split.test.length * size);
    testY = labels.subarray(0, split.test.length);
    trainY = labels.subarray(split.test.length);
  } else {
    [trainX, trainY, testX, testY] = [train.inputs.values, train.labels.values, test.inputs.values, test.labels.values];
  }
  const unseen = options.task === 'classification' ? checkUnseenLabels({ trainY, testY, classNames: classNames!, confirmed: options.confirmUnseenLabels }) : [];
  const uint8 = train.inputs.dtype.endsWith('u1');
  return {
    task: options.task,
    inputShape,
    classes,
    trainX,
    trainY,
    testX,
    testY,
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
