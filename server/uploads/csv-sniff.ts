/** Detects the delimiter and the header of a CSV file from its first bytes. */
import { CSV_DELIMITERS, CsvRecordReader, type CsvDelimiter } from './csv-reader.ts';

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** What the dashboard shows for confirmation before the upload. */
export interface CsvPreview {
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  columns: string[];
  /** First data rows as text. */
  rows: string[][];
}

function readRecords(text: string, delimiter: CsvDelimiter, maxRecords: number): string[][] {
  const records: string[][] = [];
  const reader = new CsvRecordReader(delimiter, (fields) => records.push(fields), Number.MAX_SAFE_INTEGER, 'sample');
  try {
    reader.push(text);
  } catch {
    // A record cut off at the end of the sample or a bad quote: use what parsed.
  }
  return records.slice(0, maxRecords);
}

/**
 * Picks the delimiter whose records have the most columns with a consistent
 * count, and takes the first row as a header when none of its fields is a
 * number but some column below it is numeric, or its fields are distinct
 * texts that do not recur below. `sample` is the first bytes of the file;
 * its last line may be cut off.
 */
export function sniffCsv(sample: string): CsvPreview {
  const text = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  const complete = lastBreak > 0 && text.length > 1 ? text.slice(0, lastBreak + 1) : text;

  let best: { delimiter: CsvDelimiter; records: string[][]; score: number } = { delimiter: ',', records: [], score: -1 };
  for (const delimiter of CSV_DELIMITERS) {
    const records = readRecords(complete, delimiter, 50);
    if (records.length === 0) continue;
    const width = records[0].length;
    const consistent = records.filter((record) => record.length === width).length / records.length;
    const score = width > 1 ? width * consistent : 0;
    if (score > best.score) best = { delimiter, records, score };
  }

  const [first = [], ...rest] = best.records;
  const firstHasNumber = first.some((field) => NUMBER.test(field));
  const someColumnNumeric = first.some((_, column) => rest.length > 0 && rest.every((row) => NUMBER.test(row[column] ?? '')));
  const distinct = new Set(first.map((field) => field.trim())).size === first.length;
  const recurs = first.some((field, column) => rest.some((row) => row[column] === field));
  const hasHeader = !firstHasNumber && (someColumnNumeric || (distinct && !recurs));

  const columns = hasHeader ? first.map((field) => field.trim()) : first.map((_, index) => `column_${index + 1}`);
  return { delimiter: best.delimiter, hasHeader, columns, rows: (hasHeader ? rest : best.records).slice(0, 10) };
}
