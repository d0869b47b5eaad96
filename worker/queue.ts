/**
 * The pg-boss queues of the worker: scheduling jobs (decide the next
 * selection step of an experiment) and training jobs (train one instance).
 *
 * A dead worker is detected by job heartbeats. pg-boss refreshes
 * `heartbeat_on` of a running job every `heartbeatSeconds / 2` seconds. The
 * supervisor of any live PgBoss fails a job whose heartbeat is older than
 * `heartbeatSeconds`, and the failed job runs again after `retryDelay`.
 */
import { PgBoss, type Db as BossDb, type Queue, type SendOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  QUEUE_SCHEDULE,
  QUEUE_TRAIN,
  scheduleJobSchema,
  trainJobSchema,
  type ScheduleJob,
  type TrainJob,
} from '../lib/config.ts';

/** Training jobs that failed for good (retries used up or worker lost on the last try) land here. */
export const QUEUE_TRAIN_DEAD = 'train-instance-dead';

/** Postgres schema of pg-boss's tables. */
const BOSS_SCHEMA = 'pgboss';

/** Most training jobs per insert statement. */
const INSERT_CHUNK_SIZE = 1000;

/** Seconds between supervisor passes. With `TRAIN_HEARTBEAT_SECONDS` it bounds how long a lost job waits. */
const SUPERVISE_INTERVAL_SECONDS = 10;

/**
 * Seconds without a heartbeat after which a training job counts as lost.
 * pg-boss 12 rejects values below 10. A worker's event loop can stall for
 * several seconds while it loads or generates a dataset, and longer on a
 * loaded machine. At 10 s such a live worker lost its job, so 30 s trades a
 * later detection of dead workers for that.
 */
const TRAIN_HEARTBEAT_SECONDS = 30;

/**
 * Training queue: one live job per instance (`exclusive` with the instance id
 * as singleton key). By these settings a killed worker's job is failed by the
 * supervisor 30-40 s after its last heartbeat and retried 5 s later.
 */
export const TRAIN_QUEUE_OPTIONS = {
  policy: 'exclusive',
  retryLimit: 3,
  retryDelay: 5,
  heartbeatSeconds: TRAIN_HEARTBEAT_SECONDS,
  // Heartbeats catch dead workers, so the expiration only bounds a hung training.
  expireInSeconds: 6 * 60 * 60,
  deadLetter: QUEUE_TRAIN_DEAD,
} satisfies Omit<Queue, 'name'>;

/**
 * Scheduling queue: `stately` with the experiment id as singleton key keeps
 * at most one queued and one running scheduling job per experiment.
 */
export const SCHEDULE_QUEUE_OPTIONS = {
  policy: 'stately',
  retryLimit: 5,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 60,
  // A scheduling job takes well under a second, so a lost one is noticed by its heartbeat.
  heartbeatSeconds: 10,
  expireInSeconds: 5 * 60,
} satisfies Omit<Queue, 'name'>;

const DEAD_QUEUE_OPTIONS = {
  policy: 'standard',
  retryLimit: 5,
  retryDelay: 5,
  expireInSeconds: 5 * 60,
} satisfies Omit<Queue, 'name'>;

/** Options of `createQueue`. */
export interface CreateQueueOptions {
  logger: Logger;
  /** Connections of pg-boss's own pool. Default 4. */
  maxConnections?: number;
}

/**
 * Starts a PgBoss on `databaseUrl` (installing or migrating its schema) and
 * creates the scheduling, training and dead-letter queues if they do not
 * exist. Options of existing queues are updated to the current ones, except
 * the policy, which pg-boss cannot change.
 */
