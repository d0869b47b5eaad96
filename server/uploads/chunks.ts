/**
 * Writes the samples of an uploaded dataset to `dataset_chunks` as they are
 * produced. Each part (training pool and test set) collects samples up to
 * the chunk size, writes the chunk and hashes its bytes, so memory contains
 * one chunk per part and the targets, never all inputs.
 */
import { createHash } from 'node:crypto';
import { float32Bytes, float32Digest, type PartDigests } from './encoded.ts';
import type { UploadSql } from './sql.ts';
import { toBuffer } from './staging.ts';

/**
 * Default upper bound of the input bytes of one chunk row and of one staged
 * batch. Each chunk is copied a few times on its way to Postgres. With 2 MB,
 * the peak server memory of bench/upload.ts stayed the same for 10 MB and
 * 50 MB CSV files in one run, where 8 MB chunks added about 40 MB.
 */
export const DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024;

/** Part of a dataset: the training pool or the test set. */
export type DatasetPart = 'train' | 'test';

/** Writer of the chunks of one part, which must receive exactly `count` samples. */
class PartWriter {
  /** Target of each sample of the part, in part order. */
  readonly targets: Float32Array;
  private readonly buffer: Float32Array;
  private readonly perChunk: number;
  private buffered = 0;
  private written = 0;
  private chunkIndex = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly sql: UploadSql,
    private readonly datasetId: string,
    private readonly part: DatasetPart,
    private readonly sampleSize: number,
    private readonly count: number,
    chunkBytes: number,
  ) {
    this.targets = new Float32Array(count);
    this.perChunk = Math.max(1, Math.min(count, Math.floor(chunkBytes / (sampleSize * 4))));
    this.buffer = new Float32Array(this.perChunk * sampleSize);
  }

  async add(sample: Float32Array, target: number): Promise<void> {
    const index = this.written + this.buffered;
    if (index >= this.count) throw new Error(`The ${this.part} part of dataset ${this.datasetId} received more than its ${this.count} samples.`);
    this.buffer.set(sample, this.buffered * this.sampleSize);
    this.targets[index] = target;
    this.buffered++;
    if (this.buffered === this.perChunk) await this.flush();
  }

  /** Writes the last chunk and returns the digest of the part's inputs. */
  async finish(): Promise<string> {
    await this.flush();
    if (this.written !== this.count) throw new Error(`The ${this.part} part of dataset ${this.datasetId} received ${this.written} samples, expected ${this.count}.`);
    return this.hash.digest('hex');
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const inputs = float32Bytes(this.buffer.subarray(0, this.buffered * this.sampleSize));
    const targets = float32Bytes(this.targets.subarray(this.written, this.written + this.buffered));
    this.hash.update(inputs);
    await this.sql.query(
      'INSERT INTO dataset_chunks (dataset_id, part, chunk_index, first_sample, sample_count, inputs, targets) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [this.datasetId, this.part, this.chunkIndex, this.written, this.buffered, toBuffer(inputs), toBuffer(targets)],
    );
    this.written += this.buffered;
    this.buffered = 0;
    this.chunkIndex++;
  }
}

/** Sizes of the parts of a dataset that is about to be written. */
export interface PartCounts {
  trainCount: number;
  testCount: number;
}

/** Writes both parts of one dataset; samples of each part arrive in part order. */
export class DatasetWriter {
  private readonly parts: Record<DatasetPart, PartWriter>;

  constructor(input: {
    sql: UploadSql;
    datasetId: string;
    sampleSize: number;
    counts: PartCounts;
    chunkBytes: number;
    /** Sees every training-pool sample, for statistics of the summary. */
    onTrainSample?: (sample: Float32Array) => void;
  }) {
    const { sql, datasetId, sampleSize, counts, chunkBytes } = input;
    this.parts = {
      train: new PartWriter(sql, datasetId, 'train', sampleSize, counts.trainCount, chunkBytes),
      test: new PartWriter(sql, datasetId, 'test', sampleSize, counts.testCount, chunkBytes),
    };
    this.onTrainSample = input.onTrainSample;
  }

  private readonly onTrainSample?: (sample: Float32Array) => void;

  /** Appends one sample to `part`; the sample array may be reused by the caller afterwards. */
  add(part: DatasetPart, sample: Float32Array, target: number): Promise<void> {
    if (part === 'train') this.onTrainSample?.(sample);
    return this.parts[part].add(sample, target);
  }

  /** Writes the last chunks and returns the targets of both parts and the digests of all four arrays. */
  async finish(): Promise<{ trainY: Float32Array; testY: Float32Array; digests: PartDigests }> {
    const trainX = await this.parts.train.finish();
    const testX = await this.parts.test.finish();
    const trainY = this.parts.train.targets;
    const testY = this.parts.test.targets;
    return { trainY, testY, digests: { trainX, trainY: float32Digest(trainY), testX, testY: float32Digest(testY) } };
  }
}
