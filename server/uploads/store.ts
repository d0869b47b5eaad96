/**
 * Stores an upload in one transaction. The format's ingester streams the
 * body into staging and dataset chunks through an `UploadContext`. Then the
 * checksum decides between committing a new `datasets` row and rolling back
 * to return the dataset with the same content. A failure or a cancelled
 * request rolls everything back, so no partial dataset is ever visible.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Db } from '../db.ts';
import { DatasetWriter, DEFAULT_CHUNK_BYTES, type PartCounts } from './chunks.ts';
import { checksumOf, type DatasetHeader, type EncodedDataset, type EncodingNotes, type PartDigests } from './encoded.ts';
import { inPgTransaction, inPrismaTransaction, type UploadSql } from './sql.ts';
import { Staging } from './staging.ts';
import { FeatureStatisticsAccumulator, summarizeDataset, type FeatureStatistics } from './summary.ts';

/** Prefix of the `key` of uploaded datasets; the rest is the dataset id. */
export const UPLOADED_KEY_PREFIX = 'upload-';

/**
 * Maximum pause between two statements of an upload transaction. The
 * transaction spans the whole request, so this bounds how long a stalled
 * client may hold its connection: Postgres ends the session, and the upload
 * fails and rolls back.
 */
const UPLOAD_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/** Limits of the Prisma transaction, which has no idle timeout of its own. */
const PRISMA_TRANSACTION_OPTIONS = { timeout: 30 * 60 * 1000, maxWait: 30_000 };

/** Result of a stored upload. */
export interface StoredDataset {
  id: string;
  /** True when the same content already existed in the study and nothing was stored. */
  existing: boolean;
}

/** Context of an ingester: the transaction, its staging table and the writer of the dataset's chunks. */
export interface UploadContext {
  sql: UploadSql;
  staging: Staging;
  /** Bytes of staged batches and of the inputs of one chunk row. */
  chunkBytes: number;
  /** Creates the dataset row (checksum pending) and returns the writer of its chunks. */
  openDataset(input: { header: DatasetHeader; format: EncodingNotes['format']; counts: PartCounts; onTrainSample?: (sample: Float32Array) => void }): Promise<DatasetWriter>;
}

/** Result of an ingester once every chunk is written. */
export interface IngestedDataset {
  header: DatasetHeader;
  notes: EncodingNotes;
  trainY: Float32Array;
  testY: Float32Array;
  digests: PartDigests;
  /** Statistics of tabular input features; null for images. */
  features: FeatureStatistics[] | null;
}

/** Thrown inside the transaction to roll it back when the content already exists. */
class ExistingDatasetFound extends Error {
  constructor(readonly datasetId: string) {
    super(`Dataset ${datasetId} already has this content.`);
  }
}

async function findExisting(sql: UploadSql, studyId: string, checksum: string): Promise<string | null> {
  const rows = await sql.query<{ id: string }>('SELECT id::text AS id FROM datasets WHERE study_id = $1::uuid AND checksum = $2', [studyId, checksum]);
  return rows[0]?.id ?? null;
}

/**
 * Runs `ingest` in an upload transaction and stores its dataset in the study,
 * unless the study already has a dataset with the same checksum.
 */
