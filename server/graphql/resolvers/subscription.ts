import { findExperimentForMember } from '../../data/access.ts';
import { loadProgress, type ExperimentProgress } from '../../experiments/progress.ts';
import type { GraphQLContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { requireUser, requireUuid } from '../guards.ts';
import { LatestValueStream } from '../stream.ts';

/** Experiment statuses that never change again. */
const FINAL_STATUSES: ReadonlySet<ExperimentProgress['status']> = new Set(['finished', 'failed', 'cancelled']);

export const subscriptionResolvers = {
  Subscription: {
    experimentProgress: {
      /**
       * Checks membership once, at subscribe time, then sends the current
       * progress followed by one message per (coalesced) notification. The
       * subscription completes after it has sent a finished, failed or
       * cancelled state, which no later notification changes.
       */
      async subscribe(_: unknown, { id }: { id: string }, context: GraphQLContext) {
        const user = requireUser(context);
        const found = await findExperimentForMember({ db: context.db, experimentId: requireUuid(id, 'id'), userId: user.id });
        if (!found) throw notFound(`Experiment ${id} not found.`);

        // Listen before reading the current progress, so no change falls in between.
        await context.hub.ready();
        let unsubscribe = () => {};
        const stream = new LatestValueStream<ExperimentProgress>(() => unsubscribe());
        const deliver = (progress: ExperimentProgress) => {
          stream.push(progress);
          if (FINAL_STATUSES.has(progress.status)) stream.end();
        };
        unsubscribe = context.hub.subscribe(id, deliver);

        const current = await loadProgress({ db: context.db, experimentId: id });
        if (current) deliver(current);
        return stream;
      },
      resolve: (progress: ExperimentProgress) => progress,
    },
  },
};
