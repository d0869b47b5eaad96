import type { DbOrTx } from '../db.ts';

/** Name of the binary weights file that model.json points at, relative to the model.json URL. */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Builds the model.json of an instance's stored weights, loadable by
 * `tf.loadLayersModel(url)`: the weights manifest names `weights.bin`, which
 * resolves to the sibling route `/api/export/instances/<id>/weights.bin`.
 * Returns null when the instance has no stored weights.
 */
export async function loadModelJson({ db, instanceId }: { db: DbOrTx; instanceId: string }) {
  const row = await db.instanceWeights.findUnique({
    where: { instanceId },
    select: { format: true, modelTopology: true, weightSpecs: true },
  });
  if (!row) return null;
  return {
    format: row.format,
    generatedBy: 'Robustlab',
    convertedBy: null,
    modelTopology: row.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: row.weightSpecs }],
  };
}

/** Returns the concatenated binary weight data of an instance, or null. */
export async function loadWeightData({ db, instanceId }: { db: DbOrTx; instanceId: string }): Promise<Uint8Array | null> {
  const row = await db.instanceWeights.findUnique({ where: { instanceId }, select: { weightData: true } });
  return row?.weightData ?? null;
}
