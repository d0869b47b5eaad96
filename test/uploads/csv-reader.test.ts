import { describe, expect, test } from 'vitest';
import { CsvRecordReader, type CsvDelimiter } from '../../server/uploads/csv-reader.ts';
import { sniffCsv } from '../../server/uploads/csv-sniff.ts';

function parse(pieces: string[], delimiter: CsvDelimiter = ','): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  const reader = new CsvRecordReader(delimiter, (fields, line) => records.push({ fields, line }), 10_000, 'test file');
  for (const piece of pieces) reader.push(piece);
  reader.end();
  return records;
}

const TRICKY = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\n1,,3\n\n"",last,"q"""\n4,5,6';

describe('CsvRecordReader', () => {
  test('parses quoted fields by RFC 4180', () => {
    expect(parse([TRICKY])).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', 'two\nlines'], line: 2 },
      { fields: ['1', '', '3'], line: 4 },
      { fields: ['', 'last', 'q"'], line: 6 },
      { fields: ['4', '5', '6'], line: 7 },
    ]);
  });

  test('gives the same records for every chunk split', () => {
    const whole = parse([TRICKY]);
    for (let size = 1; size <= 7; size++) {
      const pieces = Array.from({ length: Math.ceil(TRICKY.length / size) }, (_, i) => TRICKY.slice(i * size, (i + 1) * size));
      expect(parse(pieces)).toEqual(whole);
    }
  });

  test('rejects a quote inside an unquoted field', () => {
    expect(() => parse(['a,b\n1,x"y\n'])).toThrow(/stray quote on line 2 in field 2/);
  });

  test('rejects text after a closing quote', () => {
    expect(() => parse(['a,b\n"x"y,1\n'])).toThrow(/stray quote on line 2 in field 1/);
  });
});

describe('sniffCsv', () => {
  test('detects tab delimiter and header', () => {
    const preview = sniffCsv('name\tage\tscore\nann\t31\t0.5\nbob\t42\t0.7\n');
    expect(preview.delimiter).toBe('\t');
    expect(preview.hasHeader).toBe(true);
    expect(preview.columns).toEqual(['name', 'age', 'score']);
    expect(preview.rows).toEqual([['ann', '31', '0.5'], ['bob', '42', '0.7']]);
  });

  test('detects a file without header', () => {
    const preview = sniffCsv('1;2;x\n3;4;y\n5;6;x\n');
    expect(preview.delimiter).toBe(';');
    expect(preview.hasHeader).toBe(false);
    expect(preview.columns).toEqual(['column_1', 'column_2', 'column_3']);
  });
});
