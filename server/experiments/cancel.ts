import type { Db } from '../db.ts';
import { recordExperimentActivity } from '../collaboration/activity.ts';
import { conflict } from '../graphql/errors.ts';

/** Sends the progress notification that subscriptions of an experiment listen to. */
export async function notifyProgress({ db, experimentId }: { db: Pick<Db, '$executeRaw'>; experimentId: string }): Promise<void> {
  await db.$executeRaw`SELECT pg_notify('robustlab_progress', ${experimentId})`;
}

/**
 * Cancels a queued or running experiment: its queued instances are cancelled
 * at once, and workers check the experiment status before training, so
 * running instances end on their own. The caller checks that the user may
 * edit the study. Raises CONFLICT when the experiment has already ended.
 */
export async function cancelExperiment({ db, experimentId, actorId = null }: { db: Db; experimentId: string; actorId?: string | null }) {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const updated = await tx.experiment.updateMany({
      where: { id: experimentId, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled', finishedAt: now },
    });
    if (updated.count === 0) {
      const current = await tx.experiment.findUniqueOrThrow({ where: { id: experimentId }, select: { status: true } });
      throw conflict(`Experiment ${experimentId} is ${current.status}; only queued or running experiments can be cancelled.`);
    }

    await tx.instance.updateMany({
      where: { status: 'queued', model: { experimentId } },
      data: { status: 'cancelled', finishedAt: now },
    });
    await recordExperimentActivity({ db: tx, experimentId, kind: 'experiment_cancelled', actorId });
    await notifyProgress({ db: tx, experimentId });
    return tx.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  });
}
