/**
 * Trained weights of an instance in TensorFlow.js layers-model format, as
 * `model.save` produces them: the topology of model.json, the weight specs
 * of its weights manifest and the concatenated binary weight data.
 */
import * as tf from '@tensorflow/tfjs';
import type { DbOrTx } from '../server/db.ts';

/** Weights of one trained instance, ready to store. */
export interface InstanceWeights {
  format: 'layers-model';
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array<ArrayBuffer>;
}

/** Serializes a trained model's topology and weights; the model stays usable. */
export async function captureWeights(model: tf.LayersModel): Promise<InstanceWeights> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('Saving the trained model returned no topology or weights.');
  }

  return {
    format: 'layers-model',
    modelTopology: artifacts.modelTopology as object,
    weightSpecs: artifacts.weightSpecs,
    weightData: new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)),
  };
}

/** Stores the weights of an instance; a retried job that stores them again changes nothing. */
export async function storeInstanceWeights({ db, instanceId, weights }: { db: DbOrTx; instanceId: string; weights: InstanceWeights }): Promise<void> {
  await db.instanceWeights.createMany({
    data: [
      {
        instanceId,
        format: weights.format,
        modelTopology: weights.modelTopology,
        weightSpecs: weights.weightSpecs as unknown as object[],
        weightData: weights.weightData,
      },
    ],
    skipDuplicates: true,
  });
}
