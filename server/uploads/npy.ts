/**
 * Streaming reader of NumPy `.npy` files (format versions 1 to 3): the header
 * is checked as soon as it arrives, so a wrong dtype or an oversized shape is
 * rejected before the data is read. By default values are converted to
 * float32 as they stream in. With `onData` the raw data bytes are handed on
 * instead, so a large array is never held in memory.
 */
import { UploadError } from './errors.ts';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** Dtypes the reader converts, by their numpy `descr`. */
const DTYPES: Record<string, { size: number; read: (view: DataView, offset: number) => number; integer: boolean }> = {
  '<f4': { size: 4, read: (view, offset) => view.getFloat32(offset, true), integer: false },
  '<f8': { size: 8, read: (view, offset) => view.getFloat64(offset, true), integer: false },
  '|u1': { size: 1, read: (view, offset) => view.getUint8(offset), integer: true },
  '<u1': { size: 1, read: (view, offset) => view.getUint8(offset), integer: true },
  '|i1': { size: 1, read: (view, offset) => view.getInt8(offset), integer: true },
  '<i2': { size: 2, read: (view, offset) => view.getInt16(offset, true), integer: true },
  '<u2': { size: 2, read: (view, offset) => view.getUint16(offset, true), integer: true },
  '<i4': { size: 4, read: (view, offset) => view.getInt32(offset, true), integer: true },
  '<u4': { size: 4, read: (view, offset) => view.getUint32(offset, true), integer: true },
  '<i8': { size: 8, read: (view, offset) => Number(view.getBigInt64(offset, true)), integer: true },
  '<u8': { size: 8, read: (view, offset) => Number(view.getBigUint64(offset, true)), integer: true },
};

/** A parsed array: values converted to float32 in C order (empty when the reader streamed them to `onData`). */
export interface NpyArray {
  dtype: string;
  shape: number[];
  values: Float32Array;
  integer: boolean;
}

/** Header facts of a `.npy` file. */
export interface NpyHeader {
  dtype: string;
  shape: number[];
  /** Bytes of one element. */
  elementSize: number;
}

/**
 * Converts `count` elements of raw little-endian data to float32 into `into`
 * at `offset`. uint8 values are multiplied by `uint8Scale`.
 */
export function convertNpyValues(dtype: string, bytes: Uint8Array, count: number, into: Float32Array, offset: number, uint8Scale = 1): void {
  if (dtype.endsWith('u1')) {
    for (let i = 0; i < count; i++) into[offset + i] = bytes[i] * uint8Scale;
    return;
  }
  const { size, read } = DTYPES[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) into[offset + i] = read(view, i * size);
}

/** Options of one `.npy` file. */
export interface NpyOptions {
  fileLabel: string;
  /** Allowed dtypes; others are rejected with UNSUPPORTED_DTYPE. */
  dtypes: readonly string[];
  maxRows: number;
  /** Scale applied to uint8 values, for example 1/255 for image pixels. */
  uint8Scale?: number;
  /** Called once the header is parsed. */
  onHeader?: (header: NpyHeader) => void;
  /** Receives the raw data bytes as they arrive, in place of converting them into `values`. */
  onData?: (bytes: Buffer) => void;
}

/** Parses a `.npy` file from chunks pushed in as they arrive. */
export class NpyReader {
  private header: Buffer | null = Buffer.alloc(0);
  private dtype = '';
  private shape: number[] = [];
  private values = new Float32Array(0);
  private converter: ((view: DataView, offset: number) => number) | null = null;
  private elementSize = 1;
  private written = 0;
  private carry = Buffer.alloc(0);
  private integer = false;
  private count = 0;
  private receivedBytes = 0;

  constructor(private readonly options: NpyOptions) {}

  write(chunk: Buffer): void {
    if (this.header !== null) {
      this.header = Buffer.concat([this.header, chunk]);
      const rest = this.tryParseHeader();
      if (rest === null) return;
      chunk = rest;
    }
    this.consume(chunk);
  }

  end(): NpyArray {
    const { fileLabel } = this.options;
    if (this.header !== null) {
      if (this.header.length === 0) throw new UploadError('EMPTY_FILE', `Invalid ${fileLabel}: it is empty; expected a .npy file.`);
      throw new UploadError('TRUNCATED_NPY', `Invalid ${fileLabel}: the file ends inside its .npy header (${this.header.length} bytes).`);
    }
    const received = this.options.onData ? this.receivedBytes : this.written * this.elementSize + this.carry.length;
    if (received < this.count * this.elementSize) {
      const expected = this.count * this.elementSize;
      throw new UploadError('TRUNCATED_NPY', `Invalid ${fileLabel}: shape (${this.shape.join(', ')}) of dtype ${this.dtype} needs ${expected} data bytes, but the file has ${received}.`);
    }
    return { dtype: this.dtype, shape: this.shape, values: this.values, integer: this.integer };
  }

