/** Checks and options of image tensors from `.npy` files and of their labels. */
import type { CsvTable } from './csv-columns.ts';
import { UploadError } from './errors.ts';
import type { NpyArray, NpyOptions } from './npy.ts';

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

/** Returns the sample shape [H, W, C] of inputs of shape N x H x W or N x H x W x C, or raises INVALID_SHAPE. */
export function sampleShapeOf(shape: number[], fileLabel: string): number[] {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new UploadError('INVALID_SHAPE', `Invalid ${fileLabel}: shape (${shape.join(', ')}) has ${shape.length} axes; expected N x H x W or N x H x W x C.`);
  }
  if (shape.some((size) => size === 0)) throw new UploadError('INVALID_SHAPE', `Invalid ${fileLabel}: shape (${shape.join(', ')}) has an empty axis.`);
  return shape.length === 3 ? [shape[1], shape[2], 1] : shape.slice(1);
}

/** Checks that class labels are integers 0..255 and returns the class count (largest label + 1). */
export function checkClassLabels(labels: Labels): number {
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
