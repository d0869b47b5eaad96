/**
 * First pass over an uploaded CSV file. Rows are parsed as they stream in,
 * written to staging in batches, and summarized per column (kind, distinct
 * values, missing cells, range), so the encoding is decided without the rows
 * in memory.
 */
import { isDecimalCommaNumber, MISSING_CODE, NUMERIC_CODE, parseCsvCell } from './csv-columns.ts';
import { CsvFileReader, type CsvFileOptions } from './csv-table.ts';
import type { StagingSource } from './staging.ts';
import type { UploadContext } from './store.ts';

/** Code of a text cell whose value is beyond the distinct-value cap; such a column is always rejected. */
export const OVERFLOW_CODE = -3;

/**
 * Summary of one column. Distinct values are kept up to `cap`, which is
 * above every limit that uses them (categories of a feature, classes of a
 * target), so a column over the cap is rejected either way.
 */
export class CsvColumnSummary {
  /** Distinct text values in order of first appearance; a cell's code is its index here. */
  readonly textValues: string[] = [];
  private readonly textCodes = new Map<string, number>();
  /** Distinct numbers of the column, up to the cap. */
  readonly numbers = new Set<number>();
  /** True when more distinct values occurred than the cap. */
  overflow = false;
  /** True when the column has a text cell. */
  hasText = false;
  missingCount = 0;
  firstMissingLine = 0;
  min = Infinity;
  max = -Infinity;
  /** Numeric cells written with a decimal comma ("1,5"). */
  decimalCommaCount = 0;

  /**
   * `decimalComma` reads "1,5" as 1.5; it is set for files with the semicolon delimiter.
   * NOTE: in a column that also has text cells, such numbers become categories as
   * JavaScript prints them ("1.5"), as other numbers in a text column do.
   */
  constructor(
    readonly name: string,
    private readonly cap: number,
    private readonly decimalComma = false,
  ) {}

  /** True when the column has no text cell. */
  get isNumeric(): boolean {
    return !this.hasText;
  }

  /** Parses a cell into `values[index]` and `codes[index]` and updates the summary. */
  add(raw: string, line: number, fileLabel: string, values: Float32Array, codes: Int32Array, index: number): void {
    const cell = parseCsvCell(raw, line, this.name, fileLabel, this.decimalComma);
    if (cell === null) {
      values[index] = Number.NaN;
      codes[index] = MISSING_CODE;
      if (this.missingCount++ === 0) this.firstMissingLine = line;
      return;
    }
    if (typeof cell === 'number') {
      values[index] = cell;
      codes[index] = NUMERIC_CODE;
      if (this.decimalComma && isDecimalCommaNumber(raw.trim())) this.decimalCommaCount++;
      if (cell < this.min) this.min = cell;
      if (cell > this.max) this.max = cell;
      if (!this.numbers.has(cell)) {
        if (this.numbers.size < this.cap) this.numbers.add(cell);
        else this.overflow = true;
      }
      return;
    }
    values[index] = Number.NaN;
    this.hasText = true;
    let code = this.textCodes.get(cell);
    if (code === undefined) {
      if (this.textValues.length >= this.cap) {
        this.overflow = true;
        codes[index] = OVERFLOW_CODE;
        return;
      }
      code = this.textValues.length;
      this.textValues.push(cell);
      this.textCodes.set(cell, code);
    }
    codes[index] = code;
  }

  /** The first text value, for messages. */
  get firstText(): string | undefined {
    return this.textValues[0];
  }

  /** Distinct values as text (numbers written as JavaScript prints them); `complete` is false past the cap. */
  distinctNames(): { names: string[]; complete: boolean } {
    const names = new Set<string>(this.textValues);
    for (const number of this.numbers) names.add(String(number));
    return { names: [...names], complete: !this.overflow };
  }

  /** Text of a cell from its code and value; null for a missing cell. */
  nameOf(code: number, value: number): string | null {
    if (code === MISSING_CODE || code === OVERFLOW_CODE) return null;
    if (code === NUMERIC_CODE) return String(value);
    return this.textValues[code];
  }
}

