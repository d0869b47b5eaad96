/** The canonical content of an uploaded dataset, after parsing and encoding. */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

export type DatasetTask = 'classification' | 'regression';

/** Samples of an uploaded dataset, ready to store. Targets are class indices or regression values. */
export interface EncodedDataset {
  task: DatasetTask;
  inputShape: number[];
  /** Number of classes; 1 for regression. */
  classes: number;
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  testY: Float32Array;
  /** What the encoding did, shown on the dataset page. */
  notes: EncodingNotes;
}

/** Facts about the encoding that the dataset page reports. */
export interface EncodingNotes {
  format: 'csv' | 'npy' | 'npz';
  /** Input feature names for tabular data, in input order. */
  featureNames?: string[];
  classNames?: string[];
  targetColumn?: string;
  delimiter?: string;
  hasHeader?: boolean;
  droppedConstantColumns?: string[];
  /** Numeric columns written with decimal commas ("1,5"), in a file with the semicolon delimiter. */
  decimalCommaColumns?: string[];
  oneHotColumns?: string[];
  missingRule?: string;
  imputedCells?: number;
  droppedRows?: number;
  /** Classes that occur in the test set only (kept because the user confirmed). */
  unseenTestLabels?: string[];
  /** Scaling applied to the inputs, for example "uint8 / 255" or "standardized". */
  scaling?: string;
  splitSeed?: number;
  testFraction?: number | null;
}

function littleEndian(array: Float32Array): Uint8Array {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (endianness() === 'LE') return bytes;
  const view = new DataView(new ArrayBuffer(array.byteLength));
  array.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return new Uint8Array(view.buffer);
}

/** Little-endian float32 bytes of an array, copied when the platform is big-endian. */
export { littleEndian as float32Bytes };

/** Dataset facts that the checksum covers besides the samples. */
export interface DatasetHeader {
  task: DatasetTask;
  inputShape: number[];
  classes: number;
}

/** Hex SHA-256 digests of the four sample arrays, each over its little-endian float32 bytes. */
export interface PartDigests {
  trainX: string;
  trainY: string;
  testX: string;
  testY: string;
}

/**
 * Computes the hex SHA-256 of the canonical content. That is task, input
 * shape and class count as a JSON line, then one line per array with the
 * SHA-256 of its float32 bytes: training inputs, training targets, test
 * inputs, test targets. Hashing each array on its own lets the upload hash
 * the training and test parts while it writes them in one pass.
 */
export function checksumOf(header: DatasetHeader, digests: PartDigests): string {
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify({ task: header.task, inputShape: header.inputShape, classes: header.classes })}\n`);
  for (const digest of [digests.trainX, digests.trainY, digests.testX, digests.testY]) hash.update(`${digest}\n`);
  return hash.digest('hex');
}

/** Hex SHA-256 of an array's little-endian float32 bytes. */
export function float32Digest(array: Float32Array): string {
  return createHash('sha256').update(littleEndian(array)).digest('hex');
}