  /** Returns the bytes after the header once it is complete, else null. */
  private tryParseHeader(): Buffer | null {
    const bytes = this.header!;
    const { fileLabel } = this.options;
    const magicLength = Math.min(bytes.length, MAGIC.length);
    if (!bytes.subarray(0, magicLength).equals(MAGIC.subarray(0, magicLength))) {
      throw new UploadError('INVALID_NPY', `Invalid ${fileLabel}: it does not start with the .npy magic string \\x93NUMPY, so it is not a NumPy .npy file.`);
    }
    if (bytes.length < 10) return null;
    const major = bytes[6];
    if (major < 1 || major > 3) throw new UploadError('INVALID_NPY', `Invalid ${fileLabel}: .npy format version ${major} is not supported; expected 1, 2 or 3.`);
    const lengthBytes = major === 1 ? 2 : 4;
    if (bytes.length < 8 + lengthBytes) return null;
    const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
    const dataStart = 8 + lengthBytes + headerLength;
    if (headerLength > 65536) throw new UploadError('INVALID_NPY', `Invalid ${fileLabel}: its .npy header length ${headerLength} is over 65536 bytes.`);
    if (bytes.length < dataStart) return null;

    this.parseDictionary(bytes.subarray(8 + lengthBytes, dataStart).toString('latin1'));
    this.header = null;
    return bytes.subarray(dataStart);
  }

  private parseDictionary(text: string): void {
    const { fileLabel, dtypes, maxRows } = this.options;
    const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
    const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
    const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
    if (descr === undefined || fortran === undefined || shapeText === undefined) {
      throw new UploadError('INVALID_NPY', `Invalid ${fileLabel}: its .npy header ${JSON.stringify(text.trim().slice(0, 120))} lacks descr, fortran_order or shape.`);
    }
    if (!dtypes.includes(descr) || DTYPES[descr] === undefined) {
      throw new UploadError('UNSUPPORTED_DTYPE', `Invalid ${fileLabel}: dtype ${descr} is not supported here; expected one of ${dtypes.join(', ')}.`);
    }
    if (fortran === 'True') throw new UploadError('UNSUPPORTED_DTYPE', `Invalid ${fileLabel}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray.`);
    const shape = shapeText.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
    if (shape.some((size) => !Number.isInteger(size) || size < 0)) throw new UploadError('INVALID_NPY', `Invalid ${fileLabel}: shape (${shapeText}) is not a tuple of sizes.`);
    if (shape.length > 0 && shape[0] > maxRows) {
      throw new UploadError('TOO_MANY_ROWS', `Invalid ${fileLabel}: it has ${shape[0]} samples, more than ${maxRows} (the ROBUSTLAB_UPLOAD_MAX_ROWS limit).`);
    }
    const count = shape.reduce((product, size) => product * size, 1);
    this.dtype = descr;
    this.shape = shape;
    this.elementSize = DTYPES[descr].size;
    this.converter = DTYPES[descr].read;
    this.integer = DTYPES[descr].integer;
    this.count = count;
    if (!this.options.onData) this.values = new Float32Array(count);
    this.options.onHeader?.({ dtype: descr, shape, elementSize: this.elementSize });
  }

  private consume(chunk: Buffer): void {
    if (this.options.onData) {
      if (this.receivedBytes + chunk.length > this.count * this.elementSize) throw this.tooLong();
      this.receivedBytes += chunk.length;
      if (chunk.length > 0) this.options.onData(chunk);
      return;
    }
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const size = this.elementSize;
    const whole = Math.floor(data.length / size);
    if (this.written + whole > this.values.length) throw this.tooLong();
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const scale = this.dtype.endsWith('u1') && this.options.uint8Scale !== undefined ? this.options.uint8Scale : 1;
    const read = this.converter!;
    for (let i = 0; i < whole; i++) this.values[this.written + i] = read(view, i * size) * scale;
    this.written += whole;
    this.carry = Buffer.from(data.subarray(whole * size));
  }

  private tooLong(): UploadError {
    return new UploadError('SHAPE_MISMATCH', `Invalid ${this.options.fileLabel}: it has more data bytes than shape (${this.shape.join(', ')}) of dtype ${this.dtype} needs.`);
  }
}
