/**
 * Stores an encoded dataset in one transaction: the `datasets` row and its
 * samples as float32 chunks. The same content uploaded again to the same
 * study returns the existing dataset.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client.ts';
import { recordActivity } from '../collaboration/activity.ts';
import type { Db } from '../db.ts';
import { canonicalChecksum, float32Bytes, type EncodedDataset } from './encoded.ts';
import { summarizeDataset } from './summary.ts';

/** Upper bound of the input bytes of one chunk row, so a row stays far below Postgres' 1 GB field limit. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Prefix of the `key` of uploaded datasets; the rest is the dataset id. */
export const UPLOADED_KEY_PREFIX = 'upload-';

/** Result of `storeDataset`. */
export interface StoredDataset {
  id: string;
  /** True when the same content already existed in the study and nothing was stored. */
  existing: boolean;
}

/** Yields the chunk rows of one part lazily, so only one chunk's bytes are copied at a time. */
function* chunkRows(datasetId: string, part: 'train' | 'test', inputs: Float32Array, targets: Float32Array): Generator<Prisma.DatasetChunkCreateManyInput> {
  const sampleSize = targets.length === 0 ? 1 : inputs.length / targets.length;
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (sampleSize * 4)));
  for (let first = 0, index = 0; first < targets.length; first += perChunk, index++) {
    const count = Math.min(perChunk, targets.length - first);
    yield {
      datasetId,
      part,
      chunkIndex: index,
      firstSample: first,
      sampleCount: count,
      inputs: new Uint8Array(float32Bytes(inputs.subarray(first * sampleSize, (first + count) * sampleSize))) as Uint8Array<ArrayBuffer>,
      targets: new Uint8Array(float32Bytes(targets.subarray(first, first + count))) as Uint8Array<ArrayBuffer>,
    };
  }
}

async function findExisting(db: Db, studyId: string, checksum: string): Promise<string | null> {
  const row = await db.dataset.findUnique({ where: { studyId_checksum: { studyId, checksum } }, select: { id: true } });
  return row?.id ?? null;
}

/** Stores `dataset` in the study unless its content is already there. */
export async function storeDataset({
  db,
  studyId,
  userId,
  name,
  dataset,
}: {
  db: Db;
  studyId: string;
  userId: string;
  name: string;
  dataset: EncodedDataset;
}): Promise<StoredDataset> {
  const checksum = canonicalChecksum(dataset);
  const existing = await findExisting(db, studyId, checksum);
  if (existing !== null) return { id: existing, existing: true };

  const id = randomUUID();
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  try {
    await db.$transaction(
      async (tx) => {
        await tx.dataset.create({
          data: {
            id,
            key: `${UPLOADED_KEY_PREFIX}${id}`,
            version: 1,
            name,
            description: `Uploaded ${dataset.notes.format} file.`,
            task: dataset.task,
            inputShape: dataset.inputShape,
            classes: dataset.classes,
            trainCount: dataset.trainX.length / sampleSize,
            testCount: dataset.testY.length,
            checksum,
            studyId,
            createdById: userId,
            summary: summarizeDataset(dataset) as unknown as Prisma.InputJsonValue,
          },
        });
        for (const row of chunkRows(id, 'train', dataset.trainX, dataset.trainY)) await tx.datasetChunk.create({ data: row, select: { chunkIndex: true } });
        for (const row of chunkRows(id, 'test', dataset.testX, dataset.testY)) await tx.datasetChunk.create({ data: row, select: { chunkIndex: true } });
        await recordActivity({ db: tx, studyId, kind: 'dataset_added', actorId: userId, datasetId: id, summary: name });
      },
      { timeout: 120_000 },
    );
  } catch (error) {
    // Two uploads of the same content at once: the second one finds the first.
    const raced = await findExisting(db, studyId, checksum);
    if (raced !== null) return { id: raced, existing: true };
    throw error;
  }
  return { id, existing: false };
}
