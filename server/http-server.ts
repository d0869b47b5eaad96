import http from 'node:http';
import type { Logger } from 'pino';
import { EXPORT_PATH_PREFIX } from './export/http.ts';
import { UPLOAD_PATH_PREFIX } from './uploads/route.ts';
import type { NextHandlers } from './next-app.ts';

/** Path served by the GraphQL server; every other path goes to the dashboard. */
const GRAPHQL_PATH = '/graphql';

interface GraphQLHandlers {
  handleRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void>;
  attachWebSocket(httpServer: http.Server): void;
}

function pathnameOf(request: http.IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

/**
 * Creates the one HTTP server of Robustlab: /graphql (HTTP and graphql-ws
 * upgrades) goes to the GraphQL server, /api/export/ to the exports,
 * everything else to Next.js.
 */
export function createHttpServer({
  graphql,
  nextApp,
  exports,
  uploads,
  logger,
}: {
  graphql: GraphQLHandlers;
  nextApp: NextHandlers;
  /** Handler of the /api/export/ routes. */
  exports?: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;
  /** Handler of the /api/datasets/ upload routes. */
  uploads?: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;
  logger: Logger;
}): http.Server {
  const server = http.createServer((request, response) => {
    const pathname = pathnameOf(request);
    let handler = pathname === GRAPHQL_PATH ? graphql.handleRequest : nextApp.handleRequest;
    if (exports && pathname.startsWith(EXPORT_PATH_PREFIX)) handler = exports;
    if (uploads && pathname.startsWith(UPLOAD_PATH_PREFIX)) handler = uploads;
    handler(request, response).catch((error: unknown) => {
      logger.error({ err: error, url: request.url, method: request.method }, 'request failed');
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      }
      response.end('Internal server error');
    });
  });

  // The GraphQL server's own listener takes upgrades to /graphql and ignores the rest.
  graphql.attachWebSocket(server);
  server.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) => {
    if (pathnameOf(request) === GRAPHQL_PATH) return;
    nextApp.handleUpgrade(request, socket, head).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'upgrade request failed');
      socket.destroy();
    });
  });

  return server;
}

/** Starts listening, with a clear error when the address is taken. */
export function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${host} is already in use; stop the other program or set PORT to a free port.`));
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops accepting connections and closes idle ones; busy ones get `graceMs` to finish. */
export function closeServer(server: http.Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
