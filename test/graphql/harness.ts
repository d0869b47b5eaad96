/**
 * A real GraphQL server for tests: a fresh database, a pg-boss with the
 * project's queues and the GraphQL endpoint on an HTTP server at 127.0.0.1
 * on a random port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PgBoss } from 'pg-boss';
import pino from 'pino';
import { createSession } from '../../server/auth/session.ts';
import type { SignInLimits } from '../../server/auth/sign-in-limiter.ts';
import type { SignUpSettings } from '../../server/auth/sign-up-policy.ts';
import { createUser } from '../../server/auth/users.ts';
import type { Db } from '../../server/db.ts';
import { createGraphQLServer, GRAPHQL_PATH, type GraphQLServer } from '../../server/graphql/http.ts';
import { createQueue } from '../../worker/queue.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

export interface Harness {
  database: TestDatabase;
  db: Db;
  boss: PgBoss;
  graphql: GraphQLServer;
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface GraphQLResult {
  status: number;
  headers: Headers;
  data: Record<string, any> | null;
  errors?: { message: string; path?: string[]; extensions: Record<string, any> }[];
}

/** Starts the database, pg-boss, the GraphQL server and an HTTP server. */
export async function startHarness(
  options: { progressCoalesceMs?: number; createPrisma?: (url: string) => Db; signInLimits?: SignInLimits; signUp?: SignUpSettings } = {},
): Promise<Harness> {
  const database = await createTestDatabase();
  const logger = pino({ level: 'silent' });
  const boss = await createQueue(database.url, { logger, maxConnections: 2 });
  const prisma = options.createPrisma?.(database.url) ?? database.prisma;
  const graphql = await createGraphQLServer({
    prisma,
    databaseUrl: database.url,
    boss,
    logger,
    progressCoalesceMs: options.progressCoalesceMs,
    signInLimits: options.signInLimits,
    signUp: options.signUp,
  });

  const server = http.createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname === GRAPHQL_PATH) {
      void graphql.handleRequest(request, response);
    } else {
      response.writeHead(404).end();
    }
  });
  // Longer than fetch's own 4 s idle timeout, so that the client, not the server, closes idle
  // sockets. NOTE: a suspected cause of one ECONNRESET in a polling test, not a confirmed one.
  server.keepAliveTimeout = 60_000;
  graphql.attachWebSocket(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    database,
    db: database.prisma,
    boss,
    graphql,
    url: `http://127.0.0.1:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://127.0.0.1:${port}${GRAPHQL_PATH}`,
    async close() {
      await graphql.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await boss.stop({ graceful: false, close: true });
      if (prisma !== database.prisma) await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** Posts a GraphQL operation, with a session token as Bearer header when given. */
export async function post(
  harness: Pick<Harness, 'url'>,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(harness.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: Record<string, any> | null; errors?: GraphQLResult['errors'] };
  return { status: response.status, headers: response.headers, data: body.data ?? null, errors: body.errors };
}

/** Returns the code of the only error of a result, failing when there is not exactly one. */
export function errorCode(result: GraphQLResult): string {
  if (result.errors?.length !== 1) throw new Error(`Expected one error, got ${JSON.stringify(result.errors ?? null)}`);
  return result.errors[0].extensions.code;
}

/** A user with a session token, for calling the API as that user. */
export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** Creates a user with password `password-<name>` and a session. */
export async function addUser(db: Db, name: string): Promise<TestUser> {
  const email = `${name}@example.test`;
  const user = await createUser({ db, email, name, password: `password-${name}` });
  const { token } = await createSession({ db, userId: user.id });
  return { id: user.id, email, token };
}

/** The users of a study fixture, one per role plus one outsider. */
export interface StudyFixture {
  studyId: string;
  owner: TestUser;
  editor: TestUser;
  viewer: TestUser;
  outsider: TestUser;
}

/** Creates a study with an owner, an editor, a viewer and a user who is not a member. */
export async function addStudy(db: Db, prefix: string): Promise<StudyFixture> {
  const [owner, editor, viewer, outsider] = await Promise.all(
    ['owner', 'editor', 'viewer', 'outsider'].map((role) => addUser(db, `${prefix}-${role}`)),
  );
  const study = await db.study.create({
    data: {
      name: `${prefix} study`,
      memberships: {
        create: [
          { userId: owner.id, role: 'owner' },
          { userId: editor.id, role: 'editor' },
          { userId: viewer.id, role: 'viewer' },
        ],
      },
    },
  });
  return { studyId: study.id, owner, editor, viewer, outsider };
}

/** Inserts the MNIST dataset row (28x28x1, 10 classes), as the dataset installer does. */
export async function addMnist(db: Db) {
  return db.dataset.create({
    data: {
      key: 'mnist',
      version: 1,
      name: 'MNIST',
      task: 'classification',
      inputShape: [28, 28, 1],
      classes: 10,
      trainCount: 60000,
      testCount: 10000,
      checksum: 'test-checksum',
    },
  });
}
