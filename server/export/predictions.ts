/**
 * Streams the per-sample test predictions of an experiment's instances.
 * Instances are read in batches by keyset (model id, instance index), so the
 * memory of an export is one batch of packed predictions, whatever the total.
 */
import type { DbOrTx } from '../db.ts';
import { csvField, finiteOrNull, nonFiniteReason, type RowWriter } from './stream-writer.ts';

/** Instances whose packed predictions are read per query (10,000 test samples take about 90 kB each). */
const INSTANCES_PER_BATCH = 20;

/** Columns of the predictions CSV, in order. */
export const PREDICTION_COLUMNS = ['instance_id', 'model_id', 'instance_index', 'sample_index', 'predicted_class', 'true_class_probability', 'loss'];

interface PredictionBatchRow {
  instanceId: string;
  modelId: string;
  instanceIndex: number;
  sampleCount: number;
  predictedClass: Uint8Array;
  trueClassProb: Uint8Array;
  loss: Uint8Array;
}

async function readBatch(db: DbOrTx, experimentId: string, after: { modelId: string; instanceIndex: number } | null) {
  const afterModel = after?.modelId ?? '00000000-0000-0000-0000-000000000000';
  const afterIndex = after?.instanceIndex ?? -1;
  return db.$queryRaw<PredictionBatchRow[]>`
    SELECT i.id AS "instanceId", i.model_id AS "modelId", i.instance_index AS "instanceIndex",
           p.sample_count AS "sampleCount", p.predicted_class AS "predictedClass",
           p.true_class_prob AS "trueClassProb", p.loss
    FROM instances i
    JOIN models m ON m.id = i.model_id
    JOIN instance_predictions p ON p.instance_id = i.id
    WHERE m.experiment_id = ${experimentId}::uuid
      AND (i.model_id, i.instance_index) > (${afterModel}::uuid, ${afterIndex}::int)
    ORDER BY i.model_id, i.instance_index
    LIMIT ${INSTANCES_PER_BATCH}`;
}

/** Visits every stored prediction of an experiment in (model id, instance index, sample index) order. */
async function forEachPrediction(
  db: DbOrTx,
  experimentId: string,
  visit: (row: PredictionBatchRow, sampleIndex: number, trueClassProbability: number, loss: number) => Promise<void>,
): Promise<void> {
  let after: { modelId: string; instanceIndex: number } | null = null;
  for (;;) {
    const batch = await readBatch(db, experimentId, after);
    for (const row of batch) {
      const probabilities = new DataView(row.trueClassProb.buffer, row.trueClassProb.byteOffset, row.trueClassProb.byteLength);
      const losses = new DataView(row.loss.buffer, row.loss.byteOffset, row.loss.byteLength);
      const count = Math.min(row.sampleCount, row.predictedClass.length, probabilities.byteLength / 4, losses.byteLength / 4);
      for (let s = 0; s < count; s++) {
        await visit(row, s, probabilities.getFloat32(s * 4, true), losses.getFloat32(s * 4, true));
      }
    }
    if (batch.length < INSTANCES_PER_BATCH) return;
    after = batch[batch.length - 1];
  }
}

/** Writes the predictions as CSV with a header line; NaN and infinite floats are empty cells. */
export async function writePredictionsCsv(db: DbOrTx, experimentId: string, writer: RowWriter): Promise<void> {
  await writer.write(`${PREDICTION_COLUMNS.join(',')}\n`);
  await forEachPrediction(db, experimentId, (row, sampleIndex, probability, loss) =>
    writer.write(
      `${row.instanceId},${row.modelId},${row.instanceIndex},${sampleIndex},${row.predictedClass[sampleIndex]},` +
        `${csvField(finiteOrNull(probability))},${csvField(finiteOrNull(loss))}\n`,
    ),
  );
  await writer.end();
}

/**
 * Writes the predictions as one JSON array, one object per line. A NaN or
 * infinite float is null with the reason in `<field>Reason`.
 */
export async function writePredictionsJson(db: DbOrTx, experimentId: string, writer: RowWriter): Promise<void> {
  await writer.write('[');
  let first = true;
  await forEachPrediction(db, experimentId, (row, sampleIndex, probability, loss) => {
    const item: Record<string, unknown> = {
      instanceId: row.instanceId,
      modelId: row.modelId,
      instanceIndex: row.instanceIndex,
      sampleIndex,
      predictedClass: row.predictedClass[sampleIndex],
      trueClassProbability: finiteOrNull(probability),
      loss: finiteOrNull(loss),
    };
    const probabilityReason = nonFiniteReason(probability);
    if (probabilityReason) item.trueClassProbabilityReason = probabilityReason;
    const lossReason = nonFiniteReason(loss);
    if (lossReason) item.lossReason = lossReason;

    const text = `${first ? '\n' : ',\n'}${JSON.stringify(item)}`;
    first = false;
    return writer.write(text);
  });
  await writer.write('\n]\n');
  await writer.end();
}
