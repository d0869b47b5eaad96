/**
 * Reads of the worker registry (`workers`, written by worker/registry.ts).
 * A worker whose heartbeat expired reads as `lost` even before a live worker
 * has swept its row, so a crashed worker never shows as live.
 */
import type { DbOrTx } from '../db.ts';
import { WORKER_EXPIRY_INTERVALS } from '../../worker/registry.ts';

/** State of a worker as readers see it. */
export type WorkerState = 'idle' | 'busy' | 'stopped' | 'lost';

/** The instance a busy worker trains. The ids and names are null unless the reader is a member of its study. */
export interface WorkerInstanceRow {
  visible: boolean;
  instanceId: string | null;
  instanceIndex: number | null;
  modelId: string | null;
  modelLabel: string | null;
  experimentId: string | null;
  experimentName: string | null;
  studyId: string | null;
  studyName: string | null;
  startedAt: Date | null;
  epoch: number | null;
  epochs: number | null;
}

/** One registered worker process. */
export interface WorkerRow {
  id: string;
  name: string;
  host: string;
  pid: number;
  slot: number | null;
  backend: string;
  tfjsVersion: string;
  state: WorkerState;
  startedAt: Date;
  heartbeatAt: Date;
  heartbeatIntervalMs: number;
  endedAt: Date | null;
  trainingCount: number;
  currentInstance: WorkerInstanceRow | null;
}

interface RawWorkerRow extends Omit<WorkerRow, 'currentInstance'> {
  instanceId: string | null;
  visible: boolean;
  instanceIndex: number | null;
  modelId: string | null;
  modelLabel: string | null;
  experimentId: string | null;
  experimentName: string | null;
  studyId: string | null;
  studyName: string | null;
  currentStartedAt: Date | null;
  currentEpoch: number | null;
  currentEpochs: number | null;
}

/**
 * Loads the live workers and those that ended within `endedWithinHours`,
 * live ones first, then by host, slot and start. The current instance's
 * study, experiment and model are filled in only where `userId` is a member
 * of that study.
 */
export async function loadWorkers({ db, userId, endedWithinHours }: { db: DbOrTx; userId: string; endedWithinHours: number }): Promise<WorkerRow[]> {
  const rows = await db.$queryRaw<RawWorkerRow[]>`
    WITH registry AS (
      SELECT w.*,
             w.status IN ('idle', 'busy')
               AND w.heartbeat_at < now() - make_interval(secs => w.heartbeat_interval_ms * ${WORKER_EXPIRY_INTERVALS} / 1000.0) AS expired
        FROM workers w
    )
    SELECT r.id, r.name, r.host, r.pid, r.slot, r.backend,
           r.tfjs_version AS "tfjsVersion",
           CASE WHEN r.expired THEN 'lost' ELSE r.status::text END AS state,
           r.started_at AS "startedAt",
           r.heartbeat_at AS "heartbeatAt",
           r.heartbeat_interval_ms AS "heartbeatIntervalMs",
           CASE WHEN r.expired THEN r.heartbeat_at ELSE r.ended_at END AS "endedAt",
           r.training_count AS "trainingCount",
           i.id AS "instanceId",
           ms.user_id IS NOT NULL AS visible,
           i.instance_index AS "instanceIndex",
           m.id AS "modelId", m.label AS "modelLabel",
           e.id AS "experimentId", e.name AS "experimentName",
           s.id AS "studyId", s.name AS "studyName",
           r.current_started_at AS "currentStartedAt",
           r.current_epoch AS "currentEpoch",
           r.current_epochs AS "currentEpochs"
      FROM registry r
      LEFT JOIN instances i ON i.id = r.current_instance_id AND r.status = 'busy' AND NOT r.expired
      LEFT JOIN models m ON m.id = i.model_id
      LEFT JOIN experiments e ON e.id = m.experiment_id
      LEFT JOIN studies s ON s.id = e.study_id
      LEFT JOIN memberships ms ON ms.study_id = e.study_id AND ms.user_id = ${userId}::uuid
     WHERE (r.status IN ('idle', 'busy') AND NOT r.expired)
        OR COALESCE(r.ended_at, r.heartbeat_at) >= now() - make_interval(hours => ${endedWithinHours})
     ORDER BY (r.status IN ('idle', 'busy') AND NOT r.expired) DESC, r.host, r.slot NULLS LAST, r.started_at DESC, r.id`;

  return rows.map(toWorkerRow);
}

function toWorkerRow(raw: RawWorkerRow): WorkerRow {
  const { instanceId, visible, instanceIndex, modelId, modelLabel, experimentId, experimentName, studyId, studyName, currentStartedAt, currentEpoch, currentEpochs, ...worker } = raw;
  if (worker.state !== 'busy' || instanceId === null) return { ...worker, currentInstance: null };

  const ifVisible = <T>(value: T): T | null => (visible ? value : null);
  return {
    ...worker,
    currentInstance: {
      visible,
      instanceId: ifVisible(instanceId),
      instanceIndex: ifVisible(instanceIndex),
      modelId: ifVisible(modelId),
      modelLabel: ifVisible(modelLabel),
      experimentId: ifVisible(experimentId),
      experimentName: ifVisible(experimentName),
      studyId: ifVisible(studyId),
      studyName: ifVisible(studyName),
      startedAt: currentStartedAt,
      epoch: currentEpoch,
      epochs: currentEpochs,
    },
  };
}
