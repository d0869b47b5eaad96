import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { isSecureRequest } from '../auth/cookie.ts';
import { authenticateRequest, INVALID_API_TOKEN_MESSAGE } from '../auth/request-auth.ts';
import { DEFAULT_SIGN_IN_LIMITS, SignInLimiter, type SignInLimits } from '../auth/sign-in-limiter.ts';
import { DEFAULT_SIGN_UP_SETTINGS, SignUpPolicy, type SignUpSettings } from '../auth/sign-up-policy.ts';
import type { Db } from '../db.ts';
import { createSqlPool } from '../data/sql.ts';
import { loadProgress } from '../experiments/progress.ts';
import { createLoaders, type GraphQLContext } from './context.ts';
import { createFormatError, requestIdPlugin } from './errors.ts';
import { queryLimitsRule } from './limits.ts';
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
  /** Limits of failed sign-ins per email and per client address; DEFAULT_SIGN_IN_LIMITS when omitted. */
  signInLimits?: SignInLimits;
  /** Sign-up mode and rate limit; DEFAULT_SIGN_UP_SETTINGS when missing. */
  signUp?: SignUpSettings;
}

/** The GraphQL endpoint, to mount on an HTTP server. */
export interface GraphQLServer {
  /** Serves one HTTP request to /graphql (POST, or GET for queries). */
  handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Serves graphql-ws subscriptions on upgrades to /graphql; other upgrade paths are left alone. */
  attachWebSocket(httpServer: Server): void;
  /** Closes websockets, the progress listener, Apollo Server and the SQL pool. */
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

class InvalidJsonError extends Error {}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.toLowerCase().startsWith('application/json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InvalidJsonError(`Invalid JSON in the request body: ${(error as Error).message}. Send a JSON object with a "query" field.`);
    }
  }
  return text;
}

/** Ends a request that fails before GraphQL runs with a GraphQL-shaped JSON error, as clients parse every /graphql response. */
function sendRequestError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * Creates the GraphQL server: Apollo Server (CSRF prevention on) for HTTP
 * and graphql-ws for subscriptions, sharing one schema, one error format and
 * one progress listener. The user comes from the `robustlab_session` cookie
 * or an `Authorization: Bearer` header carrying a session or API token.
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
    // Scripts query the API, so its schema is public; data access is checked per resolver.
    introspection: true,
    validationRules: [queryLimitsRule()],
    includeStacktraceInErrorResponses: false,
    // The API sets no cache hints, so Apollo's cache-control plugin is off: it wraps every field
    // resolver, which took several percent of the server's CPU time in a profile of
    // bench/api-latency.ts. requestIdPlugin gives formatError the request id of each error.
    plugins: [ApolloServerPluginCacheControlDisabled(), requestIdPlugin],
    logger,
    // server/shutdown.ts stops every component in order; Apollo's own signal
    // handler would stop it early and re-send the signal.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const sql = createSqlPool(options.databaseUrl);
  // Without a listener, an idle connection that fails (Postgres restarted) would crash the process.
  sql.on('error', (error) => logger.error({ err: error }, 'An idle connection of the GraphQL SQL pool failed'));
  const baseContext = {
    db,
    sql,
    boss,
    logger,
    hub,
    signInLimiter: new SignInLimiter({ db, limits: options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS }),
    signUpPolicy: new SignUpPolicy({ db, settings: options.signUp ?? DEFAULT_SIGN_UP_SETTINGS }),
  };
  const sockets: WebSocketServer[] = [];
  const disposers: (() => Promise<void> | void)[] = [];

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      await serve(request, response, requestId);
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
      if (error instanceof BodyTooLargeError) {
        // The rest of the body is not read, so the connection cannot serve another request.
        response.setHeader('connection', 'close');
        sendRequestError(response, 413, 'BAD_USER_INPUT', `Request body exceeds ${MAX_BODY_BYTES} bytes; send a smaller query or smaller variables.`);
      } else {
        sendRequestError(response, 400, 'BAD_REQUEST', 'Reading the request body failed.');
      }
      return;
    }

    let parsedBody: unknown;
    try {
      parsedBody = parseBody(body, request.headers['content-type']);
    } catch (error) {
      if (!(error instanceof InvalidJsonError)) throw error;
      sendRequestError(response, 400, 'BAD_REQUEST', error.message);
      return;
    }

    // A script with a revoked token gets an error that names the token, rather than anonymous results or "Not signed in".
    const { user, sessionToken, tokenScope, invalidApiToken } = await authenticateRequest(db, request.headers, sql);
    if (invalidApiToken) {
      sendRequestError(response, 401, 'UNAUTHENTICATED', INVALID_API_TOKEN_MESSAGE);
      return;
    }

    const cookies: string[] = [];
    const url = new URL(request.url ?? '/', 'http://localhost');
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method?.toUpperCase() ?? 'GET',
        headers: toHeaderMap(request),
        search: url.search,
        body: parsedBody,
      },
      context: async () => {
        return {
          ...baseContext,
          requestId,
          user,
          sessionToken,
          tokenScope,
          clientAddress: request.socket.remoteAddress ?? 'unknown',
          secureCookies: isSecureRequest(request),
          setCookie: (value: string) => void cookies.push(value),
          loaders: createLoaders(db, sql, user),
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
    await sql.end();
  }

  return { handleRequest, attachWebSocket, stop };
}