export async function storeUpload({
  db,
  pool,
  studyId,
  userId,
  name,
  chunkBytes = DEFAULT_CHUNK_BYTES,
  ingest,
}: {
  db: Db;
  /** Connections for the upload transaction; without it the transaction runs through Prisma. */
  pool?: pg.Pool;
  studyId: string;
  userId: string;
  name: string;
  chunkBytes?: number;
  ingest: (context: UploadContext) => Promise<IngestedDataset>;
}): Promise<StoredDataset> {
  const id = randomUUID();
  let checksum: string | null = null;

  const work = async (sql: UploadSql): Promise<StoredDataset> => {
    if (pool) await sql.query(`SET LOCAL idle_in_transaction_session_timeout = ${UPLOAD_IDLE_TIMEOUT_MS}`);
    let opened = false;
    const context: UploadContext = {
      sql,
      staging: new Staging(sql),
      chunkBytes,
      async openDataset({ header, format, counts, onTrainSample }) {
        // The checksum is unique until the real one is known at the end of the upload.
        await sql.query(
          `INSERT INTO datasets (id, key, version, name, description, task, input_shape, classes, train_count, test_count, checksum, study_id, created_by_id)
           VALUES ($1::uuid, $2, 1, $3, $4, $5::"DatasetTask", $6::int[], $7, $8, $9, $10, $11::uuid, $12::uuid)`,
          [id, `${UPLOADED_KEY_PREFIX}${id}`, name, `Uploaded ${format} file.`, header.task, header.inputShape, header.classes, counts.trainCount, counts.testCount, `pending-${id}`, studyId, userId],
        );
        opened = true;
        const sampleSize = header.inputShape.reduce((product, size) => product * size, 1);
        return new DatasetWriter({ sql, datasetId: id, sampleSize, counts, chunkBytes, onTrainSample });
      },
    };

    const result = await ingest(context);
    if (!opened) throw new Error('The upload ingester finished without opening the dataset.');
    checksum = checksumOf(result.header, result.digests);
    const existing = await findExisting(sql, studyId, checksum);
    if (existing !== null) throw new ExistingDatasetFound(existing);

    const summary = summarizeDataset({ task: result.header.task, classes: result.header.classes, notes: result.notes, trainY: result.trainY, testY: result.testY, features: result.features });
    await sql.query('UPDATE datasets SET checksum = $2, summary = $3::jsonb WHERE id = $1::uuid', [id, checksum, JSON.stringify(summary)]);
    // The same row as recordActivity (server/collaboration/activity.ts) writes, in this transaction's connection.
    await sql.query(`INSERT INTO activity_events (id, study_id, kind, actor_id, dataset_id, summary) VALUES (gen_random_uuid(), $1::uuid, 'dataset_added', $2::uuid, $3::uuid, $4)`, [studyId, userId, id, name]);
    return { id, existing: false };
  };

  try {
    return pool ? await inPgTransaction(pool, work) : await inPrismaTransaction(db, work, PRISMA_TRANSACTION_OPTIONS);
  } catch (error) {
    if (error instanceof ExistingDatasetFound) return { id: error.datasetId, existing: true };
    // Two uploads of the same content at once: the second one finds the first.
    if (checksum !== null) {
      const raced = await db.dataset.findUnique({ where: { studyId_checksum: { studyId, checksum } }, select: { id: true } });
      if (raced !== null) return { id: raced.id, existing: true };
    }
    throw error;
  }
}

/** Stores a dataset whose parts are already in memory, in the same way as an upload. */
export function storeDataset({ db, studyId, userId, name, dataset }: { db: Db; studyId: string; userId: string; name: string; dataset: EncodedDataset }): Promise<StoredDataset> {
  return storeUpload({
    db,
    studyId,
    userId,
    name,
    async ingest(context) {
      const header = { task: dataset.task, inputShape: dataset.inputShape, classes: dataset.classes };
      const size = dataset.inputShape.reduce((product, value) => product * value, 1);
      const counts = { trainCount: dataset.trainY.length, testCount: dataset.testY.length };
      const statistics = dataset.inputShape.length === 1 ? new FeatureStatisticsAccumulator(size, dataset.notes.featureNames ?? []) : null;
      const writer = await context.openDataset({ header, format: dataset.notes.format, counts, onTrainSample: statistics ? (sample) => statistics.add(sample) : undefined });
      for (let i = 0; i < counts.trainCount; i++) await writer.add('train', dataset.trainX.subarray(i * size, (i + 1) * size), dataset.trainY[i]);
      for (let i = 0; i < counts.testCount; i++) await writer.add('test', dataset.testX.subarray(i * size, (i + 1) * size), dataset.testY[i]);
      const written = await writer.finish();
      return { header, notes: dataset.notes, ...written, features: statistics?.statistics() ?? null };
    },
  });
}
