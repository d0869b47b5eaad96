/** Small real MNIST slices and model specs shared by the engine tests. */
import { modelSpecSchema, type ModelSpec } from '../../lib/config';
import { loadDataset, type Dataset } from '../datasets';

/** MNIST with only the first `poolSize` pool digits and `testSize` test digits, to keep tests fast. */
export async function mnistSlice(poolSize: number, testSize: number): Promise<Dataset> {
  const full = await loadDataset('mnist');
  const sampleSize = full.inputShape.reduce((product, size) => product * size, 1);
  return {
    ...full,
    trainX: full.trainX.subarray(0, poolSize * sampleSize),
    trainY: full.trainY.subarray(0, poolSize),
    testX: full.testX.subarray(0, testSize * sampleSize),
    testY: full.testY.subarray(0, testSize),
  };
}

/** Parses a model spec, filling in the defaults of the shared schema. */
export function specOf(input: Partial<ModelSpec> & Pick<ModelSpec, 'architecture'>): ModelSpec {
  return modelSpecSchema.parse(input);
}

export const MLP = { conv: [], dense: [32, 16] };
export const SMALL_CNN = { conv: [{ filters: 4, kernelSize: 3, pool: 2 }], dense: [16] };
