/**
 * Loads an uploaded dataset from its float32 chunks in Postgres. Uploaded
 * datasets are immutable, so each process caches the last few it loaded.
 */
import { endianness } from 'node:os';
import type { DbOrTx } from '../../server/db.ts';
import type { Dataset } from './types';

const CACHE_SIZE = 2;
const cache = new Map<string, Promise<Dataset>>();

function toFloat32(bytes: Uint8Array, into: Float32Array, offset: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.byteLength / 4;
  if (endianness() === 'LE' && bytes.byteOffset % 4 === 0) {
    into.set(new Float32Array(bytes.buffer, bytes.byteOffset, count), offset);
    return;
  }
  for (let i = 0; i < count; i++) into[offset + i] = view.getFloat32(i * 4, true);
}

async function readPart(db: DbOrTx, datasetId: string, part: 'train' | 'test', count: number, sampleSize: number) {
  const inputs = new Float32Array(count * sampleSize);
  const targets = new Float32Array(count);
  // One chunk at a time, so the bytes of only one chunk are in flight.
  const chunks = await db.datasetChunk.findMany({ where: { datasetId, part }, select: { chunkIndex: true, firstSample: true, sampleCount: true }, orderBy: { chunkIndex: 'asc' } });
  let loaded = 0;
  for (const chunk of chunks) {
    const row = await db.datasetChunk.findUniqueOrThrow({ where: { datasetId_part_chunkIndex: { datasetId, part, chunkIndex: chunk.chunkIndex } }, select: { inputs: true, targets: true } });
    toFloat32(row.inputs, inputs, chunk.firstSample * sampleSize);
    toFloat32(row.targets, targets, chunk.firstSample);
    loaded += chunk.sampleCount;
  }
  if (loaded !== count) throw new Error(`Dataset ${datasetId} has ${loaded} stored ${part} samples, expected ${count}.`);
  return { inputs, targets };
}

async function readDataset(db: DbOrTx, datasetId: string): Promise<Dataset> {
  const row = await db.dataset.findUniqueOrThrow({ where: { id: datasetId } });
  const sampleSize = row.inputShape.reduce((product, size) => product * size, 1);
  const train = await readPart(db, datasetId, 'train', row.trainCount, sampleSize);
  const test = await readPart(db, datasetId, 'test', row.testCount, sampleSize);
  const labels = (targets: Float32Array) => (row.task === 'classification' ? Uint8Array.from(targets) : targets);
  return {
    key: row.key,
    version: row.version,
    task: row.task,
    inputShape: row.inputShape,
    classes: row.classes,
    trainX: train.inputs,
    trainY: labels(train.targets),
    testX: test.inputs,
    testY: labels(test.targets),
    checksum: row.checksum,
  };
}

/** Loads the uploaded dataset `datasetId`; callers must not modify its arrays. */
export function loadUploadedDataset({ db, datasetId }: { db: DbOrTx; datasetId: string }): Promise<Dataset> {
  let loading = cache.get(datasetId);
  if (loading === undefined) {
    loading = readDataset(db, datasetId);
    cache.set(datasetId, loading);
    loading.catch(() => cache.delete(datasetId));
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return loading;
}
