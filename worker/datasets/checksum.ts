import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

type SplitArrays = { trainX: Float32Array; trainY: Uint8Array | Float32Array; testX: Float32Array; testY: Uint8Array | Float32Array };

function littleEndianBytes(array: Float32Array | Uint8Array): Uint8Array {
  if (array instanceof Uint8Array) return array;
  if (endianness() === 'LE') return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

  const view = new DataView(new ArrayBuffer(array.byteLength));
  array.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return new Uint8Array(view.buffer);
}

/**
 * Computes the hex sha256 over the bytes of a split: pool data, pool labels,
 * test data, test labels, with float32 values in little-endian byte order.
 */
export function computeSplitChecksum(split: SplitArrays): string {
  const hash = createHash('sha256');
  for (const array of [split.trainX, split.trainY, split.testX, split.testY]) {
    hash.update(littleEndianBytes(array));
  }
  return hash.digest('hex');
}
