/**
 * Column store for CSV records as they stream in: each column keeps its
 * numeric values in a growing Float32Array and its text values as codes of
 * a per-column dictionary, so memory stays near 4-8 bytes per cell.
 */
import { UploadError } from './errors.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none']);

/** Code of a missing cell in `Column.codes`. */
export const MISSING_CODE = -1;
/** Code of a numeric cell in `Column.codes`. */
export const NUMERIC_CODE = -2;

/** One column: `values[i]` is the number of a numeric cell, `codes[i]` tells which kind of cell it is. */
export class Column {
  values = new Float32Array(1024);
  codes = new Int32Array(1024);
  /** Distinct text values in order of first appearance. */
  readonly categories: string[] = [];
  private readonly categoryCodes = new Map<string, number>();
  missingCount = 0;
  firstMissingLine = 0;
  length = 0;

  constructor(readonly name: string) {}

  get isNumeric(): boolean {
    return this.categories.length === 0;
  }

  add(raw: string, line: number, fileLabel: string): void {
    if (this.length === this.values.length) this.grow();
    const text = raw.trim();
    const index = this.length++;
    if (MISSING.has(text.toLowerCase())) {
      this.codes[index] = MISSING_CODE;
      this.values[index] = Number.NaN;
      if (this.missingCount++ === 0) this.firstMissingLine = line;
      return;
    }
    if (NUMBER.test(text)) {
      const value = Number(text);
      const single = Math.fround(value);
      if (!Number.isFinite(single)) {
        throw new UploadError(
          'NON_FINITE_VALUE',
          `Invalid value ${JSON.stringify(text)} on line ${line}, column ${JSON.stringify(this.name)} of the ${fileLabel}: it is outside the float32 range (about ±3.4e38).`,
        );
      }
      this.codes[index] = NUMERIC_CODE;
      this.values[index] = single;
      return;
    }
    if (NON_FINITE.test(text)) {
      throw new UploadError(
        'NON_FINITE_VALUE',
        `Invalid value ${JSON.stringify(text)} on line ${line}, column ${JSON.stringify(this.name)} of the ${fileLabel}: NaN and Infinity are not allowed; leave the cell empty to mark a missing value.`,
      );
    }
    let code = this.categoryCodes.get(text);
    if (code === undefined) {
      code = this.categories.length;
      this.categories.push(text);
      this.categoryCodes.set(text, code);
    }
    this.codes[index] = code;
    this.values[index] = Number.NaN;
  }

  /** Text of cell `index` as the category it stands for in a text column. */
  categoryOf(index: number): string | null {
    const code = this.codes[index];
    if (code === MISSING_CODE) return null;
    if (code === NUMERIC_CODE) return String(this.values[index]);
    return this.categories[code];
  }

  private grow(): void {
    const values = new Float32Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
    const codes = new Int32Array(this.codes.length * 2);
    codes.set(this.codes);
    this.codes = codes;
  }
}

/** Columns of one CSV file with its header. */
export interface CsvTable {
  columns: Column[];
  rowCount: number;
  hasHeader: boolean;
  /** File line of each data row, for messages. */
  lines: Int32Array;
}
