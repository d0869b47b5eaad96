/** Reads a streamed CSV file, checking its shape and the upload limits. */
import { Column, type CsvTable } from './csv-columns.ts';
import { CSV_DELIMITERS, CsvRecordReader, Utf8Decoder, type CsvDelimiter } from './csv-reader.ts';
import { UploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';

/** Options of one CSV file. */
export interface CsvFileOptions {
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  limits: UploadLimits;
  /** Names the file in messages, for example "training file". */
  fileLabel: string;
}

/** Receives the column names once, then each data row with its line number. */
export interface CsvRowHandler {
  columns(names: string[]): void;
  row(fields: string[], line: number): void;
}

/**
 * Reads one CSV file from bytes pushed in as they arrive: decodes UTF-8,
 * checks the header, the number of fields per row and the row limit, and
 * hands each data row on, so the reader itself keeps no rows.
 */
export class CsvFileReader {
  private readonly decoder: Utf8Decoder;
  private readonly reader: CsvRecordReader;
  private columnCount: number | null = null;
  private rowCount = 0;
  private byteCount = 0;

  constructor(
    private readonly options: CsvFileOptions,
    private readonly handler: CsvRowHandler,
  ) {
    this.decoder = new Utf8Decoder(options.fileLabel);
    this.reader = new CsvRecordReader(options.delimiter, (fields, line) => this.addRecord(fields, line), options.limits.maxLineChars, options.fileLabel);
  }

  write(chunk: Uint8Array): void {
    this.byteCount += chunk.length;
    this.reader.push(this.decoder.decode(chunk));
  }

  /** Ends the file and returns its number of data rows. */
  end(): number {
    this.reader.push(this.decoder.decode(new Uint8Array(0), true));
    this.reader.end();
    const { fileLabel } = this.options;
    if (this.byteCount === 0 || this.columnCount === null) {
      throw new UploadError('EMPTY_FILE', `Invalid ${fileLabel}: it is empty; expected a header line and data rows.`);
    }
    if (this.rowCount === 0) {
      throw new UploadError('NO_DATA_ROWS', `Invalid ${fileLabel}: it has a header but no data rows.`);
    }
    return this.rowCount;
  }

  private addRecord(fields: string[], line: number): void {
    const { fileLabel, limits } = this.options;
    if (this.columnCount === null) {
      const names = this.columnNames(fields, line);
      this.columnCount = names.length;
      this.handler.columns(names);
      if (this.options.hasHeader) return;
    }
    if (fields.length !== this.columnCount) {
      throw new UploadError(
        'RAGGED_ROW',
        `Invalid ${fileLabel}: line ${line} has ${fields.length} fields, but the ${this.options.hasHeader ? 'header' : 'first row'} has ${this.columnCount}; every row needs the same number of fields.`,
      );
    }
    if (this.rowCount >= limits.maxRows) {
      throw new UploadError('TOO_MANY_ROWS', `Invalid ${fileLabel}: it has more than ${limits.maxRows} data rows (the ROBUSTLAB_UPLOAD_MAX_ROWS limit).`);
    }
    this.rowCount++;
    this.handler.row(fields, line);
  }

  private columnNames(fields: string[], line: number): string[] {
    const { fileLabel, limits, delimiter } = this.options;
    if (fields.length > limits.maxColumns) {
      throw new UploadError('TOO_MANY_COLUMNS', `Invalid ${fileLabel}: it has ${fields.length} columns, more than ${limits.maxColumns} (the ROBUSTLAB_UPLOAD_MAX_COLUMNS limit).`);
    }
    if (fields.length === 1) {
      const other = CSV_DELIMITERS.find((candidate) => candidate !== delimiter && fields[0].includes(candidate));
      if (other !== undefined) {
        throw new UploadError(
          'WRONG_DELIMITER',
          `Invalid ${fileLabel}: with delimiter ${describeDelimiter(delimiter)} line ${line} is a single column, but it contains ${describeDelimiter(other)}; upload again with delimiter ${describeDelimiter(other)}.`,
        );
      }
    }
    if (!this.options.hasHeader) return fields.map((_, index) => `column_${index + 1}`);

    const seen = new Map<string, number>();
    return fields.map((raw, index) => {
      const name = raw.trim();
      if (name === '') {
        throw new UploadError('DUPLICATE_COLUMN', `Invalid ${fileLabel}: header column ${index + 1} has an empty name; every column needs a distinct name.`);
      }
      const previous = seen.get(name);
      if (previous !== undefined) {
        throw new UploadError('DUPLICATE_COLUMN', `Invalid ${fileLabel}: header columns ${previous + 1} and ${index + 1} are both named ${JSON.stringify(name)}; column names must be distinct.`);
      }
      seen.set(name, index);
      return name;
    });
  }
}

/** Builds a `CsvTable` in memory; for small files such as a labels CSV, whose size the row limit bounds. */
export class CsvTableBuilder {
  private readonly file: CsvFileReader;
  private columns: Column[] = [];
  private lines = new Int32Array(1024);
  private rowCount = 0;

  constructor(private readonly options: CsvFileOptions) {
    this.file = new CsvFileReader(options, {
      columns: (names) => (this.columns = names.map((name) => new Column(name, options.delimiter === ';'))),
      row: (fields, line) => this.addRow(fields, line),
    });
  }

  write(chunk: Uint8Array): void {
    this.file.write(chunk);
  }

  end(): CsvTable {
    this.file.end();
    return { columns: this.columns, rowCount: this.rowCount, hasHeader: this.options.hasHeader, lines: this.lines.subarray(0, this.rowCount) };
  }

  private addRow(fields: string[], line: number): void {
    if (this.rowCount === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.rowCount++] = line;
    for (let i = 0; i < fields.length; i++) this.columns[i].add(fields[i], line, this.options.fileLabel);
  }
}

/** Names a delimiter in messages. */
export function describeDelimiter(delimiter: string): string {
  const names: Record<string, string> = { '\t': 'tab', ';': 'semicolon', ',': 'comma' };
  return names[delimiter] ?? JSON.stringify(delimiter);
}
