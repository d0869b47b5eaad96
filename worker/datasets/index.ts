/** Registry of the built-in datasets, loaded lazily and cached per process. */
import { buildCalorimeterDataset, CALORIMETER_METADATA, type CalorimeterTarget, type CalorimeterVariant } from './calorimeter';
import { FASHION_MNIST_METADATA } from './fashion-mnist-metadata';
import { buildMnist, MNIST_METADATA } from './mnist';
import { buildMnistPermuted, MNIST_PERMUTED_METADATA } from './mnist-permuted';
import type { DbOrTx } from '../../server/db.ts';
import type { Dataset, DatasetMetadata } from './types';
import { loadUploadedDataset } from './uploaded';

export type { Baseline, BaselineMetric, Dataset, DatasetMetadata, FeatureScaling } from './types';

interface DatasetSource {
  /** Known without building; its checksum was recorded when the version was frozen. */
  metadata: DatasetMetadata;
  build: () => Promise<Dataset>;
}

function calorimeterSource(metadata: DatasetMetadata): DatasetSource {
  const [, target, variant] = metadata.key.split('-') as [string, CalorimeterTarget, CalorimeterVariant];
  return { metadata, build: async () => buildCalorimeterDataset(target, variant) };
}

const SOURCES: Record<string, DatasetSource> = Object.fromEntries(
  [
    { metadata: MNIST_METADATA, build: buildMnist },
    { metadata: MNIST_PERMUTED_METADATA, build: buildMnistPermuted },
    // Imported on first use: the package's JSON files are about 155 MB.
    { metadata: FASHION_MNIST_METADATA, build: async () => (await import('./fashion-mnist')).buildFashionMnist() },
    ...CALORIMETER_METADATA.map(calorimeterSource),
  ].map((source) => [source.metadata.key, source]),
);

/** Keys accepted by `loadDataset`. */
export const DATASET_KEYS: readonly string[] = Object.keys(SOURCES);

/** Metadata of every built-in dataset version, available without loading any data. */
export const BUILTIN_DATASETS: readonly DatasetMetadata[] = Object.values(SOURCES).map((source) => source.metadata);

const cache = new Map<string, Promise<Dataset>>();

async function buildVerified(key: string, source: DatasetSource): Promise<Dataset> {
  const dataset = await source.build();
  const expected = source.metadata.checksum;
  if (dataset.checksum !== expected || dataset.version !== source.metadata.version) {
    throw new Error(
      `Dataset '${key}' version ${dataset.version} has checksum ${dataset.checksum}, ` +
        `expected version ${source.metadata.version} with checksum ${expected}: its source files or generator changed.`,
    );
  }
  return dataset;
}

/**
 * Loads the dataset `key` and verifies it against its recorded checksum.
 * The result is cached per process; callers must not modify its arrays.
 */
export function loadDataset(key: string): Promise<Dataset> {
  const source = Object.hasOwn(SOURCES, key) ? SOURCES[key] : undefined;
  if (source === undefined) {
    return Promise.reject(
      new Error(`Unknown dataset '${key}': expected one of ${DATASET_KEYS.map((k) => `'${k}'`).join(', ')}.`),
    );
  }

  let loading = cache.get(key);
  if (loading === undefined) {
    loading = buildVerified(key, source);
    cache.set(key, loading);
    // A failed load is not cached, so a later call can retry.
    loading.catch(() => cache.delete(key));
  }
  return loading;
}

/**
 * Loads the dataset of a `datasets` row: a built-in one by key (checked
 * against its version), an uploaded one (with a study) from its stored chunks.
 */
export async function loadDatasetOfRow({
  db,
  dataset,
}: {
  db: DbOrTx;
  dataset: { id: string; key: string; version: number; studyId: string | null };
}): Promise<Dataset> {
  if (dataset.studyId !== null) return loadUploadedDataset({ db, datasetId: dataset.id });
  const loaded = await loadDataset(dataset.key);
  if (loaded.version !== dataset.version) {
    throw new Error(`Dataset '${loaded.key}' is version ${loaded.version} in this worker, but the experiment uses version ${dataset.version}.`);
  }
  return loaded;
}
