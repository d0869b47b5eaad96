/** Reads samples of a dataset by index for the sample browser, without loading the whole dataset. */
import { loadDataset } from '../../worker/datasets/index.ts';
import type { DbOrTx } from '../db.ts';

/** One sample: its input values (row-major) and its target (class index or regression value). */
export interface DatasetSample {
  index: number;
  values: number[];
  target: number;
}

export type DatasetPart = 'train' | 'test';

function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(new Uint8Array(bytes).buffer);
}

/** Reads samples [offset, offset + limit) of one part of a `datasets` row. */
export async function readDatasetSamples({
  db,
  dataset,
  part,
  offset,
  limit,
}: {
  db: DbOrTx;
  dataset: { id: string; key: string; studyId: string | null; inputShape: number[] };
  part: DatasetPart;
  offset: number;
  limit: number;
}): Promise<DatasetSample[]> {
  const sampleSize = dataset.inputShape.reduce((product, size) => product * size, 1);
  if (dataset.studyId === null) {
    const loaded = await loadDataset(dataset.key);
    const [x, y] = part === 'train' ? [loaded.trainX, loaded.trainY] : [loaded.testX, loaded.testY];
    const end = Math.min(offset + limit, y.length);
    return Array.from({ length: Math.max(0, end - offset) }, (_, i) => ({
      index: offset + i,
      values: Array.from(x.subarray((offset + i) * sampleSize, (offset + i + 1) * sampleSize)),
      target: y[offset + i],
    }));
  }

  const end = offset + limit;
  // Only the requested byte ranges of each overlapping chunk leave Postgres.
  const rows = await db.$queryRaw<{ first: number; from: number; count: number; inputs: Uint8Array; targets: Uint8Array }[]>`
    SELECT first_sample AS first,
           greatest(${offset}::int, first_sample) AS "from",
           least(${end}::int, first_sample + sample_count) - greatest(${offset}::int, first_sample) AS count,
           substring(inputs FROM (greatest(${offset}::int, first_sample) - first_sample) * ${sampleSize * 4}::int + 1
                            FOR (least(${end}::int, first_sample + sample_count) - greatest(${offset}::int, first_sample)) * ${sampleSize * 4}::int) AS inputs,
           substring(targets FROM (greatest(${offset}::int, first_sample) - first_sample) * 4 + 1
                             FOR (least(${end}::int, first_sample + sample_count) - greatest(${offset}::int, first_sample)) * 4) AS targets
    FROM dataset_chunks
    WHERE dataset_id = ${dataset.id}::uuid AND part = ${part}
      AND first_sample < ${end}::int AND first_sample + sample_count > ${offset}::int
    ORDER BY chunk_index`;
  const samples: DatasetSample[] = [];
  for (const row of rows) {
    const inputs = floats(row.inputs);
    const targets = floats(row.targets);
    for (let i = 0; i < row.count; i++) {
      samples.push({ index: row.from + i, values: Array.from(inputs.subarray(i * sampleSize, (i + 1) * sampleSize)), target: targets[i] });
    }
  }
  return samples;
}

/** Reads every test target of a dataset, in test-set order. Of several regression targets it reads the first, the one that predictions store. */
export async function readTestTargets({ db, dataset }: { db: DbOrTx; dataset: { id: string; key: string; studyId: string | null; testCount: number } }): Promise<Float32Array> {
  if (dataset.studyId === null) {
    const { testY } = await loadDataset(dataset.key);
    const targetsPerSample = testY.length / dataset.testCount;
    return Float32Array.from({ length: dataset.testCount }, (_, i) => testY[i * targetsPerSample]);
  }
  const chunks = await db.datasetChunk.findMany({ where: { datasetId: dataset.id, part: 'test' }, select: { firstSample: true, targets: true }, orderBy: { chunkIndex: 'asc' } });
  const targets = new Float32Array(dataset.testCount);
  for (const chunk of chunks) targets.set(floats(chunk.targets), chunk.firstSample);
  return targets;
}
