/** Registry of the built-in datasets, loaded lazily and cached per process. */
import { buildMnist, MNIST_CHECKSUM, MNIST_KEY } from './mnist';
import type { Dataset } from './types';

export type { Dataset } from './types';

interface DatasetSource {
  build: () => Promise<Dataset>;
  /** Checksum recorded when the version was frozen; a mismatch means the data changed. */
  checksum: string;
}

const SOURCES: Record<string, DatasetSource> = {
  [MNIST_KEY]: { build: buildMnist, checksum: MNIST_CHECKSUM },
};

/** Keys accepted by `loadDataset`. */
export const DATASET_KEYS: readonly string[] = Object.keys(SOURCES);

const cache = new Map<string, Promise<Dataset>>();

async function buildVerified(key: string, source: DatasetSource): Promise<Dataset> {
  const dataset = await source.build();
  if (dataset.checksum !== source.checksum) {
    throw new Error(
      `Dataset '${key}' version ${dataset.version} has checksum ${dataset.checksum}, ` +
        `expected ${source.checksum}: its source files changed.`,
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
