import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { isSecureRequest, readSessionToken } from '../auth/cookie.ts';
import { findSessionUser, type SessionUser } from '../auth/session.ts';
import type { Db } from '../db.ts';
import { loadProgress } from '../experiments/progress.ts';
import { createLoaders, type GraphQLContext } from './context.ts';
import { createFormatError, requestScope } from './errors.ts';
import { ProgressHub } from './progress-hub.ts';
import { createSchema } from './schema.ts';
import { attachSubscriptions } from './websocket.ts';

/** Path of the GraphQL endpoint, for HTTP and websockets. */
export const GRAPHQL_PATH = '/graphql';

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Options of `createGraphQLServer`. */
export interface GraphQLServerOptions {
  prisma: Db;
  databaseUrl: string;
  boss: PgBoss;
  logger: Logger;
  /** Minimum time between two progress messages of one experiment, in ms. Default 250. */
  progressCoalesceMs?: number;
}

/** The GraphQL endpoint, to mount on an HTTP server. */
export interface GraphQLServer {
  /** Serves one HTTP request to /graphql (POST, or GET for queries). */
  handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Serves graphql-ws subscriptions on upgrades to /graphql; other upgrade paths are left alone. */
  attachWebSocket(httpServer: Server): void;
  /** Closes websockets, the progress listener and Apollo Server. */
  stop(): Promise<void>;
}

class BodyTooLargeError extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`Request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.toLowerCase().startsWith('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      // Apollo Server rejects a body that is not an object with status 400.
      return text;
    }
  }
  return text;
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

async function sessionUser(db: Db, token: string | null): Promise<SessionUser | null> {
  return token ? findSessionUser({ db, token }) : null;
}

/**
 * Creates the GraphQL server: Apollo Server (CSRF prevention on) for HTTP
 * and graphql-ws for subscriptions, sharing one schema, one error format and
 * one progress listener. The user comes from the `robustlab_session` cookie
 * or an `Authorization: Bearer` header.
 */
export async function createGraphQLServer(options: GraphQLServerOptions): Promise<GraphQLServer> {
  const { prisma: db, boss, logger } = options;
  const schema = createSchema();
  const formatError = createFormatError(logger);
  const hub = new ProgressHub({
    databaseUrl: options.databaseUrl,
    logger,
    load: (experimentId) => loadProgress({ db, experimentId }),
    coalesceMs: options.progressCoalesceMs,
  });

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    logger,
    // server/shutdown.ts stops every component in order; Apollo's own signal
    // handler would stop it early and re-send the signal.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const baseContext = { db, boss, logger, hub };
  const sockets: WebSocketServer[] = [];
  const disposers: (() => Promise<void> | void)[] = [];

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      await requestScope.run({ requestId }, () => serve(request, response, requestId));
    } catch (error) {
      logger.error({ err: error, requestId }, 'Serving a GraphQL HTTP request failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Internal server error; quote request id ${requestId} when reporting it.`);
    }
  }

  async function serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    let body: string;
    try {
      body = await readBody(request);
    } catch (error) {
      const tooLarge = error instanceof BodyTooLargeError;
      response.writeHead(tooLarge ? 413 : 400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(tooLarge ? `Request body exceeds ${MAX_BODY_BYTES} bytes.` : 'Reading the request body failed.');
      return;
    }

    const cookies: string[] = [];
    const url = new URL(request.url ?? '/', 'http://localhost');
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method?.toUpperCase() ?? 'GET',
        headers: toHeaderMap(request),
        search: url.search,
        body: parseBody(body, request.headers['content-type']),
      },
      context: async () => {
        const sessionToken = readSessionToken(request.headers);
        const user = await sessionUser(db, sessionToken);
        return {
          ...baseContext,
          requestId,
          user,
          sessionToken,
          secureCookies: isSecureRequest(request),
          setCookie: (value: string) => void cookies.push(value),
          loaders: createLoaders(db, user),
        };
      },
    });

    for (const [name, value] of result.headers) response.setHeader(name, value);
    if (cookies.length > 0) response.setHeader('set-cookie', cookies);
    response.statusCode = result.status ?? 200;

    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  function attachWebSocket(httpServer: Server): void {
    const wss = new WebSocketServer({ noServer: true });
    sockets.push(wss);
    disposers.push(attachSubscriptions({ wss, schema, formatError, baseContext }));

    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path !== GRAPHQL_PATH) return;
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    });
  }

  async function stop(): Promise<void> {
    for (const dispose of disposers) await dispose();
    for (const wss of sockets) {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    await hub.stop();
    await apollo.stop();
  }

  return { handleRequest, attachWebSocket, stop };
}