export async function createQueue(databaseUrl: string, options: CreateQueueOptions): Promise<PgBoss> {
  const { logger } = options;
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: BOSS_SCHEMA,
    max: options.maxConnections ?? 4,
    application_name: 'robustlab-worker',
    superviseIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
    monitorIntervalSeconds: SUPERVISE_INTERVAL_SECONDS,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'pg-boss error'));
  boss.on('warning', (warning) => logger.warn({ warning: warning.data }, `pg-boss warning: ${warning.message}`));
  await boss.start();

  // The dead-letter queue must exist before a queue can name it.
  await ensureQueue(boss, QUEUE_TRAIN_DEAD, DEAD_QUEUE_OPTIONS);
  await ensureQueue(boss, QUEUE_TRAIN, TRAIN_QUEUE_OPTIONS);
  await ensureQueue(boss, QUEUE_SCHEDULE, SCHEDULE_QUEUE_OPTIONS);
  return boss;
}

async function ensureQueue(boss: PgBoss, name: string, options: Omit<Queue, 'name'>): Promise<void> {
  await boss.createQueue(name, options);
  const { policy: _policy, ...updatable } = options;
  await boss.updateQueue(name, updatable);
}

/** Options of the send helpers. */
export interface EnqueueOptions {
  /** Database handle of a transaction, so the job is created only if it commits (pg-boss `db` option). */
  db?: BossDb;
}

/**
 * Enqueues a scheduling job for an experiment. Returns the job id, or null
 * when a scheduling job of this experiment is already queued.
 */
export async function sendSchedule(boss: PgBoss, experimentId: string, options: EnqueueOptions = {}): Promise<string | null> {
  const data = parsePayload(scheduleJobSchema, { experimentId }, QUEUE_SCHEDULE);
  const sendOptions: SendOptions = { singletonKey: data.experimentId, db: options.db };
  return boss.send(QUEUE_SCHEDULE, data, sendOptions);
}

/**
 * Enqueues the training job of an instance. Returns the job id, or null when
 * a job of this instance is already queued or running.
 */
export async function sendTrain(boss: PgBoss, payload: TrainJob, options: EnqueueOptions = {}): Promise<string | null> {
  const data = parsePayload(trainJobSchema, payload, QUEUE_TRAIN);
  const sendOptions: SendOptions = { singletonKey: data.instanceId, db: options.db };
  return boss.send(QUEUE_TRAIN, data, sendOptions);
}

/**
 * Enqueues the training jobs of many instances with one insert per chunk.
 * Instances that already have a queued or running job are skipped by the
 * queue's singleton rule.
 */
export async function sendTrainBatch(boss: PgBoss, payloads: readonly TrainJob[]): Promise<void> {
  const jobs = payloads.map((payload) => {
    const data = parsePayload(trainJobSchema, payload, QUEUE_TRAIN);
    return { data, singletonKey: data.instanceId };
  });
  for (let start = 0; start < jobs.length; start += INSERT_CHUNK_SIZE) {
    await boss.insert(QUEUE_TRAIN, jobs.slice(start, start + INSERT_CHUNK_SIZE));
  }
}

/**
 * Returns the ids among `instanceIds` whose training job is queued, waiting
 * for a retry or running.
 */
export async function findLiveTrainJobs(boss: PgBoss, instanceIds: readonly string[]): Promise<Set<string>> {
  if (instanceIds.length === 0) return new Set();

  // NOTE: pg-boss 12 has no public lookup by many singleton keys, so this reads its job table.
  const { rows } = await boss.getDb().executeSql(
    `SELECT singleton_key FROM ${BOSS_SCHEMA}.job
      WHERE name = $1 AND state IN ('created', 'retry', 'active') AND singleton_key = ANY($2::text[])`,
    [QUEUE_TRAIN, instanceIds],
  );
  return new Set(rows.map((row: { singleton_key: string }) => row.singleton_key));
}

/** Validates the payload of a received scheduling job. */
export function parseScheduleJob(data: unknown): ScheduleJob {
  return parsePayload(scheduleJobSchema, data, QUEUE_SCHEDULE);
}

/** Validates the payload of a received training job (also used for its dead letters). */
export function parseTrainJob(data: unknown): TrainJob {
  return parsePayload(trainJobSchema, data, QUEUE_TRAIN);
}

function parsePayload<T>(schema: z.ZodType<T>, data: unknown, queue: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`);
  throw new Error(`Invalid payload of a '${queue}' job ${JSON.stringify(data)}: ${problems.join('; ')}`);
}
