/**
 * `npm run worker`: starts WORKER_CONCURRENCY worker processes against
 * DATABASE_URL and stops them on SIGTERM or SIGINT.
 */
import pino from 'pino';
import { parseEnv } from '../server/env.ts';
import { startWorkerPool } from './pool.ts';

async function main(): Promise<void> {
  const env = parseEnv();
  const logger = pino({ level: env.LOG_LEVEL });
  if (env.DATABASE_URL === undefined) {
    throw new Error(
      'DATABASE_URL is missing: set it to the Postgres connection string that the Robustlab server uses, ' +
        'for example postgresql://postgres@127.0.0.1:5432/robustlab.',
    );
  }
  if (env.WORKER_CONCURRENCY === 0) {
    logger.warn('WORKER_CONCURRENCY is 0, so no worker process was started.');
    return;
  }

  // The worker processes inherit this environment, TFJS_BACKEND and LOG_LEVEL included.
  const pool = startWorkerPool({ databaseUrl: env.DATABASE_URL, concurrency: env.WORKER_CONCURRENCY, logger });
  logger.info({ concurrency: env.WORKER_CONCURRENCY }, 'worker pool started');

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping worker pool');
      pool.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'worker pool stop failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
