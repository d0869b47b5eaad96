/** Detects the delimiter and the header of a CSV file from its first bytes. */
import { isDecimalCommaNumber } from './csv-columns.ts';
import { CSV_DELIMITERS, CsvRecordReader, type CsvDelimiter } from './csv-reader.ts';

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const MISSING = new Set(['', 'na', 'n/a', 'null', 'none']);

/** What the dashboard shows for confirmation before the upload. */
export interface CsvPreview {
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  columns: string[];
  /** First data rows as text. */
  rows: string[][];
  /**
   * Columns whose sampled values are all numbers and some are written with a
   * decimal comma ("1,5"); the upload reads them as numbers. Only a file with
   * the semicolon delimiter has them.
   */
  decimalCommaColumns: string[];
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
 * count (on a tie, the one whose fields contain no other delimiter), and takes the first row as a header when none of its fields is a
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
    // Breaks ties such as "1,5;2,5" (two fields either way) in favour of the split whose fields hold
    // no other delimiter, decimal commas of a semicolon file apart.
    const others = CSV_DELIMITERS.filter((candidate) => candidate !== delimiter);
    const holdsOther = (field: string) => others.some((other) => field.includes(other)) && !(delimiter === ';' && isDecimalCommaNumber(field.trim()));
    const mixed = records.some((record) => record.some(holdsOther));
    let score = 0;
    if (width > 1) score = width * consistent - (mixed ? 0.5 : 0);
    if (score > best.score) best = { delimiter, records, score };
  }

  const decimalComma = best.delimiter === ';';
  const isNumber = (field: string) => NUMBER.test(field) || (decimalComma && isDecimalCommaNumber(field.trim()));
  const [first = [], ...rest] = best.records;
  const firstHasNumber = first.some(isNumber);
  const someColumnNumeric = first.some((_, column) => rest.length > 0 && rest.every((row) => isNumber(row[column] ?? '')));
  const distinct = new Set(first.map((field) => field.trim())).size === first.length;
  const recurs = first.some((field, column) => rest.some((row) => row[column] === field));
  const hasHeader = !firstHasNumber && (someColumnNumeric || (distinct && !recurs));

  const columns = hasHeader ? first.map((field) => field.trim()) : first.map((_, index) => `column_${index + 1}`);
  const dataRows = hasHeader ? rest : best.records;
  const decimalCommaColumns = decimalComma ? columns.filter((_, column) => hasDecimalCommas(dataRows, column)) : [];
  return { delimiter: best.delimiter, hasHeader, columns, rows: dataRows.slice(0, 10), decimalCommaColumns };
}

/** Tells whether every present value of a column is a number and at least one has a decimal comma. */
function hasDecimalCommas(rows: string[][], column: number): boolean {
  const present = rows.map((row) => (row[column] ?? '').trim()).filter((field) => !MISSING.has(field.toLowerCase()));
  return present.some(isDecimalCommaNumber) && present.every((field) => NUMBER.test(field) || isDecimalCommaNumber(field));
}
