/**
 * The HTTP side of Robustlab in one process: the Next.js dashboard, /graphql
 * (HTTP and graphql-ws), exports and dataset uploads on one HTTP server. The
 * main process runs it when ROBUSTLAB_WEB_PROCESSES is 1, and every forked
 * web process runs it otherwise.
 */
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from './db.ts';
import type { Env } from './env.ts';
import { closeServer, createHttpServer, listen } from './http-server.ts';
import { prepareNextApp } from './next-app.ts';
import type { Shutdown } from './shutdown.ts';

/**
 * Starts the dashboard, GraphQL, exports and uploads and listens on
 * HOST:PORT. Each component is registered with `shutdown`, so a stop closes
 * the HTTP server first and the components behind it afterwards.
 */
export async function startWebServer({
  root,
  env,
  databaseUrl,
  prisma,
  boss,
  logger,
  shutdown,
}: {
  root: string;
  env: Env;
  databaseUrl: string;
  prisma: Db;
  boss: PgBoss;
  logger: Logger;
  shutdown: Shutdown;
}): Promise<void> {
  const nextApp = await prepareNextApp({ root, hostname: env.HOST, port: env.PORT });
  shutdown.add('Next.js', () => nextApp.close());

  const { createGraphQLServer } = await import('./graphql/http.ts');
  const signInLimits = {
    maxFailuresPerEmail: env.ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_EMAIL,
    maxFailuresPerAddress: env.ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_ADDRESS,
    windowMs: env.ROBUSTLAB_SIGNIN_WINDOW_SECONDS * 1000,
  };
  const signUp = {
    mode: env.ROBUSTLAB_SIGNUP,
    maxPerAddress: env.ROBUSTLAB_SIGNUP_MAX_PER_ADDRESS,
    windowMs: env.ROBUSTLAB_SIGNUP_WINDOW_SECONDS * 1000,
  };
  const graphql = await createGraphQLServer({ prisma, databaseUrl, boss, logger, signInLimits, signUp });
  shutdown.add('GraphQL server', () => graphql.stop());

  const { createExportHandler } = await import('./export/http.ts');
  const { createUploadHandler } = await import('./uploads/route.ts');
  const { uploadLimitsFromEnv } = await import('./uploads/limits.ts');
  const uploadHandler = createUploadHandler({ db: prisma, logger, databaseUrl, limits: uploadLimitsFromEnv(env) });
  shutdown.add('upload connections', () => uploadHandler.close());
  const uploads = uploadHandler.handleRequest;
  const server = createHttpServer({ graphql, nextApp, exports: createExportHandler({ db: prisma, logger }), uploads, logger });
  await listen(server, env.HOST, env.PORT);
  shutdown.add('HTTP server', () => closeServer(server));
}
