/**
 * The activity feed of a study. Events are written where they happen:
 * experiment creation and cancellation, the scheduler when an experiment
 * finishes or fails, dataset upload, and new notes and comments.
 */
import type { ActivityKind } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import { totalOfPage } from '../graphql/paging.ts';

/** Kinds of activity events, as stored. */
export const ACTIVITY_KINDS = [
  'experiment_started',
  'experiment_finished',
  'experiment_failed',
  'experiment_cancelled',
  'dataset_added',
  'note_added',
  'comment_added',
] as const satisfies readonly ActivityKind[];

/** One event to record; `summary` is the name of the experiment, dataset or note subject at that time. */
export interface ActivityInput {
  db: Pick<DbOrTx, 'activityEvent'>;
  studyId: string;
  kind: ActivityKind;
  /** User who caused the event; null for events of the worker. */
  actorId?: string | null;
  experimentId?: string | null;
  datasetId?: string | null;
  noteId?: string | null;
  summary?: string;
}

/** Records one event in a study's activity feed. Pass a transaction client to commit it with the change it describes. */
export async function recordActivity({ db, studyId, kind, actorId = null, experimentId = null, datasetId = null, noteId = null, summary = '' }: ActivityInput) {
  return db.activityEvent.create({ data: { studyId, kind, actorId, experimentId, datasetId, noteId, summary } });
}

/**
 * Records an event about an experiment, taking its study and its current
 * name from the experiments table, for callers that only hold the id.
 */
export async function recordExperimentActivity({
  db,
  experimentId,
  kind,
  actorId = null,
}: {
  db: Pick<DbOrTx, '$executeRaw'>;
  experimentId: string;
  kind: ActivityKind;
  actorId?: string | null;
}): Promise<void> {
  await db.$executeRaw`
    INSERT INTO activity_events (id, study_id, kind, actor_id, experiment_id, summary)
    SELECT gen_random_uuid(), study_id, ${kind}::"ActivityKind", ${actorId}::uuid, id, name
    FROM experiments WHERE id = ${experimentId}::uuid`;
}

/** Lists a study's activity, newest first. */
export async function listActivity({ db, studyId, offset, limit }: { db: DbOrTx; studyId: string; offset: number; limit: number }) {
  const where = { studyId };
  const items = await db.activityEvent.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: offset, take: limit });
  const total = await totalOfPage({ offset, limit }, items.length, () => db.activityEvent.count({ where }));
  return { items, total };
}
