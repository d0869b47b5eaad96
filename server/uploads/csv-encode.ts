/**
 * Encodes a staged CSV upload into a dataset: target column to class indices
 * or regression values, numeric feature columns standardized with the
 * training pool's mean and standard deviation, text feature columns one-hot
 * encoded, constant columns dropped, missing values rejected, dropped or
 * imputed. The decisions come from the column summaries of the first pass.
 * Statistics of the training pool come from a second pass over the staged
 * rows, and a third pass writes the encoded samples.
 */
import { MISSING_CODE } from './csv-columns.ts';
import { unpackCsvBatch, type CsvBatch, type CsvColumnSummary, type StagedCsv } from './csv-stage.ts';
import type { DatasetTask } from './encoded.ts';
import { UploadError } from './errors.ts';
import type { UploadLimits } from './limits.ts';
import { assignTestSamples, checkUnseenLabels, countTestSamples } from './split.ts';
import type { IngestedDataset, UploadContext } from './store.ts';
import { FeatureStatisticsAccumulator } from './summary.ts';

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

/** Maximum classes of a classification target. */
const MAX_CLASSES = 256;

/** A feature column after the type decision; `offset` is its first input position. */
type Feature =
  | { column: number; name: string; kind: 'numeric'; offset: number }
  | { column: number; name: string; kind: 'onehot'; offset: number; categories: string[]; positions: Map<string, number> };

/** Per-feature statistics of the training pool and the value written for a missing cell. */
interface FeatureFit {
  mean: number;
  std: number;
  /** Value written for a missing numeric cell, before standardization. */
  fill: number;
  /** Category written for a missing text cell. */
  fillCategory: string | null;
}

function findTarget(staged: StagedCsv, target: string): number {
  const index = staged.columns.findIndex((column) => column.name === target);
  if (index >= 0) return index;
  const names = staged.columns.map((column) => JSON.stringify(column.name));
  throw new UploadError('UNKNOWN_TARGET_COLUMN', `Invalid target ${JSON.stringify(target)}: the ${staged.fileLabel} has no such column; expected one of ${names.slice(0, 20).join(', ')}.`);
}

/** Raises MISSING_VALUE unless the rule handles the missing cells of the file. */
function checkMissing(staged: StagedCsv, rule: MissingRule, target: number): void {
  for (const [index, column] of staged.columns.entries()) {
    if (column.missingCount === 0) continue;
    if (rule === 'reject' || (index === target && rule !== 'drop')) {
      const what = index === target ? 'the target column, which cannot be imputed' : `column ${JSON.stringify(column.name)}`;
      throw new UploadError(
        'MISSING_VALUE',
        `Missing value on line ${column.firstMissingLine} of the ${staged.fileLabel} in ${what} (${column.missingCount} missing in that column); ` +
          `choose missing=drop${index === target ? '' : ', mean, median or mode'} or fill the cell.`,
      );
    }
  }
}

/** Rows of the file that the encoding keeps: all rows, or with missing=drop those without a missing cell. */
function keptRowCount(staged: StagedCsv, rule: MissingRule): number {
  return rule === 'drop' ? staged.completeRows : staged.rowCount;
}

function isKept(batch: CsvBatch, row: number, width: number, rule: MissingRule): boolean {
  if (rule !== 'drop') return true;
  for (let i = row * width; i < (row + 1) * width; i++) if (batch.codes[i] === MISSING_CODE) return false;
  return true;
}

/** Sorts names numerically when all are numbers, else as text. */
function sortNames(names: string[]): string[] {
  const numeric = names.every((name) => Number.isFinite(Number(name)));
  return numeric ? names.sort((a, b) => Number(a) - Number(b)) : names.sort();
}

