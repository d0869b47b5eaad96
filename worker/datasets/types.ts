/** A dataset: immutable and versioned, split once into a training pool and a test set. */
export interface Dataset {
  key: string;
  version: number;
  task: 'classification';
  /** Shape of one sample without the batch axis, for example [28, 28, 1]. */
  inputShape: number[];
  classes: number;
  /** Training-pool samples, row-major, `inputShape` values per sample. */
  trainX: Float32Array;
  /** Training-pool class labels, one per sample. */
  trainY: Uint8Array;
  testX: Float32Array;
  testY: Uint8Array;
  /** Hex sha256 over trainX, trainY, testX and testY bytes, in that order. */
  checksum: string;
}
