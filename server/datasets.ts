import { BUILTIN_DATASETS, type DatasetMetadata } from '../worker/datasets/index.ts';
import type { DbOrTx } from './db.ts';

/** Fields of a `datasets` row that describe a built-in dataset version. */
export function datasetRow(metadata: DatasetMetadata) {
  const { key, version, name, description, task, inputShape, classes, trainCount, testCount, checksum } = metadata;
  return { key, version, name, description, task, inputShape, classes, trainCount, testCount, checksum };
}

/** A baseline metric as GraphQL's DatasetBaseline returns it. */
export interface DatasetBaselineRow {
  name: string;
  metric: string;
  value: number;
  unit: string;
}

/**
 * Returns the baseline metrics recorded for a built-in dataset version. An
 * uploaded dataset, an older version and a dataset without baselines get an
 * empty list.
 */
export function datasetBaselines(dataset: { key: string; version: number; studyId: string | null }): DatasetBaselineRow[] {
  if (dataset.studyId !== null) return [];
  const metadata = BUILTIN_DATASETS.find((entry) => entry.key === dataset.key && entry.version === dataset.version);
  return (metadata?.baselines ?? []).map(({ name, metric }) => ({ name, metric: metric.name, value: metric.value, unit: metric.unit }));
}

/**
 * Inserts or updates the `datasets` row of every built-in dataset version
 * from its metadata, without loading any samples. The recorded checksum is
 * verified when a worker loads the dataset.
 */
export async function ensureBuiltinDatasets(db: DbOrTx): Promise<Array<{ key: string; version: number }>> {
  const ensured: Array<{ key: string; version: number }> = [];
  for (const metadata of BUILTIN_DATASETS) {
    const row = datasetRow(metadata);
    await db.dataset.upsert({
      where: { key_version: { key: row.key, version: row.version } },
      create: row,
      update: row,
    });
    ensured.push({ key: row.key, version: row.version });
  }
  return ensured;
}
