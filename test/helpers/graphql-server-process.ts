/**
 * A GraphQL server in a process of its own, for tests that need two server
 * processes on one database. It reads DATABASE_URL and the
 * ROBUSTLAB_SIGNIN_* settings, listens on 127.0.0.1 at a random port, prints
 * `{"url": ...}` on stdout and stops on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createPrisma } from '../../server/db.ts';
import { parseEnv } from '../../server/env.ts';
import { createGraphQLServer, GRAPHQL_PATH } from '../../server/graphql/http.ts';
import { createQueue } from '../../worker/queue.ts';

const env = parseEnv();
if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set: pass the test database in the environment.');

const logger = pino({ level: 'silent' });
const prisma = createPrisma(env.DATABASE_URL, { max: 2 });
const boss = await createQueue(env.DATABASE_URL, { logger, maxConnections: 1 });
const graphql = await createGraphQLServer({
  prisma,
  databaseUrl: env.DATABASE_URL,
  boss,
  logger,
  signInLimits: {
    maxFailuresPerEmail: env.ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_EMAIL,
    maxFailuresPerAddress: env.ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_ADDRESS,
    windowMs: env.ROBUSTLAB_SIGNIN_WINDOW_SECONDS * 1000,
  },
});

const server = http.createServer((request, response) => {
  if (new URL(request.url ?? '/', 'http://localhost').pathname === GRAPHQL_PATH) void graphql.handleRequest(request, response);
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${GRAPHQL_PATH}` })}\n`);

process.once('SIGTERM', async () => {
  server.closeAllConnections();
  server.close();
  await graphql.stop();
  await boss.stop({ graceful: false, close: true });
  await prisma.$disconnect();
  process.exit(0);
});