/** A CSV file after the first pass. */
export interface StagedCsv {
  columns: CsvColumnSummary[];
  rowCount: number;
  /** Rows without a missing cell. */
  completeRows: number;
  source: StagingSource;
  fileLabel: string;
}

/** One staged batch of rows: row-major values and cell codes. */
export interface CsvBatch {
  rows: number;
  values: Float32Array;
  codes: Int32Array;
}

/** Unpacks a staged batch of `columnCount` columns. */
export function unpackCsvBatch(itemCount: number, data: Uint8Array, columnCount: number): CsvBatch {
  const cells = itemCount * columnCount;
  // Copied unless aligned, because typed-array views need 4-byte alignment.
  const aligned = data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
  return { rows: itemCount, values: new Float32Array(aligned.buffer, aligned.byteOffset, cells), codes: new Int32Array(aligned.buffer, aligned.byteOffset + cells * 4, cells) };
}

/** Parses a CSV file as it streams in and stages its rows; see the file comment. */
export class CsvRowStager {
  private readonly file: CsvFileReader;
  private columns: CsvColumnSummary[] = [];
  private rowsPerBatch = 1;
  private values = new Float32Array(0);
  private codes = new Int32Array(0);
  private rowsInBatch = 0;
  private rowCount = 0;
  private completeRows = 0;
  private readonly full: { rows: number; data: Uint8Array }[] = [];

  constructor(
    private readonly context: UploadContext,
    private readonly source: StagingSource,
    private readonly options: CsvFileOptions,
    private readonly distinctCap: number,
  ) {
    this.file = new CsvFileReader(options, {
      columns: (names) => this.start(names),
      row: (fields, line) => this.addRow(fields, line),
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.file.write(chunk);
    await this.drain();
  }

  async end(): Promise<StagedCsv> {
    this.file.end();
    this.packBatch();
    await this.drain();
    return { columns: this.columns, rowCount: this.rowCount, completeRows: this.completeRows, source: this.source, fileLabel: this.options.fileLabel };
  }

  private async drain(): Promise<void> {
    while (this.full.length > 0) {
      const batch = this.full.shift()!;
      await this.context.staging.append(this.source, batch.rows, batch.data);
    }
  }

  private start(names: string[]): void {
    this.columns = names.map((name) => new CsvColumnSummary(name, this.distinctCap, this.options.delimiter === ';'));
    // A staged row takes 8 bytes per cell: a float32 value and an int32 code.
    this.rowsPerBatch = Math.max(1, Math.floor(this.context.chunkBytes / (names.length * 8)));
    this.values = new Float32Array(this.rowsPerBatch * names.length);
    this.codes = new Int32Array(this.rowsPerBatch * names.length);
  }

  private addRow(fields: string[], line: number): void {
    const width = this.columns.length;
    const offset = this.rowsInBatch * width;
    let complete = true;
    for (let i = 0; i < width; i++) {
      this.columns[i].add(fields[i], line, this.options.fileLabel, this.values, this.codes, offset + i);
      if (this.codes[offset + i] === MISSING_CODE) complete = false;
    }
    if (complete) this.completeRows++;
    this.rowCount++;
    this.rowsInBatch++;
    if (this.rowsInBatch === this.rowsPerBatch) this.packBatch();
  }

  /** Packs the rows collected so far as values (float32) and then codes (int32), and queues them for staging. */
  private packBatch(): void {
    if (this.rowsInBatch === 0) return;
    const cells = this.rowsInBatch * this.columns.length;
    const packed = new Uint8Array(cells * 8);
    packed.set(new Uint8Array(this.values.buffer, 0, cells * 4), 0);
    packed.set(new Uint8Array(this.codes.buffer, 0, cells * 4), cells * 4);
    this.full.push({ rows: this.rowsInBatch, data: packed });
    this.rowsInBatch = 0;
  }
}
