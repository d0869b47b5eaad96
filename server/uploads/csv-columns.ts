/**
 * Cell parsing of CSV records, and a column store for small CSV files such
 * as a labels file: each column keeps its numeric values in a growing
 * Float32Array and its text values as codes of a per-column dictionary.
 */
import { UploadError } from './errors.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A number with a decimal comma, such as "1,5" or "-0,25"; no thousands separators. */
const DECIMAL_COMMA_NUMBER = /^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none']);

/** Tells whether a trimmed cell is a number written with a decimal comma, such as "1,5". */
export function isDecimalCommaNumber(text: string): boolean {
  return DECIMAL_COMMA_NUMBER.test(text);
}

/**
 * Parses one CSV cell: null for a missing value, a float32-rounded number
 * for a numeric cell, else the trimmed text. With `decimalComma` (files with
 * the semicolon delimiter), "1,5" is the number 1.5 as well. NaN, Infinity
 * and numbers outside the float32 range raise NON_FINITE_VALUE.
 */
export function parseCsvCell(raw: string, line: number, columnName: string, fileLabel: string, decimalComma = false): number | string | null {
  const text = raw.trim();
  if (MISSING.has(text.toLowerCase())) return null;
  const decimal = decimalComma && DECIMAL_COMMA_NUMBER.test(text) ? text.replace(',', '.') : text;
  if (NUMBER.test(decimal)) {
    const single = Math.fround(Number(decimal));
    if (!Number.isFinite(single)) {
      throw new UploadError(
        'NON_FINITE_VALUE',
        `Invalid value ${JSON.stringify(text)} on line ${line}, column ${JSON.stringify(columnName)} of the ${fileLabel}: it is outside the float32 range (about ±3.4e38).`,
      );
    }
    return single;
  }
  if (NON_FINITE.test(text)) {
    throw new UploadError(
      'NON_FINITE_VALUE',
      `Invalid value ${JSON.stringify(text)} on line ${line}, column ${JSON.stringify(columnName)} of the ${fileLabel}: NaN and Infinity are not allowed; leave the cell empty to mark a missing value.`,
    );
  }
  return text;
}

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

  /** `decimalComma` reads "1,5" as 1.5; it is set for files with the semicolon delimiter. */
  constructor(
    readonly name: string,
    private readonly decimalComma = false,
  ) {}

  get isNumeric(): boolean {
    return this.categories.length === 0;
  }

  add(raw: string, line: number, fileLabel: string): void {
    if (this.length === this.values.length) this.grow();
    const index = this.length++;
    const cell = parseCsvCell(raw, line, this.name, fileLabel, this.decimalComma);
    if (cell === null) {
      this.codes[index] = MISSING_CODE;
      this.values[index] = Number.NaN;
      if (this.missingCount++ === 0) this.firstMissingLine = line;
      return;
    }
    if (typeof cell === 'number') {
      this.codes[index] = NUMERIC_CODE;
      this.values[index] = cell;
      return;
    }
    let code = this.categoryCodes.get(cell);
    if (code === undefined) {
      code = this.categories.length;
      this.categories.push(cell);
      this.categoryCodes.set(cell, code);
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
