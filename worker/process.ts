/**
 * One worker process: trains one instance at a time and runs scheduling
 * jobs. `worker/pool.ts` forks one per core; run directly, it starts from the
 * environment (DATABASE_URL, TFJS_BACKEND, LOG_LEVEL, WORKER_HEARTBEAT_SECONDS,
 * ROBUSTLAB_WORKER_ID, and ROBUSTLAB_WORKER_SLOT set by the pool).
 */
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version as tfjsVersions } from '@tensorflow/tfjs';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import pino, { type Logger } from 'pino';
import { QUEUE_SCHEDULE, QUEUE_TRAIN } from '../lib/config.ts';
import { createPrisma, type Db } from '../server/db.ts';
import { parseEnv } from '../server/env.ts';
import { initBackend, type BackendName } from './engine/backend.ts';
import { nativeKernelStatus, nativeKernelsEnabled } from './engine/native-kernels.ts';
import { runLoggedJob } from './job-log.ts';
import { TRAINING_STOP_GRACE_MS } from './pool.ts';
import { createQueue, parseScheduleJob, parseTrainJob, QUEUE_TRAIN_DEAD } from './queue.ts';
import { registerWorker, type RegisteredWorker } from './registry.ts';
import { runScheduleJob } from './scheduler.ts';
import { runDeadTrainJob, runTrainJob } from './train-job.ts';

/** Options of `startWorker`. */
export interface WorkerOptions {
  databaseUrl: string;
  workerId: string;
  logger: Logger;
  /** Preferred TensorFlow.js backend; falls back along tensorflow → wasm → cpu. */
  backend?: BackendName;
  /** Seconds between polls of each queue. Default 1. */
  pollingIntervalSeconds?: number;
  /** Slot of the worker pool that forked this process; stored in the worker registry. */
  slot?: number | null;
  /** Milliseconds between worker registry heartbeats (default `DEFAULT_WORKER_HEARTBEAT_MS`). */
  heartbeatMs?: number;
}

/** A running worker. */
export interface Worker {
  workerId: string;
  backend: BackendName;
  boss: PgBoss;
  /** Row of this process in the worker registry. */
  registration: RegisteredWorker;
  /**
   * Stops taking jobs and lets a running training finish for up to `graceMs`
   * (default 10 s); after that the training is aborted and its job goes back
   * to the queue for a retry.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a worker in this process: activates the TF backend once, then consumes the queues. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { databaseUrl, workerId } = options;
  const logger = options.logger.child({ workerId });
  const backend = await initBackend(options.backend);
  const native = backend === 'wasm' ? nativeKernelStatus() : null;
  // The workers page shows this label, so that a slow worker without the native kernels is easy to spot.
  const products = native?.active && native.avx512Products ? ', AVX-512 products' : '';
  const backendLabel = native?.active ? `wasm + native kernels (${path.basename(native.blas)}${products})` : backend;
  logger.info({ backend, nativeKernels: native, pid: process.pid }, 'worker starting');
  if (native !== null && !native.active && nativeKernelsEnabled()) {
    logger.warn({ reason: native.reason }, 'native training kernels are not active; training uses the slower wasm kernels');
  }

  const db = createPrisma(databaseUrl, { max: 3 });
  const registration = await registerWorker({
    db,
    name: workerId,
    backend: backendLabel,
    tfjsVersion: tfjsVersions.tfjs,
    slot: options.slot,
    heartbeatMs: options.heartbeatMs,
    logger,
  });
  const boss = await createQueue(databaseUrl, { logger });
  let abortTraining = false;
  const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 };

  const trainJob = (job: JobWithMetadata<unknown>, jobLogger: Logger) =>
    trainWithRegistry(registration, job, () =>
      runTrainJob({
        db,
        boss,
        job,
        backend,
        workerId,
        logger: jobLogger,
        shouldStop: () => abortTraining || job.signal.aborted,
        onEpoch: ({ epoch, epochs }) => registration.recordEpoch(epoch, epochs),
      }),
    );
  await boss.work(QUEUE_TRAIN, { localConcurrency: 1, batchSize: 1, includeMetadata: true, ...polling }, async ([job]) =>
    runLoggedJob(logger, job, (jobLogger) => trainJob(job, jobLogger)),
  );
  await boss.work(QUEUE_SCHEDULE, { localConcurrency: 1, batchSize: 1, includeMetadata: true, ...polling }, async ([job]) =>
    runLoggedJob(logger, job, (jobLogger) => scheduleJob(db, boss, job, jobLogger)),
  );
  await boss.work(QUEUE_TRAIN_DEAD, { batchSize: 1, includeMetadata: true, ...polling }, async ([job]) =>
    runLoggedJob(logger, job, (jobLogger) => runDeadTrainJob({ db, boss, job, logger: jobLogger })),
  );
  logger.info({ backend, queues: [QUEUE_TRAIN, QUEUE_SCHEDULE, QUEUE_TRAIN_DEAD] }, 'worker started');

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = TRAINING_STOP_GRACE_MS): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ graceMs }, 'worker stopping');
      const abortTimer = setTimeout(() => {
        abortTraining = true;
      }, graceMs);
      try {
        await boss.stop({ graceful: true, timeout: graceMs + 5000 });
      } finally {
        clearTimeout(abortTimer);
        await registration.stop();
        await db.$disconnect();
      }
      logger.info('worker stopped');
    })();
    return stopping;
  };
  return { workerId, backend, boss, registration, stop };
}

/** Runs a training job with the registry showing its instance as this worker's current one. */
async function trainWithRegistry<T>(registration: RegisteredWorker, job: JobWithMetadata<unknown>, train: () => Promise<T>): Promise<T> {
  // An invalid payload fails inside `train` with the full error, so it is not registered here.
  const instanceId = safeInstanceId(job.data);
  if (instanceId !== null) await registration.startTraining(instanceId);
  try {
    return await train();
  } finally {
    if (instanceId !== null) await registration.endTraining();
  }
}

function safeInstanceId(data: unknown): string | null {
  try {
    return parseTrainJob(data).instanceId;
  } catch {
    return null;
  }
}

async function scheduleJob(db: Db, boss: PgBoss, job: JobWithMetadata<unknown>, logger: Logger) {
  const { experimentId } = parseScheduleJob(job.data);
  return runScheduleJob({ db, boss, experimentId, logger });
}

/** Starts a worker from the environment and stops it gracefully on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const env = parseEnv();
  const logger = pino({ level: env.LOG_LEVEL, base: { pid: process.pid } });
  if (env.DATABASE_URL === undefined) {
    logger.fatal('DATABASE_URL is missing: set it to the connection string of the Robustlab Postgres database.');
    process.exit(1);
  }

  const workerId = process.env.ROBUSTLAB_WORKER_ID ?? `${os.hostname()}-${process.pid}`;
  const slotText = process.env.ROBUSTLAB_WORKER_SLOT;
  const started = startWorker({
    databaseUrl: env.DATABASE_URL,
    workerId,
    logger,
    backend: env.TFJS_BACKEND,
    slot: slotText !== undefined && /^\d+$/.test(slotText) ? Number(slotText) : null,
    heartbeatMs: env.WORKER_HEARTBEAT_SECONDS * 1000,
  });

  // Installed before the start completes, so a stop signal during start-up still
  // marks the worker stopped in the registry instead of killing the process.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal, workerId }, 'stop signal received');
      started
        .then((worker) => worker.stop())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error, workerId }, 'worker stop failed');
            process.exit(1);
          },
        );
    });
  }
  await started;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    // pino may not exist yet when the environment is invalid, so write the error plainly.
    process.stderr.write(`Worker process failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
