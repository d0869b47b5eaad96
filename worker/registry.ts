/**
 * The worker registry. Each worker process stores a row in `workers` when it
 * starts, refreshes its heartbeat while it runs, records the instance it
 * trains, and marks itself stopped when it shuts down. A process that crashes
 * or is killed stops sending heartbeats. Readers treat it as lost after
 * `WORKER_EXPIRY_INTERVALS` heartbeat intervals, and the next heartbeat of any
 * live worker marks it `lost` in the table.
 *
 * Every timestamp comes from the database clock, so workers on machines with
 * skewed clocks still agree on which heartbeats have expired.
 */
import os from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../server/db.ts';

/** Default milliseconds between two heartbeats of a worker process. */
export const DEFAULT_WORKER_HEARTBEAT_MS = 10_000;

/**
 * A worker whose last heartbeat is older than this many of its own intervals
 * is lost. Three intervals leave room for a slow training step, which delays
 * the heartbeat timer until the step yields to the event loop.
 */
export const WORKER_EXPIRY_INTERVALS = 3;

/** Rows of workers that stopped or were lost this many days ago are deleted. */
export const ENDED_WORKER_RETENTION_DAYS = 7;

/** Options of `registerWorker`. */
export interface RegisterWorkerOptions {
  db: Db;
  /** Worker id that the process stores on the instances it trains. */
  name: string;
  /** TensorFlow.js backend that `initBackend` activated. */
  backend: string;
  tfjsVersion: string;
  /** Slot of the worker pool that forked this process, if any. */
  slot?: number | null;
  heartbeatMs?: number;
  logger: Logger;
}

/** The registry row of this process and the updates a worker makes to it. */
export interface RegisteredWorker {
  /** Id of the row in `workers`. */
  readonly id: string;
  /** Records that the process started training an instance. */
  startTraining(instanceId: string): Promise<void>;
  /** Notes a finished epoch of the current instance. The next heartbeat stores it. */
  recordEpoch(epoch: number, epochs: number): void;
  /** Records that the current training job ended, whatever its outcome. */
  endTraining(): Promise<void>;
  /** Stops the heartbeats and marks the row stopped. */
  stop(): Promise<void>;
}

interface TrainingState {
  instanceId: string;
  epoch: number | null;
  epochs: number | null;
}

/** Registers this process in `workers` and starts its heartbeat timer. */
export async function registerWorker(options: RegisterWorkerOptions): Promise<RegisteredWorker> {
  const { db, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_WORKER_HEARTBEAT_MS;
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 100) {
    throw new RangeError(`Invalid worker heartbeat interval ${heartbeatMs} ms: expected an integer of at least 100.`);
  }

  const row = await db.worker.create({
    data: {
      name: options.name,
      host: os.hostname(),
      pid: process.pid,
      slot: options.slot ?? null,
      backend: options.backend,
      tfjsVersion: options.tfjsVersion,
      heartbeatIntervalMs: heartbeatMs,
    },
    select: { id: true },
  });
  const workerId = row.id;
  let training: TrainingState | null = null;
  let stopped = false;

  // Writes run one after another, so an older heartbeat never overwrites a newer state.
  let writes: Promise<void> = Promise.resolve();
  let failuresInRow = 0;
  const enqueue = (what: string, write: () => Promise<unknown>): Promise<void> => {
    writes = writes.then(write).then(
      () => {
        if (failuresInRow > 0) logger.info({ registryWorkerId: workerId, failuresInRow }, 'worker registry writes recovered');
        failuresInRow = 0;
      },
      (error: unknown) => {
        failuresInRow++;
        // During a database outage every heartbeat fails, so only the first and every 30th failure is logged.
        if (failuresInRow === 1 || failuresInRow % 30 === 0) {
          logger.warn({ err: error, registryWorkerId: workerId, failuresInRow }, `worker registry ${what} failed`);
        }
      },
    );
    return writes;
  };

  /**
   * Stores the in-memory state with a fresh heartbeat. A row marked lost
   * during a long pause comes back to life, but a stopped row stays stopped.
   */
  const writeState = (event: 'heartbeat' | 'trainingStarted' | 'trainingEnded') => {
    const instanceId = training?.instanceId ?? null;
    return db.$executeRaw`
      UPDATE workers
         SET status = ${training === null ? 'idle' : 'busy'}::"WorkerStatus",
             heartbeat_at = now(),
             ended_at = NULL,
             -- NULL when the instance was deleted meanwhile, which the foreign key would reject.
             current_instance_id = (SELECT id FROM instances WHERE id = ${instanceId}::uuid),
             current_started_at = CASE WHEN ${event === 'trainingStarted'} THEN now()
                                       WHEN ${instanceId}::uuid IS NULL THEN NULL
                                       ELSE current_started_at END,
             current_epoch = ${training?.epoch ?? null}::integer,
             current_epochs = ${training?.epochs ?? null}::integer,
             training_count = training_count + ${event === 'trainingEnded' ? 1 : 0}
       WHERE id = ${workerId}::uuid AND status <> 'stopped'`;
  };

  const heartbeat = () =>
    enqueue('heartbeat', async () => {
      await writeState('heartbeat');
      await sweepWorkers(db);
    });

  const timer = setInterval(() => void heartbeat(), heartbeatMs);
  timer.unref();
  logger.info({ registryWorkerId: workerId, heartbeatMs }, 'worker registered');

  return {
    id: workerId,
    startTraining(instanceId) {
      training = { instanceId, epoch: null, epochs: null };
      return enqueue('training start', () => writeState('trainingStarted'));
    },
    recordEpoch(epoch, epochs) {
      if (training !== null) training = { ...training, epoch, epochs };
    },
    endTraining() {
      training = null;
      return enqueue('training end', () => writeState('trainingEnded'));
    },
    async stop() {
      if (stopped) return writes;
      stopped = true;
      clearInterval(timer);
      training = null;
      await enqueue('stop', () =>
        db.$executeRaw`
          UPDATE workers
             SET status = 'stopped', ended_at = now(), heartbeat_at = now(),
                 current_instance_id = NULL, current_started_at = NULL, current_epoch = NULL, current_epochs = NULL
           WHERE id = ${workerId}::uuid`,
      );
      logger.info({ registryWorkerId: workerId }, 'worker unregistered');
    },
  };
}

/**
 * Marks workers lost whose heartbeat expired and deletes rows that ended more
 * than `ENDED_WORKER_RETENTION_DAYS` ago. Returns the number of rows marked lost.
 */
export async function sweepWorkers(db: Db): Promise<number> {
  const lost = await db.$executeRaw`
    UPDATE workers
       SET status = 'lost', ended_at = heartbeat_at,
           current_instance_id = NULL, current_started_at = NULL, current_epoch = NULL, current_epochs = NULL
     WHERE status IN ('idle', 'busy')
       AND heartbeat_at < now() - make_interval(secs => heartbeat_interval_ms * ${WORKER_EXPIRY_INTERVALS} / 1000.0)`;
  await db.$executeRaw`
    DELETE FROM workers
     WHERE status IN ('stopped', 'lost') AND ended_at < now() - make_interval(days => ${ENDED_WORKER_RETENTION_DAYS})`;
  return lost;
}
