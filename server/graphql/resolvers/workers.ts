/** Resolvers of the worker registry. */
import { loadWorkers, type WorkerRow } from '../../data/workers.ts';
import { ENDED_WORKER_RETENTION_DAYS } from '../../../worker/registry.ts';
import type { GraphQLContext } from '../context.ts';
import { badUserInput } from '../errors.ts';
import { requireUser } from '../guards.ts';

/** Largest `endedWithinHours`, because rows of ended workers are deleted after the retention period. */
const MAX_ENDED_WITHIN_HOURS = ENDED_WORKER_RETENTION_DAYS * 24;

export const workerResolvers = {
  Query: {
    /** Lists workers for any signed-in user; `loadWorkers` hides instances of studies the user is not a member of. */
    workers: async (_: unknown, args: { endedWithinHours: number }, context: GraphQLContext): Promise<WorkerRow[]> => {
      const user = requireUser(context);
      const hours = args.endedWithinHours;
      if (!Number.isInteger(hours) || hours < 0 || hours > MAX_ENDED_WITHIN_HOURS) {
        throw badUserInput(`Invalid endedWithinHours ${hours}: expected an integer from 0 to ${MAX_ENDED_WITHIN_HOURS}.`, 'endedWithinHours');
      }
      return loadWorkers({ db: context.db, userId: user.id, endedWithinHours: hours });
    },
  },
  WorkerState: { IDLE: 'idle', BUSY: 'busy', STOPPED: 'stopped', LOST: 'lost' },
  Worker: {
    lastHeartbeatAt: (worker: WorkerRow) => worker.heartbeatAt,
  },
};
