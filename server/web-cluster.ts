/**
 * The web processes of `npm start` when ROBUSTLAB_WEB_PROCESSES is 2 or more:
 * the main process forks them with node:cluster, and they share its HTTP
 * port (the main process hands each new connection to one of them, in turn
 * on Linux). A web process that exits while Robustlab is not stopping is
 * logged and started again. Each web process writes its JSON log lines to
 * stdout, and the main process writes them to the one log file, so lines of
 * different processes never interleave.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';

const WEB_PROCESS_ENTRY = fileURLToPath(new URL('./web-process.ts', import.meta.url));

/** Environment variable that carries the number of a web process, from 1. */
export const WEB_PROCESS_VARIABLE = 'ROBUSTLAB_WEB_PROCESS';

/** Message from the main process that requests a web process to shut down. */
export const STOP_MESSAGE = 'robustlab:stop';

/** Time a web process gets to stop after the stop message before it is killed, in ms. */
const STOP_TIMEOUT_MS = 20_000;

/** Delay before the first restart of a web process that exited, in ms; it doubles for each quick exit in a row. */
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;

/** A web process that ran this long before it exited counts as stable, so its restart delay starts over, in ms. */
const STABLE_RUN_MS = 60_000;

/** The running web processes. */
export interface WebCluster {
  /** Process ids of the running web processes. */
  pids(): number[];
  /** Sends every web process the stop message and resolves when all have exited. */
  stop(): Promise<void>;
}

interface Slot {
  /** Number of the web process, from 1; it stays the same across restarts. */
  number: number;
  worker: Worker | null;
  quickExitsInRow: number;
  restartTimer: NodeJS.Timeout | null;
}

/**
 * Forks `count` web processes and resolves once each of them listens on the
 * shared port. Rejects when a web process exits before it listens, for
 * example because the port is taken; its error is in the log.
 */
export async function startWebCluster({
  count,
  databaseUrl,
  logger,
  onLogLine,
  isStopping,
}: {
  count: number;
  databaseUrl: string;
  logger: Logger;
  /** Receives each JSON log line of a web process. */
  onLogLine: (line: string) => void;
  /** Returns whether Robustlab is shutting down, so an exit is expected and no restart follows. */
  isStopping: () => boolean;
}): Promise<WebCluster> {
  // A larger young generation halves the scavenges of short-lived request objects.
  cluster.setupPrimary({ exec: WEB_PROCESS_ENTRY, execArgv: ['--import', 'tsx', '--max-semi-space-size=32'], args: [], silent: true });
  let stopping = false;
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ number: index + 1, worker: null, quickExitsInRow: 0, restartTimer: null }));

  // `firstStart` marks the forks of the start-up, whose failure fails the start instead of a restart.
  const fork = (slot: Slot, firstStart: boolean): Promise<void> => {
    const startedAt = Date.now();
    let listening = false;
    // Production mode skips graphql-js's development checks on every request.
    const worker = cluster.fork({
      DATABASE_URL: databaseUrl,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      [WEB_PROCESS_VARIABLE]: String(slot.number),
    });
    slot.worker = worker;
    const pid = worker.process.pid;
    logger.info({ webProcess: slot.number, pid }, 'web process started');

    createInterface({ input: worker.process.stdout! }).on('line', (line) => {
      // Next.js prints plain text lines such as "✓ Running next.config.js"; they go into the log as fields.
      if (line.startsWith('{')) onLogLine(line);
      else logger.info({ webProcess: slot.number, pid, stdout: line }, 'web process output');
    });
    createInterface({ input: worker.process.stderr! }).on('line', (line) => logger.warn({ webProcess: slot.number, pid, stderr: line }, 'web process stderr'));

    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      worker.once('exit', (code, signal) => resolve({ code, signal }));
    });
    void exited.then(({ code, signal }) => {
      slot.worker = null;
      if (stopping || isStopping() || (firstStart && !listening)) return;

      slot.quickExitsInRow = Date.now() - startedAt >= STABLE_RUN_MS ? 1 : slot.quickExitsInRow + 1;
      const delayMs = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (slot.quickExitsInRow - 1));
      logger.error({ webProcess: slot.number, pid, code, signal, restartInMs: delayMs }, 'web process exited; restarting');
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = null;
        // A shutdown may have begun while this timer ran, for example when Ctrl-C reached the web process first.
        if (!stopping && !isStopping()) void fork(slot, false).catch(() => {});
      }, delayMs);
    });

    return new Promise<void>((resolve, reject) => {
      worker.once('listening', () => {
        listening = true;
        logger.info({ webProcess: slot.number, pid }, 'web process listening');
        resolve();
      });
      void exited.then(({ code, signal }) => {
        reject(new Error(`Web process ${slot.number} (pid ${pid}) exited with ${signal ? `signal ${signal}` : `code ${code}`} before it listened; its error is above and in the log.`));
      });
    });
  };

  const webCluster: WebCluster = {
    pids: () => slots.flatMap((slot) => (slot.worker?.process.pid === undefined ? [] : [slot.worker.process.pid])),
    async stop() {
      stopping = true;
      await Promise.all(slots.map((slot) => stopSlot(slot, logger)));
    },
  };

  try {
    await Promise.all(slots.map((slot) => fork(slot, true)));
  } catch (error) {
    await webCluster.stop();
    throw error;
  }
  return webCluster;
}

async function stopSlot(slot: Slot, logger: Logger): Promise<void> {
  if (slot.restartTimer !== null) clearTimeout(slot.restartTimer);
  const worker = slot.worker;
  if (worker === null || worker.isDead()) return;

  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A message rather than SIGTERM: after Ctrl-C the web process may still be stopping, and a
  // signal that arrives more than a second after the first one makes it exit at once.
  if (worker.isConnected()) worker.send(STOP_MESSAGE);
  else worker.process.kill('SIGTERM');
  const killTimer = setTimeout(() => {
    logger.warn({ webProcess: slot.number, pid: worker.process.pid }, 'web process did not stop in time; sending SIGKILL');
    worker.process.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(killTimer);
}
