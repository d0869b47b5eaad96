import { authenticate } from '../../auth/users.ts';
import { clearedSessionCookie, sessionCookie } from '../../auth/cookie.ts';
import { createSession, deleteSession } from '../../auth/session.ts';
import type { SignInRejection } from '../../auth/sign-in-limiter.ts';
import { findExperimentForMember } from '../../data/access.ts';
import { cancelExperiment } from '../../experiments/cancel.ts';
import { createExperiment } from '../../experiments/create.ts';
import type { GraphQLContext } from '../context.ts';
import { notFound, rateLimited, unauthenticated } from '../errors.ts';
import { requireEditor, requireMembership, requireUser, requireUuid } from '../guards.ts';

function signInLimitMessage(rejection: SignInRejection): string {
  const subject = rejection.limit === 'email' ? 'this email address' : 'your network address';
  const minutes = Math.max(1, Math.ceil((rejection.retryAt.getTime() - Date.now()) / 60_000));
  return (
    `Too many failed sign-ins for ${subject}: the limit is ${rejection.maximum} failures per window. ` +
    `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, at ${rejection.retryAt.toISOString()}.`
  );
}

export const mutationResolvers = {
  Mutation: {
    async signIn(_: unknown, { email, password }: { email: string; password: string }, context: GraphQLContext) {
      const limiter = context.signInLimiter;
      const rejection = await limiter.check(email, context.clientAddress);
      if (rejection) {
        context.logger.warn({ limit: rejection.limit, clientAddress: context.clientAddress, retryAt: rejection.retryAt, requestId: context.requestId }, 'Sign-in rejected by the rate limit');
        throw rateLimited(signInLimitMessage(rejection), rejection.retryAt);
      }

      const user = await authenticate({ db: context.db, email, password });
      if (!user) {
        await limiter.recordFailure(email, context.clientAddress);
        throw unauthenticated('Invalid email or password.');
      }
      await limiter.recordSuccess(email);

      const { token, expiresAt } = await createSession({ db: context.db, userId: user.id });
      context.setCookie(sessionCookie(token, expiresAt, context.secureCookies));
      context.logger.info({ userId: user.id, requestId: context.requestId }, 'User signed in');
      return user;
    },

    /** Returns whether a session was ended; the cookie is cleared either way. */
    async signOut(_: unknown, __: unknown, context: GraphQLContext) {
      context.setCookie(clearedSessionCookie(context.secureCookies));
      if (!context.sessionToken || !context.user) return false;

      await deleteSession({ db: context.db, token: context.sessionToken });
      context.logger.info({ userId: context.user.id, requestId: context.requestId }, 'User signed out');
      return true;
    },

    async createExperiment(_: unknown, args: { studyId: string; config: unknown }, context: GraphQLContext) {
      const user = requireUser(context);
      const role = await requireMembership(context, args.studyId);
      requireEditor(role, args.studyId);

      const experiment = await createExperiment({ db: context.db, boss: context.boss, studyId: args.studyId, userId: user.id, config: args.config });
      context.logger.info({ experimentId: experiment.id, studyId: args.studyId, userId: user.id, requestId: context.requestId }, 'Experiment created');
      return experiment;
    },

    async cancelExperiment(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findExperimentForMember({ db: context.db, experimentId: requireUuid(id, 'id'), userId: user.id });
      if (!found) throw notFound(`Experiment ${id} not found.`);
      requireEditor(found.role, found.experiment.studyId);

      const experiment = await cancelExperiment({ db: context.db, experimentId: id, actorId: user.id });
      context.logger.info({ experimentId: id, userId: user.id, requestId: context.requestId }, 'Experiment cancelled');
      return experiment;
    },
  },
};
