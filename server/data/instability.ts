/**
 * Per-sample instability of a model across its finished instances: the
 * spread of each test sample's loss, the rate at which instances disagree on
 * its predicted class, and the loss and correctness of the instances'
 * averaged prediction.
 */
import type { DbOrTx } from '../db.ts';

/** Instability of one test sample. */
export interface SampleInstability {
  sampleIndex: number;
  meanLoss: number;
  /** Sample standard deviation (ddof = 1) of the loss; null with fewer than two instances. */
  lossStd: number | null;
  /** Share of instances whose predicted class differs from the most frequent one; 0 for regression. */
  disagreement: number;
  /**
   * Loss of the averaged prediction: -log(mean true-class probability) for
   * classification, squared error of the mean predicted value for regression.
   */
  averagedLoss: number;
  /**
   * Whether the averaged prediction is right. For two classes it is right
   * when the mean true-class probability is above 0.5. With more classes only
   * the true-class probability is stored, so above 0.5 is right and anything
   * else is null (undetermined). Always null for regression.
   */
  averagedCorrect: boolean | null;
  instanceCount: number;
}

/** Loads the predictions of a model's finished instances with their true-class probabilities or predicted values. */
export function loadInstabilityInput({ db, modelId }: { db: DbOrTx; modelId: string }) {
  return db.instancePredictions.findMany({
    where: { instance: { modelId, status: 'finished' } },
    select: { sampleCount: true, predictedClass: true, trueClassProb: true, loss: true },
    orderBy: { instance: { instanceIndex: 'asc' } },
  });
}

const PROBABILITY_FLOOR = 1e-7;

function floats(bytes: Uint8Array, count: number): Float32Array {
  return new Float32Array(new Uint8Array(bytes).buffer, 0, count);
}

/** Computes the instability of every test sample; `targets` are needed for regression only. */
export function computeInstability(
  predictions: { sampleCount: number; predictedClass: Uint8Array; trueClassProb: Uint8Array; loss: Uint8Array }[],
  task: { kind: 'classification' | 'regression'; classes: number; targets: Float32Array | null },
): SampleInstability[] {
  if (predictions.length === 0) return [];
  const sampleCount = predictions[0].sampleCount;
  const usable = predictions.filter((p) => p.sampleCount === sampleCount);
  const n = usable.length;
  const losses = usable.map((p) => floats(p.loss, sampleCount));
  const outputs = usable.map((p) => floats(p.trueClassProb, sampleCount));
  const classCounts = new Uint32Array(256);

  return Array.from({ length: sampleCount }, (_, s) => {
    let lossSum = 0;
    let outputSum = 0;
    for (let k = 0; k < n; k++) {
      lossSum += losses[k][s];
      outputSum += outputs[k][s];
    }
    const meanLoss = lossSum / n;
    const meanOutput = outputSum / n;
    let squares = 0;
    for (let k = 0; k < n; k++) squares += (losses[k][s] - meanLoss) ** 2;

    let mostFrequent = 0;
    for (let k = 0; k < n; k++) mostFrequent = Math.max(mostFrequent, ++classCounts[usable[k].predictedClass[s]]);
    for (let k = 0; k < n; k++) classCounts[usable[k].predictedClass[s]] = 0;

    const regression = task.kind === 'regression';
    const averagedLoss = regression ? (meanOutput - (task.targets?.[s] ?? Number.NaN)) ** 2 : -Math.log(Math.max(meanOutput, PROBABILITY_FLOOR));
    let averagedCorrect: boolean | null = null;
    if (!regression && meanOutput > 0.5) averagedCorrect = true;
    else if (!regression && task.classes === 2) averagedCorrect = false;
    return {
      sampleIndex: s,
      meanLoss,
      lossStd: n >= 2 ? Math.sqrt(squares / (n - 1)) : null,
      disagreement: regression ? 0 : 1 - mostFrequent / n,
      averagedLoss,
      averagedCorrect,
      instanceCount: n,
    };
  });
}

export type InstabilityOrder = 'LOSS_STD_DESC' | 'DISAGREEMENT_DESC' | 'MEAN_LOSS_DESC' | 'AVERAGED_LOSS_DESC' | 'SAMPLE_INDEX_ASC';

/** Sorts in place; ties and null standard deviations go by sample index. */
export function sortInstability(items: SampleInstability[], order: InstabilityOrder): SampleInstability[] {
  const bySample = (a: SampleInstability, b: SampleInstability) => a.sampleIndex - b.sampleIndex;
  switch (order) {
    case 'LOSS_STD_DESC':
      return items.sort((a, b) => (b.lossStd ?? -Infinity) - (a.lossStd ?? -Infinity) || bySample(a, b));
    case 'DISAGREEMENT_DESC':
      return items.sort((a, b) => b.disagreement - a.disagreement || (b.lossStd ?? -Infinity) - (a.lossStd ?? -Infinity) || bySample(a, b));
    case 'MEAN_LOSS_DESC':
      return items.sort((a, b) => b.meanLoss - a.meanLoss || bySample(a, b));
    case 'AVERAGED_LOSS_DESC':
      return items.sort((a, b) => b.averagedLoss - a.averagedLoss || bySample(a, b));
    case 'SAMPLE_INDEX_ASC':
      return items.sort(bySample);
    default: {
      const unreachable: never = order;
      throw new Error(`Unknown instability order ${String(unreachable)}`);
    }
  }
}