function classNamesOf(columns: CsvColumnSummary[], target: string): string[] {
  const names = new Set<string>();
  let complete = true;
  for (const column of columns) {
    const distinct = column.distinctNames();
    for (const name of distinct.names) names.add(name);
    complete &&= distinct.complete;
  }
  if (!complete || names.size > MAX_CLASSES) {
    throw new UploadError(
      'TOO_MANY_CLASSES',
      `Invalid target ${JSON.stringify(target)} for classification: it has ${complete ? names.size : `at least ${names.size + 1}`} classes, more than ${MAX_CLASSES}; use task=regression for a numeric target.`,
    );
  }
  return sortNames([...names]);
}

function chooseFeatures(staged: StagedCsv, target: number, limits: UploadLimits, dropped: string[]): Feature[] {
  const features: Feature[] = [];
  let offset = 0;
  for (const [index, column] of staged.columns.entries()) {
    if (index === target) continue;
    if (column.isNumeric) {
      if (!(column.max > column.min)) dropped.push(column.name);
      else features.push({ column: index, name: column.name, kind: 'numeric', offset: offset++ });
      continue;
    }
    const distinct = column.distinctNames();
    if (!distinct.complete || distinct.names.length > limits.maxCategories) {
      const count = distinct.complete ? `${distinct.names.length}` : `at least ${distinct.names.length + 1}`;
      throw new UploadError('TOO_MANY_CATEGORIES', `Invalid column ${JSON.stringify(column.name)}: it has ${count} distinct text values, more than ${limits.maxCategories} (the ROBUSTLAB_UPLOAD_MAX_CATEGORIES limit); drop it or make it numeric.`);
    }
    const categories = sortNames(distinct.names);
    if (categories.length <= 1) {
      dropped.push(column.name);
      continue;
    }
    features.push({ column: index, name: column.name, kind: 'onehot', offset, categories, positions: new Map(categories.map((name, position) => [name, position])) });
    offset += categories.length;
  }
  return features;
}

/** Raises COLUMN_MISMATCH when the test file's columns differ from the training file's or a numeric feature has text there. */
function checkTestColumns(train: StagedCsv, test: StagedCsv, features: Feature[]): void {
  const expected = train.columns.map((column) => column.name).join(', ');
  const actual = test.columns.map((column) => column.name).join(', ');
  if (expected !== actual) throw new UploadError('COLUMN_MISMATCH', `Invalid test file: its columns are [${actual}], but the training file has [${expected}].`);
  for (const feature of features) {
    const column = test.columns[feature.column];
    if (feature.kind === 'numeric' && !column.isNumeric) {
      throw new UploadError('COLUMN_MISMATCH', `Invalid test file: column ${JSON.stringify(column.name)} is numeric in the training file but has text values such as ${JSON.stringify(column.firstText)} in the test file.`);
    }
  }
}

/** Reads the staged batches of a file and calls `visit` for each kept row with its index among the kept rows. */
async function forEachKeptRow(context: UploadContext, staged: StagedCsv, rule: MissingRule, visit: (batch: CsvBatch, row: number, keptIndex: number) => Promise<void> | void): Promise<void> {
  const width = staged.columns.length;
  let keptIndex = 0;
  for await (const staging of context.staging.read(staged.source)) {
    const batch = unpackCsvBatch(staging.itemCount, staging.data, width);
    for (let row = 0; row < batch.rows; row++) {
      if (!isKept(batch, row, width, rule)) continue;
      await visit(batch, row, keptIndex++);
    }
  }
}

/** Per-feature accumulators of the training pool: mean and variance by Welford's update, category counts. */
class PoolStatistics {
  private readonly counts: Float64Array;
  private readonly means: Float64Array;
  private readonly squares: Float64Array;
  private readonly categoryCounts: Map<string, number>[];

  constructor(
    private readonly features: Feature[],
    private readonly columns: CsvColumnSummary[],
    private readonly width: number,
  ) {
    this.counts = new Float64Array(features.length);
    this.means = new Float64Array(features.length);
    this.squares = new Float64Array(features.length);
    this.categoryCounts = features.map(() => new Map<string, number>());
  }

