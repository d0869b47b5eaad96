/**
 * Streaming CSV reader following RFC 4180: fields may be quoted with `"`,
 * a quoted field may contain the delimiter, line breaks and `""` for a quote.
 * Records end at CRLF, LF or CR. Bytes go in as they arrive; records come out
 * through a callback, so memory does not grow with the file.
 */
import { UploadError } from './errors.ts';

/** Delimiters the reader accepts. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Receives one record and its 1-based line number in the file. */
export type RecordHandler = (fields: string[], line: number) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Decodes UTF-8 bytes strictly, strips a leading byte-order mark and rejects binary content. */
export class Utf8Decoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  private bytes = 0;

  constructor(private readonly fileLabel: string) {}

  decode(chunk: Uint8Array, final = false): string {
    // A UTF-16 byte-order mark at the start: the NUL check below would call it binary.
    if (this.bytes === 0 && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      throw new UploadError('INVALID_ENCODING', `Invalid ${this.fileLabel}: it starts with a UTF-16 byte-order mark, but CSV uploads must be UTF-8 text; save the file as UTF-8.`);
    }
    if (chunk.includes(0)) {
      throw new UploadError('BINARY_FILE', `Invalid ${this.fileLabel}: byte ${this.bytes + chunk.indexOf(0)} is a NUL byte, so this is a binary file, not CSV text.`);
    }
    try {
      const text = this.decoder.decode(chunk, { stream: !final });
      this.bytes += chunk.length;
      return text;
    } catch {
      throw new UploadError('INVALID_ENCODING', `Invalid ${this.fileLabel}: it is not valid UTF-8 text near byte ${this.bytes}; save the file as UTF-8.`);
    }
  }
}

/** Incremental record parser over decoded text. */
export class CsvRecordReader {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  /** True right after a closing quote, where only a delimiter or line break may follow. */
  private afterQuote = false;
  private fieldStarted = false;
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;
  private pendingCr = false;

  constructor(
    private readonly delimiter: CsvDelimiter,
    private readonly onRecord: RecordHandler,
    private readonly maxLineChars: number,
    private readonly fileLabel: string,
  ) {}

  /** Parses the next piece of text. */
  push(text: string): void {
    const delimiter = this.delimiter.charCodeAt(0);
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (code === LF) {
          start = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (code === QUOTE) {
          this.field += text.slice(start, i);
          if (i + 1 < text.length) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              this.field += '"';
              i++;
            } else {
              this.inQuotes = false;
              this.afterQuote = true;
            }
          } else {
            // A quote at the end of a chunk: decide when the next character arrives.
            this.inQuotes = false;
            this.afterQuote = true;
            this.maybeEscapedQuote = true;
          }
          start = i + 1;
        } else if (code === LF) {
          this.line++;
        }
        continue;
      }
      if (this.maybeEscapedQuote) {
        this.maybeEscapedQuote = false;
        if (code === QUOTE) {
          this.field += '"';
          this.inQuotes = true;
          this.afterQuote = false;
          start = i + 1;
          continue;
        }
      }
      if (code === delimiter) {
        this.endField(text.slice(start, i));
        start = i + 1;
      } else if (code === LF || code === CR) {
        this.endField(text.slice(start, i));
        this.endRecord();
        this.line++;
        this.pendingCr = code === CR;
        start = i + 1;
      } else if (code === QUOTE) {
        if (this.fieldStarted || i > start || this.afterQuote) throw this.strayQuote();
        this.inQuotes = true;
        this.fieldStarted = true;
        start = i + 1;
      } else if (this.afterQuote) {
        throw this.strayQuote();
      }
    }
    if (start < text.length) {
      this.field += text.slice(start);
      if (!this.inQuotes) this.fieldStarted = true;
    }
    this.recordChars += text.length - start;
    if (this.recordChars + this.field.length > this.maxLineChars) {
      throw new UploadError(
        'LINE_TOO_LONG',
        `Invalid ${this.fileLabel}: the record starting on line ${this.recordLine} is longer than ${this.maxLineChars} characters (the ROBUSTLAB_UPLOAD_MAX_LINE_CHARS limit).`,
      );
    }
  }

  private maybeEscapedQuote = false;

  /** Ends the input; a last record without a line break is still returned. */
  end(): void {
    if (this.inQuotes) {
      throw new UploadError('UNTERMINATED_QUOTE', `Invalid ${this.fileLabel}: the quoted field opened on line ${this.recordLine} is never closed.`);
    }
    this.maybeEscapedQuote = false;
    if (this.fields.length > 0 || this.field !== '' || this.fieldStarted || this.afterQuote) {
      this.endField('');
      this.endRecord();
    }
  }

  private strayQuote(): UploadError {
    return new UploadError(
      'STRAY_QUOTE',
      `Invalid ${this.fileLabel}: stray quote on line ${this.line} in field ${this.fields.length + 1}; a quote may only open a field or be doubled ("") inside a quoted field.`,
    );
  }

  private endField(tail: string): void {
    this.fields.push(this.field + tail);
    this.field = '';
    this.fieldStarted = false;
    this.afterQuote = false;
    this.maybeEscapedQuote = false;
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    this.recordChars = 0;
    const line = this.recordLine;
    this.recordLine = this.line + 1;
    // Blank lines carry no record.
    if (fields.length === 1 && fields[0] === '') return;
    this.onRecord(fields, line);
  }
}
