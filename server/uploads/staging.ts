/**
 * Staging of an upload inside its transaction: batches of decoded rows or
 * raw sample bytes go to a temporary table while the body streams in, and
 * later passes read them back one batch at a time. The table is created with
 * ON COMMIT DROP inside the upload's transaction, so a commit drops it and a
 * rollback undoes its creation: nothing of it outlives the request.
 */
import type { UploadSql } from './sql.ts';

/** One staged batch: `itemCount` rows or samples packed in `data`. */
export interface StagedBatch {
  itemCount: number;
  data: Uint8Array;
}

/** Returns a Buffer view of `bytes`, which node-postgres sends as a binary parameter without copying it to text. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Source of a staged batch, which keeps the files of one upload apart in one table. */
export type StagingSource = 0 | 1;

/** The staging table of one upload transaction. */
export class Staging {
  private created = false;

  constructor(private readonly sql: UploadSql) {}

  /** Appends a batch of `source`; batches of a source are read back in the order they were appended. */
  async append(source: StagingSource, itemCount: number, data: Uint8Array): Promise<void> {
    if (!this.created) {
      await this.sql.query('CREATE TEMP TABLE upload_staging (seq serial PRIMARY KEY, source smallint NOT NULL, item_count integer NOT NULL, data bytea NOT NULL) ON COMMIT DROP');
      this.created = true;
    }
    await this.sql.query('INSERT INTO upload_staging (source, item_count, data) VALUES ($1, $2, $3)', [source, itemCount, toBuffer(data)]);
  }

  /** Yields the batches of `source` in order, fetching one at a time so only one batch is in memory. */
  async *read(source: StagingSource): AsyncGenerator<StagedBatch> {
    if (!this.created) return;
    let after = 0;
    for (;;) {
      const rows = await this.sql.query<{ seq: number; item_count: number; data: Uint8Array }>(
        'SELECT seq, item_count, data FROM upload_staging WHERE source = $1 AND seq > $2 ORDER BY seq LIMIT 1',
        [source, after],
      );
      if (rows.length === 0) return;
      after = rows[0].seq;
      yield { itemCount: rows[0].item_count, data: rows[0].data };
    }
  }
}

/**
 * Collects items of a fixed byte size into batches of about `batchBytes` and
 * hands each full batch to `flush`. Callers copy items in with `push` and
 * then await `drain`, so at most one full batch waits in memory.
 */
export class BatchBuffer {
  readonly itemsPerBatch: number;
  private buffer: Uint8Array;
  private filledBytes = 0;
  private readonly full: Uint8Array[] = [];

  constructor(
    private readonly itemBytes: number,
    batchBytes: number,
    private readonly flush: (itemCount: number, data: Uint8Array) => Promise<void>,
  ) {
    this.itemsPerBatch = Math.max(1, Math.floor(batchBytes / Math.max(1, itemBytes)));
    this.buffer = new Uint8Array(this.itemsPerBatch * itemBytes);
  }

  /** Copies bytes in; they may end in the middle of an item. */
  push(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(bytes.length - offset, this.buffer.length - this.filledBytes);
      this.buffer.set(bytes.subarray(offset, offset + take), this.filledBytes);
      this.filledBytes += take;
      offset += take;
      if (this.filledBytes === this.buffer.length) {
        this.full.push(this.buffer);
        this.buffer = new Uint8Array(this.buffer.length);
        this.filledBytes = 0;
      }
    }
  }

  /** Flushes the full batches. */
  async drain(): Promise<void> {
    while (this.full.length > 0) await this.flush(this.itemsPerBatch, this.full.shift()!);
  }

  /** Flushes everything, including a last partial batch of whole items. */
  async end(): Promise<void> {
    await this.drain();
    const items = Math.floor(this.filledBytes / Math.max(1, this.itemBytes));
    if (items > 0) await this.flush(items, this.buffer.subarray(0, items * this.itemBytes));
    this.filledBytes = 0;
  }
}