  add(batch: CsvBatch, row: number): void {
    this.features.forEach((feature, index) => {
      const cell = row * this.width + feature.column;
      const code = batch.codes[cell];
      if (code === MISSING_CODE) return;
      if (feature.kind === 'onehot') {
        const name = this.columns[feature.column].nameOf(code, batch.values[cell])!;
        this.categoryCounts[index].set(name, (this.categoryCounts[index].get(name) ?? 0) + 1);
        return;
      }
      const value = batch.values[cell];
      const count = ++this.counts[index];
      const delta = value - this.means[index];
      this.means[index] += delta / count;
      this.squares[index] += delta * (value - this.means[index]);
    });
  }

  fits(fills: Map<number, number>): FeatureFit[] {
    return this.features.map((feature, index) => {
      if (feature.kind === 'onehot') {
        const mode = [...this.categoryCounts[index].entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
        return { mean: 0, std: 1, fill: 0, fillCategory: mode };
      }
      const mean = this.means[index];
      const std = Math.sqrt(this.counts[index] > 0 ? this.squares[index] / this.counts[index] : 0) || 1;
      const fill = fills.get(index) ?? mean;
      return { mean, std, fill: Number.isFinite(fill) ? fill : 0, fillCategory: null };
    });
  }
}

/**
 * Collects the training-pool values of the numeric features that need a
 * median or mode fill in a temporary table, and computes the fills there,
 * so the values never sit in the server's memory.
 */
class FillValues {
  private created = false;
  private readonly pending = new Map<number, number[]>();

  constructor(
    private readonly context: UploadContext,
    private readonly features: Feature[],
    /** Indexes of the features that need a fill value. */
    private readonly needed: number[],
    private readonly width: number,
  ) {}

  async add(batch: CsvBatch, row: number): Promise<void> {
    for (const index of this.needed) {
      const cell = row * this.width + this.features[index].column;
      if (batch.codes[cell] === MISSING_CODE) continue;
      let values = this.pending.get(index);
      if (values === undefined) this.pending.set(index, (values = []));
      values.push(batch.values[cell]);
      if (values.length >= 50_000) await this.flush(index);
    }
  }

  /** Returns the fill of each needed feature: the median or the smallest most frequent value. */
  async compute(rule: 'median' | 'mode'): Promise<Map<number, number>> {
    const fills = new Map<number, number>();
    for (const index of this.needed) await this.flush(index);
    if (!this.created) return fills;
    for (const index of this.needed) {
      if (rule === 'median') {
        const rows = await this.context.sql.query<{ fill: number | null }>(
          'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS fill FROM upload_fill_values WHERE feature = $1',
          [index],
        );
        if (rows[0]?.fill !== null && rows[0]?.fill !== undefined) fills.set(index, Number(rows[0].fill));
      } else {
        const rows = await this.context.sql.query<{ fill: number }>(
          'SELECT value AS fill FROM upload_fill_values WHERE feature = $1 GROUP BY value ORDER BY count(*) DESC, value ASC LIMIT 1',
          [index],
        );
        // Postgres prints a real in its shortest form, so round back to the float32 it stores.
        if (rows.length > 0) fills.set(index, Math.fround(Number(rows[0].fill)));
      }
    }
    return fills;
  }

