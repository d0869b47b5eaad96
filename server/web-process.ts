/**
 * Entry of a web process that server/web-cluster.ts forks: the dashboard,
 * /graphql and the other HTTP routes on the port shared with the other web
 * processes. The main process has run the migrations and the dashboard build
 * and passes DATABASE_URL, so this process only connects and serves.
 */
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.CHECKPOINT_DISABLE = '1';

import { fileURLToPath } from 'node:url';
import { createWebProcessLogger } from './console-log.ts';
import { createPrisma } from './db.ts';
import { parseEnv } from './env.ts';
import { Shutdown } from './shutdown.ts';
import { STOP_MESSAGE, WEB_PROCESS_VARIABLE } from './web-cluster.ts';
import { startWebServer } from './web-server.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** pg-boss connections of a web process, which only sends jobs. */
const BOSS_CONNECTIONS = 2;

const processNumber = process.env[WEB_PROCESS_VARIABLE];
const env = parseEnv();
const logger = createWebProcessLogger({ env, service: 'robustlab-web', processName: `web ${processNumber ?? '?'}` });

async function main(): Promise<void> {
  if (!processNumber) throw new Error(`${WEB_PROCESS_VARIABLE} is not set: web processes are started by server/start.ts.`);
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: web processes are started by server/start.ts, which passes it.');

  const shutdown = new Shutdown(logger);
  shutdown.handleSignals();
  process.on('message', (message) => {
    if (message === STOP_MESSAGE) void shutdown.run(0).then(() => process.exit(0));
  });

  const prisma = createPrisma(databaseUrl);
  shutdown.add('Prisma client', () => prisma.$disconnect());
  const { createQueue } = await import('../worker/queue.ts');
  const boss = await createQueue(databaseUrl, { logger, maxConnections: BOSS_CONNECTIONS });
  shutdown.add('pg-boss', () => boss.stop({ graceful: true, timeout: 20_000 }));

  await startWebServer({ root: PROJECT_ROOT, env, databaseUrl, prisma, boss, logger, shutdown });
  logger.info({ host: env.HOST, port: env.PORT }, 'web process ready');
}

main().catch(async (error: unknown) => {
  logger.fatal({ err: error }, 'web process failed to start');
  await Shutdown.current?.run(1);
  process.exit(1);
});
