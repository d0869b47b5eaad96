/** Streams the instances of an experiment with their model, in batches by keyset (model id, instance index). */
import type { DbOrTx } from '../db.ts';
import { csvField, finiteOrNull, nonFiniteReason, type RowWriter } from './stream-writer.ts';

const INSTANCES_PER_BATCH = 1000;

/** Columns of the instances CSV, in order; timestamps are UTC ISO-8601. */
export const INSTANCE_COLUMNS = [
  'instance_id', 'model_id', 'model_label', 'model_status', 'instance_index', 'step', 'init_seed', 'sample_seed',
  'shuffle_seed', 'train_size', 'status', 'test_loss', 'test_accuracy', 'diverged_epoch', 'duration_ms', 'backend',
  'created_at', 'started_at', 'finished_at',
];

interface InstanceRow {
  instanceId: string;
  modelId: string;
  modelLabel: string;
  modelStatus: string;
  instanceIndex: number;
  step: number;
  initSeed: number;
  sampleSeed: number;
  shuffleSeed: number;
  trainSize: number;
  status: string;
  testLoss: number | null;
  testAccuracy: number | null;
  divergedEpoch: number | null;
  durationMs: number | null;
  backend: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

async function* readInstances(db: DbOrTx, experimentId: string): AsyncGenerator<InstanceRow> {
  let afterModel = '00000000-0000-0000-0000-000000000000';
  let afterIndex = -1;
  for (;;) {
    const batch = await db.$queryRaw<InstanceRow[]>`
      SELECT i.id AS "instanceId", m.id AS "modelId", m.label AS "modelLabel", m.status::text AS "modelStatus",
             i.instance_index AS "instanceIndex", i.step, i.init_seed AS "initSeed", i.sample_seed AS "sampleSeed",
             i.shuffle_seed AS "shuffleSeed", i.train_size AS "trainSize", i.status::text AS status,
             i.test_loss AS "testLoss", i.test_accuracy AS "testAccuracy", i.diverged_epoch AS "divergedEpoch",
             i.duration_ms AS "durationMs", i.backend, i.created_at AS "createdAt", i.started_at AS "startedAt",
             i.finished_at AS "finishedAt"
      FROM instances i JOIN models m ON m.id = i.model_id
      WHERE m.experiment_id = ${experimentId}::uuid
        AND (i.model_id, i.instance_index) > (${afterModel}::uuid, ${afterIndex}::int)
      ORDER BY i.model_id, i.instance_index
      LIMIT ${INSTANCES_PER_BATCH}`;
    yield* batch;
    if (batch.length < INSTANCES_PER_BATCH) return;
    afterModel = batch[batch.length - 1].modelId;
    afterIndex = batch[batch.length - 1].instanceIndex;
  }
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Writes the instances as CSV with a header line; NaN and infinite floats are empty cells. */
export async function writeInstancesCsv(db: DbOrTx, experimentId: string, writer: RowWriter): Promise<void> {
  await writer.write(`${INSTANCE_COLUMNS.join(',')}\n`);
  for await (const row of readInstances(db, experimentId)) {
    const cells = [
      row.instanceId, row.modelId, row.modelLabel, row.modelStatus, row.instanceIndex, row.step, row.initSeed,
      row.sampleSeed, row.shuffleSeed, row.trainSize, row.status, finiteOrNull(row.testLoss), finiteOrNull(row.testAccuracy),
      row.divergedEpoch, row.durationMs, row.backend, iso(row.createdAt), iso(row.startedAt), iso(row.finishedAt),
    ];
    await writer.write(`${cells.map(csvField).join(',')}\n`);
  }
  await writer.end();
}

/** Writes the instances as one JSON array, one object per line; NaN or infinite floats are null with a `<field>Reason`. */
export async function writeInstancesJson(db: DbOrTx, experimentId: string, writer: RowWriter): Promise<void> {
  await writer.write('[');
  let first = true;
  for await (const row of readInstances(db, experimentId)) {
    const item: Record<string, unknown> = {
      ...row,
      testLoss: finiteOrNull(row.testLoss),
      testAccuracy: finiteOrNull(row.testAccuracy),
      createdAt: iso(row.createdAt),
      startedAt: iso(row.startedAt),
      finishedAt: iso(row.finishedAt),
    };
    const lossReason = nonFiniteReason(row.testLoss);
    if (lossReason) item.testLossReason = lossReason;
    const accuracyReason = nonFiniteReason(row.testAccuracy);
    if (accuracyReason) item.testAccuracyReason = accuracyReason;

    await writer.write(`${first ? '\n' : ',\n'}${JSON.stringify(item)}`);
    first = false;
  }
  await writer.write('\n]\n');
  await writer.end();
}