  private async flush(index: number): Promise<void> {
    const values = this.pending.get(index);
    if (values === undefined || values.length === 0) return;
    if (!this.created) {
      await this.context.sql.query('CREATE TEMP TABLE upload_fill_values (feature integer NOT NULL, value real NOT NULL) ON COMMIT DROP');
      this.created = true;
    }
    await this.context.sql.query('INSERT INTO upload_fill_values (feature, value) SELECT $1, unnest($2::real[])', [index, values]);
    this.pending.set(index, []);
  }
}

/** Maps each row's target cell to its encoded value. */
function targetOf(column: CsvColumnSummary, batch: CsvBatch, cell: number, task: DatasetTask, classIndex: Map<string, number>): number {
  if (task === 'regression') return batch.values[cell];
  return classIndex.get(column.nameOf(batch.codes[cell], batch.values[cell])!)!;
}

/** Writes the encoded inputs of one row into `sample`; returns how many of its feature cells were imputed. */
function encodeRow(batch: CsvBatch, row: number, width: number, columns: CsvColumnSummary[], features: Feature[], fits: FeatureFit[], sample: Float32Array): number {
  sample.fill(0);
  let imputed = 0;
  features.forEach((feature, index) => {
    const cell = row * width + feature.column;
    const code = batch.codes[cell];
    const fit = fits[index];
    if (code === MISSING_CODE) imputed++;
    if (feature.kind === 'numeric') {
      const value = code === MISSING_CODE ? fit.fill : batch.values[cell];
      sample[feature.offset] = (value - fit.mean) / fit.std;
      return;
    }
    const category = code === MISSING_CODE ? fit.fillCategory : columns[feature.column].nameOf(code, batch.values[cell]);
    const position = category === null ? undefined : feature.positions.get(category);
    // A category that only the test file has gets all zeros, also one past the test column's distinct-value cap.
    if (position !== undefined) sample[feature.offset + position] = 1;
  });
  return imputed;
}

/** Decides the encoding of a staged CSV upload, checks it and writes the dataset's chunks. */
export async function writeCsv(context: UploadContext, train: StagedCsv, test: StagedCsv | null, options: CsvEncodeOptions): Promise<IngestedDataset> {
  const { task, missing: rule } = options;
  const target = findTarget(train, options.target);
  if (test !== null) checkTestColumns(train, test, []);
  checkMissing(train, rule, target);
  if (test !== null) checkMissing(test, rule, target);

  const trainKept = keptRowCount(train, rule);
  const droppedRows = train.rowCount - trainKept + (test === null ? 0 : test.rowCount - keptRowCount(test, rule));
  let inTest: Uint8Array | null = null;
  let counts: { trainCount: number; testCount: number };
  if (test === null) {
    inTest = assignTestSamples(trainKept, options.testFraction, options.seed);
    const testCount = countTestSamples(inTest);
    counts = { trainCount: trainKept - testCount, testCount };
  } else {
    counts = { trainCount: trainKept, testCount: keptRowCount(test, rule) };
    if (counts.testCount === 0) throw new UploadError('EMPTY_TEST_SPLIT', 'Invalid test file: no test rows are left after dropping rows with missing values.');
    if (counts.trainCount === 0) throw new UploadError('EMPTY_TRAINING_POOL', 'Invalid training file: no training rows are left after dropping rows with missing values.');
  }

  const targetColumns = test === null ? [train.columns[target]] : [train.columns[target], test.columns[target]];
  let classNames: string[] | undefined;
  const classIndex = new Map<string, number>();
  if (task === 'regression') {
    const text = targetColumns.find((column) => !column.isNumeric);
    if (text !== undefined) {
      throw new UploadError('INVALID_TARGET', `Invalid target ${JSON.stringify(options.target)} for regression: it contains text values such as ${JSON.stringify(text.firstText)}; expected numbers.`);
    }
  } else {
    classNames = classNamesOf(targetColumns, options.target);
    if (classNames.length < 2) {
      throw new UploadError('SINGLE_CLASS', `Invalid target ${JSON.stringify(options.target)} for classification: every row has the class ${JSON.stringify(classNames[0])}; expected at least 2 classes.`);
    }
    classNames.forEach((name, index) => classIndex.set(name, index));
  }

  const droppedConstantColumns: string[] = [];
  const features = chooseFeatures(train, target, options.limits, droppedConstantColumns);
  if (features.length === 0) {
    throw new UploadError('NO_FEATURES', `Invalid training file: no feature column is left besides the target (constant columns dropped: ${droppedConstantColumns.join(', ') || 'none'}).`);
  }
  const featureNames = features.flatMap((feature) => (feature.kind === 'numeric' ? [feature.name] : feature.categories.map((category) => `${feature.name}=${category}`)));
  if (featureNames.length > options.limits.maxFeatures) {
    throw new UploadError('TOO_MANY_COLUMNS', `Invalid training file: one-hot encoding gives ${featureNames.length} input features, more than ${options.limits.maxFeatures} (the ROBUSTLAB_UPLOAD_MAX_FEATURES limit).`);
  }
  if (test !== null) checkTestColumns(train, test, features);

  // Second pass: statistics of the training pool and the targets of both parts.
  const width = train.columns.length;
  const trainY = new Float32Array(counts.trainCount);
  const testY = new Float32Array(counts.testCount);
  const pool = new PoolStatistics(features, train.columns, width);
  const needsFill = (rule === 'median' || rule === 'mode') ? features.flatMap((feature, index) => (feature.kind === 'numeric' && (train.columns[feature.column].missingCount > 0 || (test?.columns[feature.column].missingCount ?? 0) > 0) ? [index] : [])) : [];
  const fillValues = new FillValues(context, features, needsFill, width);
  let trainIndex = 0;
  let testIndex = 0;
  await forEachKeptRow(context, train, rule, async (batch, row, keptIndex) => {
    const value = targetOf(train.columns[target], batch, row * width + target, task, classIndex);
    if (inTest !== null && inTest[keptIndex] === 1) {
      testY[testIndex++] = value;
      return;
    }
    trainY[trainIndex++] = value;
    pool.add(batch, row);
    await fillValues.add(batch, row);
  });
  if (test !== null) {
    await forEachKeptRow(context, test, rule, (batch, row) => {
      testY[testIndex++] = targetOf(test.columns[target], batch, row * width + target, task, classIndex);
    });
  }
  const unseen = classNames ? checkUnseenLabels({ trainY, testY, classNames, confirmed: options.confirmUnseenLabels }) : [];
  const fits = pool.fits(rule === 'median' || rule === 'mode' ? await fillValues.compute(rule) : new Map());

  // Third pass: encode and write.
  const header = { task, inputShape: [featureNames.length], classes: task === 'regression' ? 1 : classNames!.length };
  const statistics = new FeatureStatisticsAccumulator(featureNames.length, featureNames);
  const writer = await context.openDataset({ header, format: 'csv', counts, onTrainSample: (sample) => statistics.add(sample) });
  const sample = new Float32Array(featureNames.length);
  let imputedCells = 0;
  trainIndex = 0;
  testIndex = 0;
  await forEachKeptRow(context, train, rule, async (batch, row, keptIndex) => {
    imputedCells += encodeRow(batch, row, width, train.columns, features, fits, sample);
    if (inTest !== null && inTest[keptIndex] === 1) await writer.add('test', sample, testY[testIndex++]);
    else await writer.add('train', sample, trainY[trainIndex++]);
  });
  if (test !== null) {
    await forEachKeptRow(context, test, rule, async (batch, row) => {
      imputedCells += encodeRow(batch, row, width, test.columns, features, fits, sample);
      await writer.add('test', sample, testY[testIndex++]);
    });
  }
  const written = await writer.finish();

  return {
    header,
    ...written,
    features: statistics.statistics(),
    notes: {
      format: 'csv',
      featureNames,
      classNames,
      targetColumn: options.target,
      droppedConstantColumns,
      decimalCommaColumns: train.columns.filter((column) => column.isNumeric && column.decimalCommaCount > 0).map((column) => column.name),
      oneHotColumns: features.filter((feature) => feature.kind === 'onehot').map((feature) => feature.name),
      missingRule: rule,
      imputedCells,
      droppedRows,
      unseenTestLabels: unseen,
      scaling: 'numeric columns standardized with the training pool mean and standard deviation',
      splitSeed: test === null ? options.seed : undefined,
      testFraction: test === null ? options.testFraction : null,
    },
  };
}
