import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import { readSessionToken } from '../auth/cookie.ts';
import { findSessionUser, type SessionUser } from '../auth/session.ts';
import { createLoaders, type GraphQLContext } from './context.ts';
import { requestScope } from './errors.ts';

type BaseContext = Pick<GraphQLContext, 'db' | 'boss' | 'logger' | 'hub'>;
type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Connection state kept between operations: the user resolved when the connection opened. */
interface ConnectionExtra extends Record<PropertyKey, unknown> {
  user: SessionUser | null;
  sessionToken: string | null;
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
      async onConnect(ctx) {
        const request: IncomingMessage = ctx.extra.request;
        const sessionToken = readSessionToken(request.headers) ?? tokenFromParams(ctx.connectionParams);
        ctx.extra.sessionToken = sessionToken;
        ctx.extra.user = sessionToken ? await findSessionUser({ db: baseContext.db, token: sessionToken }) : null;
        return true;
      },
      context(ctx): GraphQLContext {
        const user = ctx.extra.user ?? null;
        return {
          ...baseContext,
          requestId: randomUUID(),
          user,
          sessionToken: ctx.extra.sessionToken ?? null,
          secureCookies: false,
          setCookie: () => {},
          loaders: createLoaders(baseContext.db, user),
        };
      },
      onNext(_ctx, _id, _payload, args, result) {
        if (!result.errors) return;
        const { requestId } = args.contextValue as GraphQLContext;
        return requestScope.run({ requestId }, () => ({
          ...result,
          errors: result.errors!.map((error) => formatError(error.toJSON(), error)),
        }));
      },
      onError(_ctx, _id, _payload, errors) {
        return requestScope.run({ requestId: randomUUID() }, () => errors.map((error) => formatError(error.toJSON(), error)));
      },
    },
    wss,
  );
  return async () => {
    await server.dispose();
  };
}
