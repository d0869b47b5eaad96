/**
 * `npm start` (and `npm run web` with `--web`): database, migrations,
 * built-in datasets, demo, dashboard build, the HTTP server of the dashboard
 * and /graphql, and the training worker pool. With ROBUSTLAB_WEB_PROCESSES
 * above 1 this main process forks that many web processes that share its
 * port (server/web-cluster.ts) and serves no HTTP itself.
 */
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.CHECKPOINT_DISABLE = '1';

import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createStartLogging, printConsoleLine as print } from './console-log.ts';
import { ensureBuiltinDatasets } from './datasets.ts';
import { createPrisma } from './db.ts';
import { DEMO_EMAIL } from './demo-config.ts';
import { createDemoOnFirstStart, findDemoExperimentId, type DemoResult } from './demo.ts';
import { resolveDataDir, startEmbeddedPostgres } from './embedded-db.ts';
import { parseEnv, type Env } from './env.ts';
import { runMigrations } from './migrate.ts';
import { ensureNextBuild } from './next-app.ts';
import { printExperimentProgress } from './progress-printer.ts';
import { Shutdown } from './shutdown.ts';
import { startWebCluster } from './web-cluster.ts';
import { startWebServer } from './web-server.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv: string[]): { web: boolean } {
  const unknown = argv.filter((arg) => arg !== '--web');
  if (unknown.length > 0) {
    throw new Error(`Unknown argument ${unknown.join(' ')}: the only option is --web (serve without training workers).`);
  }
  return { web: argv.includes('--web') };
}

async function connectDatabase(env: Env, logger: Logger, shutdown: Shutdown): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;

  const embedded = await startEmbeddedPostgres({ dataDir: resolveDataDir(PROJECT_ROOT, env.ROBUSTLAB_DATA_DIR), logger });
  shutdown.add('embedded Postgres', () => embedded.stop());
  print(`No DATABASE_URL set: using the embedded Postgres on 127.0.0.1:${embedded.port} (data in ${env.ROBUSTLAB_DATA_DIR}/postgres)`);
  return embedded.url;
}

function printDemoSignIn(demo: DemoResult): void {
  if (demo.status === 'created') {
    print(`Demo sign-in: ${demo.email} / ${demo.password}`);
    print('  (this password is shown only now; it is not stored in plain text anywhere)');
  } else if (demo.status === 'skipped') {
    print(`Demo sign-in: ${DEMO_EMAIL} (the password was printed at the first start)`);
  }
}

async function main(): Promise<void> {
  const { web } = parseArgs(process.argv.slice(2));
  const env = parseEnv();
  const logging = createStartLogging({ env, dataDir: resolveDataDir(PROJECT_ROOT, env.ROBUSTLAB_DATA_DIR), service: web ? 'robustlab-web' : 'robustlab' });
  const { logger } = logging;
  if (logging.logFile) print(`Logs: ${logging.logFile} (warnings and errors also appear here; ROBUSTLAB_LOG_FORMAT=json prints all logs as JSON)`);
  const shutdown = new Shutdown(logger, print);
  shutdown.handleSignals();

  const databaseUrl = await connectDatabase(env, logger, shutdown);
  await runMigrations({ connectionString: databaseUrl, logger });

  const prisma = createPrisma(databaseUrl);
  shutdown.add('Prisma client', () => prisma.$disconnect());
  await ensureBuiltinDatasets(prisma);

  const { createQueue } = await import('../worker/queue.ts');
  const boss = await createQueue(databaseUrl, { logger });
  shutdown.add('pg-boss', () => boss.stop({ graceful: true, timeout: 20_000 }));

  await ensureNextBuild({ root: PROJECT_ROOT, logger, onChild: (kill) => shutdown.add('next build', kill) });
  if (env.ROBUSTLAB_WEB_PROCESSES === 1) {
    await startWebServer({ root: PROJECT_ROOT, env, databaseUrl, prisma, boss, logger, shutdown });
  } else {
    const webCluster = await startWebCluster({
      count: env.ROBUSTLAB_WEB_PROCESSES,
      databaseUrl,
      logger,
      onLogLine: logging.writeWorkerLine,
      isStopping: () => shutdown.stopping,
    });
    shutdown.add('web processes', () => webCluster.stop());
  }

  if (!web && env.WORKER_CONCURRENCY > 0) {
    const { startWorkerPool, TRAINING_STOP_GRACE_MS } = await import('../worker/pool.ts');
    const pool = await startWorkerPool({ databaseUrl, concurrency: env.WORKER_CONCURRENCY, logger, onLogLine: logging.writeWorkerLine });
    shutdown.add('worker pool', () => pool.stop());
    shutdown.setStoppingLine(`Stopping: waiting up to ${TRAINING_STOP_GRACE_MS / 1000} s for running trainings…`);
  }

  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const processes = env.ROBUSTLAB_WEB_PROCESSES === 1 ? '' : ` (${env.ROBUSTLAB_WEB_PROCESSES} web processes)`;
  print(`Robustlab is running at http://${host}:${env.PORT}${processes}`);
  if (web) print('Web only (--web): no training workers in this process; start them with `npm run worker`.');

  // The demo comes last, so a start that fails earlier has created no user whose password nobody saw.
  const demo = await createDemoOnFirstStart({ db: prisma, boss, logger, enabled: env.ROBUSTLAB_DEMO !== '0' });
  printDemoSignIn(demo);

  const demoExperimentId = demo.status === 'created' ? demo.experimentId : await findDemoExperimentId(prisma);
  if (demoExperimentId) {
    const printer = printExperimentProgress({
      db: prisma,
      experimentId: demoExperimentId,
      label: 'Demo experiment',
      print,
      onError: (error) => logger.warn({ err: error, experimentId: demoExperimentId }, 'reading demo progress failed'),
    });
    shutdown.add('demo progress', () => printer.stop());
  }
}

main().catch(async (error: unknown) => {
  process.stderr.write(`Robustlab failed to start: ${(error as Error).stack ?? String(error)}\n`);
  await Shutdown.current?.run(1);
  process.exit(1);
});
