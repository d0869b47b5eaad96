import type { DbOrTx } from '../server/db.ts';

/** Channel that the GraphQL server LISTENs on; the payload is the experiment id. */
export const PROGRESS_CHANNEL = 'robustlab_progress';

/**
 * Sends a progress notification for an experiment. Inside a transaction
 * Postgres delivers it only when the transaction commits.
 */
export async function notifyProgress(db: DbOrTx, experimentId: string): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${PROGRESS_CHANNEL}, ${experimentId})`;
}
