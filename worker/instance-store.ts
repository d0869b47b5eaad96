/**
 * Writes of an instance's lifecycle. Every write after the start is
 * conditional on the instance not having ended, so a retried or duplicated
 * training job never overwrites or duplicates a stored result.
 */
import os from 'node:os';
import type { Db } from '../server/db.ts';
import type { InstanceResult } from './engine/train.ts';
import { notifyProgress } from './progress.ts';
import { storeInstanceWeights, type InstanceWeights } from './weights.ts';

/** Instance statuses after which nothing changes any more. */
export const ENDED_INSTANCE_STATUSES = ['finished', 'diverged', 'failed', 'cancelled'] as const;
const OPEN_INSTANCE_STATUSES: ('queued' | 'running')[] = ['queued', 'running'];

/** Tells whether an instance status is final. */
export function isInstanceEnded(status: string): boolean {
  return (ENDED_INSTANCE_STATUSES as readonly string[]).includes(status);
}

/**
 * Marks an open instance running for a new attempt. Returns false when the
 * instance has ended in the meantime.
 */
export async function markInstanceRunning(input: {
  db: Db;
  experimentId: string;
  instanceId: string;
  workerId: string;
  backend: string;
}): Promise<boolean> {
  const { db, experimentId, instanceId, workerId, backend } = input;
  return db.$transaction(async (tx) => {
    const { count } = await tx.instance.updateMany({
      where: { id: instanceId, status: { in: OPEN_INSTANCE_STATUSES } },
      data: { status: 'running', attempts: { increment: 1 }, startedAt: new Date(), workerId, backend, error: null },
    });
    if (count > 0) await notifyProgress(tx, experimentId);
    return count > 0;
  });
}

/**
 * Ends an open instance without a result: `failed` with the error message, or
 * `cancelled`. Returns false when the instance had already ended.
 */
export async function endInstanceWithoutResult(input: {
  db: Db;
  experimentId: string;
  instanceId: string;
  status: 'failed' | 'cancelled';
  error?: string;
}): Promise<boolean> {
  const { db, experimentId, instanceId, status, error } = input;
  return db.$transaction(async (tx) => {
    const { count } = await tx.instance.updateMany({
      where: { id: instanceId, status: { in: OPEN_INSTANCE_STATUSES } },
      data: { status, error: error ?? null, finishedAt: new Date() },
    });
    if (count > 0) await notifyProgress(tx, experimentId);
    return count > 0;
  });
}

/**
 * Stores a training result in one transaction: the instance row (only if it
 * has not ended yet), its per-sample predictions and trained weights (at most
 * one row each per instance) and the progress notification. Returns false when the instance
 * had already ended, in which case nothing is written.
 */
export async function storeInstanceResult(input: {
  db: Db;
  experimentId: string;
  instanceId: string;
  backend: string;
  result: InstanceResult;
  /** Trained weights of a finished instance, stored in the same transaction. */
  weights?: InstanceWeights | null;
}): Promise<boolean> {
  const { db, experimentId, instanceId, backend, result } = input;
  return db.$transaction(async (tx) => {
    const { count } = await tx.instance.updateMany({
      where: { id: instanceId, status: { in: OPEN_INSTANCE_STATUSES } },
      data: {
        status: result.status,
        trainLoss: result.trainLoss,
        valLoss: result.valLoss,
        testLoss: result.testLoss,
        testAccuracy: result.testAccuracy,
        divergedEpoch: result.divergedEpoch,
        stoppedEpoch: result.stoppedEpoch ?? null,
        // JSON has no NaN or Infinity, so a non-finite metric is stored as null.
        testMetrics: (result.testMetrics ?? []).map(({ name, value, unit }) => ({ name, value: Number.isFinite(value) ? value : null, unit })),
        durationMs: Math.round(result.durationMs),
        backend,
        error: null,
        finishedAt: new Date(),
      },
    });
    if (count === 0) return false;

    if (result.predictions !== null) {
      const { predictedClass, trueClassProb, loss } = result.predictions;
      await tx.instancePredictions.createMany({
        data: [
          {
            instanceId,
            sampleCount: predictedClass.length,
            predictedClass: copyBytes(predictedClass),
            trueClassProb: littleEndianBytes(trueClassProb),
            loss: littleEndianBytes(loss),
          },
        ],
        skipDuplicates: true,
      });
    }
    if (input.weights) await storeInstanceWeights({ db: tx, instanceId, weights: input.weights });
    await notifyProgress(tx, experimentId);
    return true;
  });
}

/** Packs float32 values as little-endian bytes, the storage format of instance_predictions. */
export function littleEndianBytes(values: Float32Array): Uint8Array<ArrayBuffer> {
  if (os.endianness() === 'LE') return copyBytes(values);

  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

function copyBytes(view: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return bytes;
}
