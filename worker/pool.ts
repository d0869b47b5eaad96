/**
 * The worker pool: one forked worker process per slot, because TensorFlow.js
 * trains on one thread per process in Node. A crashed process is started
 * again after a backoff.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const PROCESS_ENTRY = fileURLToPath(new URL('./process.ts', import.meta.url));

/** First restart delay after a crash. It doubles with each crash in a row, up to `MAX_RESTART_DELAY_MS`. */
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A process that ran this long before it crashed restarts after the first delay again. */
const STABLE_RUN_MS = 60_000;
/** How long a stopping worker process lets a running training continue before it aborts it, in ms. */
export const TRAINING_STOP_GRACE_MS = 10_000;
/** How long `stop()` waits for a process to exit after SIGTERM before it sends SIGKILL. */
const STOP_TIMEOUT_MS = 30_000;

/** Options of `startWorkerPool`. */
export interface WorkerPoolOptions {
  databaseUrl: string;
  /** Number of worker processes. */
  concurrency: number;
  logger: Logger;
  /** Extra environment of the worker processes, for example TFJS_BACKEND. */
  env?: Record<string, string>;
  /** Receives each log line of the worker processes (JSON from pino); default: written to stdout. */
  onLogLine?: (line: string) => void;
}

/** A running worker pool. */
export interface WorkerPool {
  /** Process ids of the worker processes running now. */
  pids(): number[];
  /** Sends SIGTERM to every worker process and waits until all have exited. */
  stop(): Promise<void>;
}

interface Slot {
  index: number;
  child: ChildProcess | null;
  crashesInRow: number;
  restartTimer: NodeJS.Timeout | null;
}

/** Forks `concurrency` worker processes running worker/process.ts with tsx. */
export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { databaseUrl, concurrency, logger } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Invalid worker concurrency ${concurrency}: expected an integer of at least 1.`);
  }
  const writeLine = options.onLogLine ?? ((line: string) => process.stdout.write(`${line}\n`));
  let stopping = false;

  const spawn = (slot: Slot): void => {
    const startedAt = Date.now();
    const child = fork(PROCESS_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...options.env, DATABASE_URL: databaseUrl, ROBUSTLAB_WORKER_SLOT: String(slot.index) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    slot.child = child;
    logger.info({ slot: slot.index, pid: child.pid }, 'worker process started');

    createInterface({ input: child.stdout! }).on('line', writeLine);
    createInterface({ input: child.stderr! }).on('line', (line) => logger.warn({ slot: slot.index, pid: child.pid, stderr: line }, 'worker process stderr'));

    child.once('exit', (code, signal) => {
      slot.child = null;
      if (stopping) return;

      slot.crashesInRow = Date.now() - startedAt >= STABLE_RUN_MS ? 1 : slot.crashesInRow + 1;
      const delayMs = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (slot.crashesInRow - 1));
      logger.error({ slot: slot.index, pid: child.pid, code, signal, restartInMs: delayMs }, 'worker process exited; restarting');
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = null;
        if (!stopping) spawn(slot);
      }, delayMs);
    });
  };

  const slots: Slot[] = Array.from({ length: concurrency }, (_, index) => ({ index, child: null, crashesInRow: 0, restartTimer: null }));
  for (const slot of slots) spawn(slot);

  return {
    pids: () => slots.flatMap((slot) => (slot.child?.pid === undefined ? [] : [slot.child.pid])),
    async stop() {
      stopping = true;
      await Promise.all(slots.map((slot) => stopSlot(slot, logger)));
    },
  };
}

async function stopSlot(slot: Slot, logger: Logger): Promise<void> {
  if (slot.restartTimer !== null) clearTimeout(slot.restartTimer);
  const child = slot.child;
  if (child === null || child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => {
    logger.warn({ slot: slot.index, pid: child.pid }, 'worker process did not stop in time; sending SIGKILL');
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killTimer);
}
