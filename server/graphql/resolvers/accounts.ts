import { Prisma, type ApiTokenScope } from '../../../generated/prisma/client.ts';
import { countApiTokens, createApiToken, listApiTokens, MAX_TOKEN_NAME_LENGTH, MAX_TOKENS_PER_USER, revokeApiToken } from '../../auth/api-tokens.ts';
import { sessionCookie } from '../../auth/cookie.ts';
import { createSession } from '../../auth/session.ts';
import type { SignUpRejection } from '../../auth/sign-up-policy.ts';
import { createUser, newUserSchema } from '../../auth/users.ts';
import { createStudy } from '../../data/members.ts';
import type { GraphQLContext } from '../context.ts';
import { badUserInput, conflict, forbidden, notFound, rateLimited } from '../errors.ts';
import { requireUser, requireUuid } from '../guards.ts';
import { parsePage, toConnection } from '../paging.ts';

/** Maximum lengths of a study name and of its description. */
const MAX_STUDY_NAME_LENGTH = 200;
const MAX_STUDY_DESCRIPTION_LENGTH = 10_000;

function requireText(value: string, argumentName: string, maxLength: number): string {
  const text = value.trim();
  if (text.length === 0 || text.length > maxLength) {
    throw badUserInput(`Invalid ${argumentName}: expected 1 to ${maxLength} characters, got ${text.length}.`, argumentName);
  }
  return text;
}

function parseSignUp(args: { email: string; name: string; password: string }) {
  const parsed = newUserSchema.safeParse(args);
  if (parsed.success) return parsed.data;

  const issue = parsed.error.issues[0];
  const field = String(issue.path[0]);
  // The password is never echoed back.
  const shown = field === 'password' ? '' : ` ${JSON.stringify((args as Record<string, string>)[field])}`;
  throw badUserInput(`Invalid ${field}${shown}: ${issue.message}.`, field);
}

function signUpLimitMessage(rejection: SignUpRejection): string {
  const minutes = Math.max(1, Math.ceil((rejection.retryAt.getTime() - Date.now()) / 60_000));
  return (
    `Too many sign-ups from your network address: the limit is ${rejection.maximum} per window. ` +
    `Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, at ${rejection.retryAt.toISOString()}.`
  );
}

export const accountResolvers = {
  ApiTokenScope: { READ: 'read', READ_WRITE: 'read_write' },

  Query: {
    /** Public, so that the sign-in page can hide sign-up when it is closed. */
    signUpOpen(_: unknown, __: unknown, context: GraphQLContext) {
      return context.signUpPolicy.isOpen();
    },

    async apiTokens(_: unknown, args: { first?: number | null; after?: string | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const page = parsePage(args);
      const { items, total } = await listApiTokens({ db: context.db, userId: user.id, ...page });
      return toConnection(items, page, total);
    },
  },

  Mutation: {
    async signUp(_: unknown, args: { email: string; name: string; password: string }, context: GraphQLContext) {
      const policy = context.signUpPolicy;
      if (!(await policy.isOpen())) {
        throw forbidden('Sign-up is closed on this server (ROBUSTLAB_SIGNUP=closed): ask an administrator to create your account with `npm run user -- create`.');
      }
      const rejection = await policy.checkLimit(context.clientAddress);
      if (rejection) {
        context.logger.warn({ clientAddress: context.clientAddress, retryAt: rejection.retryAt, requestId: context.requestId }, 'Sign-up rejected by the rate limit');
        throw rateLimited(signUpLimitMessage(rejection), rejection.retryAt);
      }

      const input = parseSignUp(args);
      await policy.recordAttempt(context.clientAddress);
      let user;
      try {
        user = await createUser({ db: context.db, ...input });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
          throw conflict(`An account with email ${JSON.stringify(input.email)} exists already; sign in instead.`);
        }
        throw error;
      }

      const { token, expiresAt } = await createSession({ db: context.db, userId: user.id });
      context.setCookie(sessionCookie(token, expiresAt, context.secureCookies));
      context.logger.info({ userId: user.id, isAdmin: user.isAdmin, requestId: context.requestId }, 'User signed up');
      return user;
    },

    async createStudy(_: unknown, args: { name: string; description?: string | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const name = requireText(args.name, 'name', MAX_STUDY_NAME_LENGTH);
      const description = (args.description ?? '').trim();
      if (description.length > MAX_STUDY_DESCRIPTION_LENGTH) {
        throw badUserInput(`Invalid description: expected at most ${MAX_STUDY_DESCRIPTION_LENGTH} characters, got ${description.length}.`, 'description');
      }

      const study = await createStudy({ db: context.db, userId: user.id, name, description });
      context.logger.info({ studyId: study.id, userId: user.id, requestId: context.requestId }, 'Study created');
      return { ...study, role: 'owner' as const };
    },

    async createApiToken(_: unknown, args: { name: string; scope: ApiTokenScope }, context: GraphQLContext) {
      const user = requireUser(context);
      const name = requireText(args.name, 'name', MAX_TOKEN_NAME_LENGTH);
      if ((await countApiTokens({ db: context.db, userId: user.id })) >= MAX_TOKENS_PER_USER) {
        throw conflict(`You have ${MAX_TOKENS_PER_USER} API tokens, the maximum; ask an administrator to delete revoked ones.`);
      }

      const created = await createApiToken({ db: context.db, userId: user.id, name, scope: args.scope });
      context.logger.info({ tokenId: created.token.id, scope: args.scope, userId: user.id, requestId: context.requestId }, 'API token created');
      return created;
    },

    async revokeApiToken(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const token = await revokeApiToken({ db: context.db, userId: user.id, tokenId: requireUuid(id, 'id') });
      if (!token) throw notFound(`API token ${id} not found.`);
      context.logger.info({ tokenId: id, userId: user.id, requestId: context.requestId }, 'API token revoked');
      return token;
    },
  },
};
