import { findExperimentForMember } from '../../data/access.ts';
import { loadProgress, type ExperimentProgress } from '../../experiments/progress.ts';
import type { GraphQLContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { requireUser, requireUuid } from '../guards.ts';
import { LatestValueStream } from '../stream.ts';

export const subscriptionResolvers = {
  Subscription: {
    experimentProgress: {
      /**
       * Checks membership once, at subscribe time, then sends the current
       * progress followed by one message per (coalesced) notification.
       */
      async subscribe(_: unknown, { id }: { id: string }, context: GraphQLContext) {
        const user = requireUser(context);
        const found = await findExperimentForMember({ db: context.db, experimentId: requireUuid(id, 'id'), userId: user.id });
        if (!found) throw notFound(`Experiment ${id} not found.`);

        // Listen before reading the current progress, so no change falls in between.
        await context.hub.ready();
        let unsubscribe = () => {};
        const stream = new LatestValueStream<ExperimentProgress>(() => unsubscribe());
        unsubscribe = context.hub.subscribe(id, (progress) => stream.push(progress));

        const current = await loadProgress({ db: context.db, experimentId: id });
        if (current) stream.push(current);
        return stream;
      },
      resolve: (progress: ExperimentProgress) => progress,
    },
  },
};
