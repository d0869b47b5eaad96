/**
 * Per-sample test predictions, stored per instance as packed little-endian
 * arrays: uint8 predicted class, float32 true-class probability, float32 loss.
 */
import type { DbOrTx } from '../db.ts';

/** The prediction of one instance for one test sample. */
export interface Prediction {
  sampleIndex: number;
  predictedClass: number;
  trueClassProbability: number;
  loss: number;
}

function float32At(bytes: Uint8Array, index: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat32(index * 4, true);
}

/**
 * Reads the predictions of samples [offset, offset + limit) of an instance.
 * Postgres slices the byte arrays, so only the page is transferred.
 * Returns null when the instance has no stored predictions.
 */
export async function loadPredictionPage({
  db,
  instanceId,
  offset,
  limit,
}: {
  db: DbOrTx;
  instanceId: string;
  offset: number;
  limit: number;
}): Promise<{ sampleCount: number; items: Prediction[] } | null> {
  const rows = await db.$queryRaw<{ sampleCount: number; predictedClass: Uint8Array; trueClassProb: Uint8Array; loss: Uint8Array }[]>`
    SELECT sample_count AS "sampleCount",
           substring(predicted_class FROM ${offset + 1}::int FOR ${limit}::int) AS "predictedClass",
           substring(true_class_prob FROM ${offset * 4 + 1}::int FOR ${limit * 4}::int) AS "trueClassProb",
           substring(loss FROM ${offset * 4 + 1}::int FOR ${limit * 4}::int) AS "loss"
    FROM instance_predictions WHERE instance_id = ${instanceId}::uuid`;
  if (rows.length === 0) return null;

  const row = rows[0];
  const count = Math.min(row.predictedClass.length, row.trueClassProb.length / 4, row.loss.length / 4);
  const items: Prediction[] = [];
  for (let i = 0; i < count; i++) {
    items.push({
      sampleIndex: offset + i,
      predictedClass: row.predictedClass[i],
      trueClassProbability: float32At(row.trueClassProb, i),
      loss: float32At(row.loss, i),
    });
  }
  return { sampleCount: row.sampleCount, items };
}

/** Spread of one test sample's loss across a model's finished instances. */
export interface SampleSpread {
  sampleIndex: number;
  meanLoss: number;
  /** Sample standard deviation (ddof = 1); null with fewer than two instances. */
  lossStd: number | null;
  /** Share of instances whose predicted class differs from the most frequent one. */
  disagreement: number;
  instanceCount: number;
}

/** Loads the stored predictions of a model's finished instances. */
export async function loadFinishedPredictions({ db, modelId }: { db: DbOrTx; modelId: string }) {
  return db.instancePredictions.findMany({
    where: { instance: { modelId, status: 'finished' } },
    select: { sampleCount: true, predictedClass: true, loss: true },
    orderBy: { instance: { instanceIndex: 'asc' } },
  });
}

/**
 * Computes per test sample the mean loss, its sample standard deviation and
 * the disagreement of predicted classes across instances. Instances whose
 * sample count differs from the first one's are left out.
 */
export function computeSampleSpread(predictions: { sampleCount: number; predictedClass: Uint8Array; loss: Uint8Array }[]): SampleSpread[] {
  if (predictions.length === 0) return [];
  const sampleCount = predictions[0].sampleCount;
  const usable = predictions.filter((p) => p.sampleCount === sampleCount);
  const n = usable.length;
  const losses = usable.map((p) => new Float32Array(new Uint8Array(p.loss).buffer, 0, sampleCount));
  const classCounts = new Uint32Array(256);

  const spreads: SampleSpread[] = [];
  for (let s = 0; s < sampleCount; s++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += losses[k][s];
    const meanLoss = sum / n;

    let squares = 0;
    for (let k = 0; k < n; k++) squares += (losses[k][s] - meanLoss) ** 2;

    let mostFrequent = 0;
    for (let k = 0; k < n; k++) mostFrequent = Math.max(mostFrequent, ++classCounts[usable[k].predictedClass[s]]);
    for (let k = 0; k < n; k++) classCounts[usable[k].predictedClass[s]] = 0;

    spreads.push({
      sampleIndex: s,
      meanLoss,
      lossStd: n >= 2 ? Math.sqrt(squares / (n - 1)) : null,
      disagreement: 1 - mostFrequent / n,
      instanceCount: n,
    });
  }
  return spreads;
}

export type SampleSpreadOrder = 'LOSS_STD_DESC' | 'MEAN_LOSS_DESC' | 'DISAGREEMENT_DESC' | 'SAMPLE_INDEX_ASC';

/** Sorts spreads in place; ties and null standard deviations go by sample index. */
export function sortSampleSpread(spreads: SampleSpread[], order: SampleSpreadOrder): SampleSpread[] {
  const bySample = (a: SampleSpread, b: SampleSpread) => a.sampleIndex - b.sampleIndex;
  switch (order) {
    case 'LOSS_STD_DESC':
      return spreads.sort((a, b) => (b.lossStd ?? -Infinity) - (a.lossStd ?? -Infinity) || bySample(a, b));
    case 'MEAN_LOSS_DESC':
      return spreads.sort((a, b) => b.meanLoss - a.meanLoss || bySample(a, b));
    case 'DISAGREEMENT_DESC':
      return spreads.sort((a, b) => b.disagreement - a.disagreement || bySample(a, b));
    case 'SAMPLE_INDEX_ASC':
      return spreads.sort(bySample);
    default: {
      const unreachable: never = order;
      throw new Error(`Unknown sample spread order ${String(unreachable)}`);
    }
  }
}
