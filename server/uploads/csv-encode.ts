/**
 * Encodes parsed CSV columns into a dataset: target column to class indices
 * or regression values, numeric feature columns standardized with the
 * training pool's mean and standard deviation, text feature columns one-hot
 * encoded, constant columns dropped, missing values rejected or imputed.
 */
import { MISSING_CODE, type Column, type CsvTable } from './csv-columns.ts';
import type { DatasetTask, EncodedDataset } from './encoded.ts';
import { UploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';
import { checkUnseenLabels, splitRows } from './split.ts';

/** How missing feature values are handled: rejected, rows dropped, or imputed from the training pool. */
export type MissingRule = 'reject' | 'drop' | 'mean' | 'median' | 'mode';

export interface CsvEncodeOptions {
  task: DatasetTask;
  target: string;
  missing: MissingRule;
  testFraction: number;
  seed: number;
  confirmUnseenLabels: boolean;
  limits: UploadLimits;
}

/** A feature column after the type decision. */
type Feature = { column: number; name: string; kind: 'numeric' } | { column: number; name: string; kind: 'onehot'; categories: string[] };

/** Rows of one part: which table and which row indices. */
interface Part {
  table: CsvTable;
  rows: Int32Array;
}

function findTarget(table: CsvTable, target: string, fileLabel: string): number {
  const index = table.columns.findIndex((column) => column.name === target);
  if (index >= 0) return index;
  const names = table.columns.map((column) => JSON.stringify(column.name));
  throw new UploadError('UNKNOWN_TARGET_COLUMN', `Invalid target ${JSON.stringify(target)}: the ${fileLabel} has no such column; expected one of ${names.slice(0, 20).join(', ')}.`);
}

function checkMissing(table: CsvTable, rule: MissingRule, target: number, fileLabel: string): Int32Array {
  const keep: number[] = [];
  const targetColumn = table.columns[target];
  for (const [index, column] of table.columns.entries()) {
    if (column.missingCount === 0) continue;
    if (rule === 'reject' || (index === target && rule !== 'drop')) {
      const row = column.codes.findIndex((code, i) => i < column.length && code === MISSING_CODE);
      const what = index === target ? 'the target column, which cannot be imputed' : `column ${JSON.stringify(column.name)}`;
      throw new UploadError(
        'MISSING_VALUE',
        `Missing value on line ${table.lines[row]} of the ${fileLabel} in ${what} (${column.missingCount} missing in that column); ` +
          `choose missing=drop${index === target ? '' : ', mean, median or mode'} or fill the cell.`,
      );
    }
  }
  for (let row = 0; row < table.rowCount; row++) {
    const hasMissing = rule === 'drop' ? table.columns.some((column) => column.codes[row] === MISSING_CODE) : targetColumn.codes[row] === MISSING_CODE;
    if (!hasMissing) keep.push(row);
  }
  return Int32Array.from(keep);
}

function classNamesOf(columns: Column[]): string[] {
  const names = new Set<string>();
  for (const column of columns) for (let row = 0; row < column.length; row++) {
    const name = column.categoryOf(row);
    if (name !== null) names.add(name);
  }
  const list = [...names];
  const numeric = list.every((name) => Number.isFinite(Number(name)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

function encodeTargets(part: Part, target: number, task: DatasetTask, classIndex: Map<string, number>): Float32Array {
  const column = part.table.columns[target];
  const values = new Float32Array(part.rows.length);
  part.rows.forEach((row, i) => {
    values[i] = task === 'regression' ? column.values[row] : classIndex.get(column.categoryOf(row)!)!;
  });
  return values;
}

function chooseFeatures(table: CsvTable, target: number, limits: UploadLimits, dropped: string[]): Feature[] {
  const features: Feature[] = [];
  for (const [index, column] of table.columns.entries()) {
    if (index === target) continue;
    if (column.isNumeric) {
      let min = Infinity;
      let max = -Infinity;
      for (let row = 0; row < column.length; row++) {
        const value = column.values[row];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (!(max > min)) dropped.push(column.name);
      else features.push({ column: index, name: column.name, kind: 'numeric' });
      continue;
    }
    const categories = classNamesOf([column]);
    if (categories.length > limits.maxCategories) {
      throw new UploadError('TOO_MANY_CATEGORIES', `Invalid column ${JSON.stringify(column.name)}: it has ${categories.length} distinct text values, more than ${limits.maxCategories} (the ROBUSTLAB_UPLOAD_MAX_CATEGORIES limit); drop it or make it numeric.`);
    }
    if (categories.length <= 1) dropped.push(column.name);
    else features.push({ column: index, name: column.name, kind: 'onehot', categories });
  }
  return features;
}

/** Encodes a training table (and an optional separate test table) into a dataset. */
export function encodeCsv(train: CsvTable, test: CsvTable | null, options: CsvEncodeOptions): EncodedDataset {
  const target = findTarget(train, options.target, 'training file');
  if (test !== null) {
    const expected = train.columns.map((column) => column.name).join(', ');
    const actual = test.columns.map((column) => column.name).join(', ');
    if (expected !== actual) throw new UploadError('COLUMN_MISMATCH', `Invalid test file: its columns are [${actual}], but the training file has [${expected}].`);
  }
  const trainRows = checkMissing(train, options.missing, target, 'training file');
  const testRows = test === null ? null : checkMissing(test, options.missing, target, 'test file');
  const droppedRows = train.rowCount - trainRows.length + (test === null || testRows === null ? 0 : test.rowCount - testRows.length);

  let trainPart: Part;
  let testPart: Part;
  if (test === null || testRows === null) {
    const split = splitRows(trainRows, options.testFraction, options.seed);
    trainPart = { table: train, rows: split.train };
    testPart = { table: train, rows: split.test };
  } else {
    if (testRows.length === 0) throw new UploadError('EMPTY_TEST_SPLIT', 'Invalid test file: no test rows are left after dropping rows with missing values.');
    trainPart = { table: train, rows: trainRows };
    testPart = { table: test, rows: testRows };
  }

  let classNames: string[] | undefined;
  const classIndex = new Map<string, number>();
  const targetColumn = train.columns[target];
  if (options.task === 'regression') {
    if (!targetColumn.isNumeric || (test !== null && !test.columns[target].isNumeric)) {
      throw new UploadError('INVALID_TARGET', `Invalid target ${JSON.stringify(options.target)} for regression: it contains text values such as ${JSON.stringify(targetColumn.categories[0] ?? test?.columns[target].categories[0])}; expected numbers.`);
    }
  } else {
    classNames = classNamesOf(test === null ? [targetColumn] : [targetColumn, test.columns[target]]);
    if (classNames.length < 2) {
      throw new UploadError('SINGLE_CLASS', `Invalid target ${JSON.stringify(options.target)} for classification: every row has the class ${JSON.stringify(classNames[0])}; expected at least 2 classes.`);
    }
    if (classNames.length > 256) {
      throw new UploadError('TOO_MANY_CLASSES', `Invalid target ${JSON.stringify(options.target)} for classification: it has ${classNames.length} classes, more than 256; use task=regression for a numeric target.`);
    }
    classNames.forEach((name, index) => classIndex.set(name, index));
  }
  const trainY = encodeTargets(trainPart, target, options.task, classIndex);
  const testY = encodeTargets(testPart, target, options.task, classIndex);
  const unseen = classNames ? checkUnseenLabels({ trainY, testY, classNames, confirmed: options.confirmUnseenLabels }) : [];

  const droppedConstantColumns: string[] = [];
  const features = chooseFeatures(train, target, options.limits, droppedConstantColumns);
  if (features.length === 0) {
    throw new UploadError('NO_FEATURES', `Invalid training file: no feature column is left besides the target (constant columns dropped: ${droppedConstantColumns.join(', ') || 'none'}).`);
  }
  const featureNames = features.flatMap((feature) => (feature.kind === 'numeric' ? [feature.name] : feature.categories.map((category) => `${feature.name}=${category}`)));
  if (featureNames.length > options.limits.maxFeatures) {
    throw new UploadError('TOO_MANY_COLUMNS', `Invalid training file: one-hot encoding gives ${featureNames.length} input features, more than ${options.limits.maxFeatures} (the ROBUSTLAB_UPLOAD_MAX_FEATURES limit).`);
  }

  const imputer = fitFeatures(features, trainPart, options.missing);
  const trainX = writeInputs(features, trainPart, featureNames.length, imputer);
  const testX = writeInputs(features, testPart, featureNames.length, imputer);
  return {
    task: options.task,
    inputShape: [featureNames.length],
    classes: options.task === 'regression' ? 1 : classNames!.length,
    trainX,
    trainY,
    testX,
    testY,
    notes: {
      format: 'csv',
      featureNames,
      classNames,
      targetColumn: options.target,
      droppedConstantColumns,
      oneHotColumns: features.filter((feature) => feature.kind === 'onehot').map((feature) => feature.name),
      missingRule: options.missing,
      imputedCells: imputer.imputedCells(trainPart, testPart),
      droppedRows,
      unseenTestLabels: unseen,
      scaling: 'numeric columns standardized with the training pool mean and standard deviation',
      splitSeed: test === null ? options.seed : undefined,
      testFraction: test === null ? options.testFraction : null,
    },
  };
}

/** Per-feature statistics of the training pool: standardization and the imputed value. */
interface FeatureFit {
  mean: number;
  std: number;
  /** Value written for a missing numeric cell, before standardization. */
  fill: number;
  /** Category written for a missing text cell. */
  fillCategory: string | null;
}

function fitFeatures(features: Feature[], part: Part, rule: MissingRule) {
  const fits: FeatureFit[] = features.map((feature) => {
    const column = part.table.columns[feature.column];
    if (feature.kind === 'onehot') {
      const counts = new Map<string, number>();
      for (const row of part.rows) {
        const category = column.categoryOf(row);
        if (category !== null) counts.set(category, (counts.get(category) ?? 0) + 1);
      }
      const mode = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
      return { mean: 0, std: 1, fill: 0, fillCategory: mode };
    }
    const values: number[] = [];
    for (const row of part.rows) if (column.codes[row] !== MISSING_CODE) values.push(column.values[row]);
    const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(values.length, 1);
    const std = Math.sqrt(variance) || 1;
    let fill = mean;
    if (rule === 'median' || rule === 'mode') {
      values.sort((a, b) => a - b);
      fill = rule === 'median' ? median(values) : modeOf(values);
    }
    return { mean, std, fill: Number.isFinite(fill) ? fill : 0, fillCategory: null };
  });
  return {
    fits,
    imputedCells(...parts: Part[]): number {
      let count = 0;
      for (const { table, rows } of parts) for (const feature of features) for (const row of rows) if (table.columns[feature.column].codes[row] === MISSING_CODE) count++;
      return count;
    },
  };
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const middle = (sorted.length - 1) / 2;
  return (sorted[Math.floor(middle)] + sorted[Math.ceil(middle)]) / 2;
}

function modeOf(sorted: number[]): number {
  let best = sorted[0] ?? 0;
  let bestCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) [best, bestCount] = [sorted[i], j - i];
    i = j;
  }
  return best;
}

function writeInputs(features: Feature[], part: Part, width: number, imputer: ReturnType<typeof fitFeatures>): Float32Array {
  const inputs = new Float32Array(part.rows.length * width);
  let offset = 0;
  features.forEach((feature, index) => {
    const column = part.table.columns[feature.column];
    const fit = imputer.fits[index];
    part.rows.forEach((row, i) => {
      if (feature.kind === 'numeric') {
        const value = column.codes[row] === MISSING_CODE ? fit.fill : column.values[row];
        inputs[i * width + offset] = (value - fit.mean) / fit.std;
      } else {
        const category = column.categoryOf(row) ?? fit.fillCategory;
        const position = category === null ? -1 : feature.categories.indexOf(category);
        // A category that only the test file has gets all zeros.
        if (position >= 0) inputs[i * width + offset + position] = 1;
      }
    });
    offset += feature.kind === 'numeric' ? 1 : feature.categories.length;
  });
  return inputs;
}
