import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { ApiTokenScope } from '../../generated/prisma/client.ts';
import { CROSS_SITE_SOCKET_MESSAGE, isCrossSiteSocket } from '../auth/csrf.ts';
import { authenticateRequest, INVALID_API_TOKEN_MESSAGE } from '../auth/request-auth.ts';
import type { SessionUser } from '../auth/session.ts';
import { createLoaders, type GraphQLContext } from './context.ts';
import { tagRequestId } from './errors.ts';
import { findLimitErrors } from './limits.ts';

type BaseContext = Pick<GraphQLContext, 'db' | 'sql' | 'boss' | 'logger' | 'hub' | 'signInLimiter' | 'signUpPolicy'>;
type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Connection state kept between operations: the user resolved when the connection opened. */
interface ConnectionExtra extends Record<PropertyKey, unknown> {
  user: SessionUser | null;
  sessionToken: string | null;
  tokenScope: ApiTokenScope | null;
}

/**
 * Rejects subscriptions over the query depth and cost limits; anything else,
 * including a syntax error, goes on to graphql-ws's own parse and validation.
 */
function checkLimits(schema: GraphQLSchema, query: string) {
  let document;
  try {
    document = parse(query);
  } catch {
    return undefined;
  }
  const errors = findLimitErrors(schema, document);
  return errors.length > 0 ? errors : undefined;
}

function tokenFromParams(params: Record<string, unknown> | undefined): string | null {
  const authorization = params?.authorization ?? params?.Authorization;
  if (typeof authorization !== 'string') return null;
  return /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? null;
}

/**
 * Serves graphql-ws on a websocket server. The user is read once per
 * connection from the upgrade request's session cookie or, failing that, an
 * `authorization` connection parameter. Anonymous connections are accepted,
 * but their subscriptions fail with UNAUTHENTICATED. Returns a function that
 * closes the graphql-ws server.
 */
export function attachSubscriptions({
  wss,
  schema,
  formatError,
  baseContext,
}: {
  wss: WebSocketServer;
  schema: GraphQLSchema;
  formatError: FormatError;
  baseContext: BaseContext;
}): () => Promise<void> {
  const server = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema,
      onSubscribe: (_ctx, _id, payload) => checkLimits(schema, payload.query),
      async onConnect(ctx) {
        const request: IncomingMessage = ctx.extra.request;
        if (isCrossSiteSocket(request)) {
          // 4403 is graphql-ws's Forbidden close code.
          ctx.extra.socket.close(4403, CROSS_SITE_SOCKET_MESSAGE);
          return false;
        }
        const fromParams = tokenFromParams(ctx.connectionParams);
        const headers = fromParams && !request.headers.cookie ? { authorization: `Bearer ${fromParams}` } : request.headers;
        const auth = await authenticateRequest(baseContext.db, headers, baseContext.sql);
        if (auth.invalidApiToken) {
          // 4401 is graphql-ws's Unauthorized close code; the close reason carries the message.
          ctx.extra.socket.close(4401, INVALID_API_TOKEN_MESSAGE);
          return false;
        }
        ctx.extra.sessionToken = auth.sessionToken;
        ctx.extra.tokenScope = auth.tokenScope;
        ctx.extra.user = auth.user;
        return true;
      },
      context(ctx): GraphQLContext {
        const user = ctx.extra.user ?? null;
        return {
          ...baseContext,
          requestId: randomUUID(),
          user,
          sessionToken: ctx.extra.sessionToken ?? null,
          tokenScope: ctx.extra.tokenScope ?? null,
          clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown',
          secureCookies: false,
          setCookie: () => {},
          loaders: createLoaders(baseContext.db, baseContext.sql, user),
        };
      },
      onNext(_ctx, _id, _payload, args, result) {
        if (!result.errors) return;
        const { requestId } = args.contextValue as GraphQLContext;
        tagRequestId(result.errors, requestId);
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) };
      },
      onError(_ctx, _id, _payload, errors) {
        tagRequestId(errors, randomUUID());
        return errors.map((error) => formatError(error.toJSON(), error));
      },
    },
    wss,
  );
  return async () => {
    await server.dispose();
  };
}
