/**
 * Logging of `npm start`: the console is for people, so JSON logs go to a
 * file and the console shows only warnings and errors, one short line each.
 * LOG_LEVEL=debug (or trace) or ROBUSTLAB_LOG_FORMAT=json print every JSON
 * log line to stdout instead, for log shipping.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { Env } from './env.ts';

/** pino's numeric level of `warn`; lines at this level or above reach the console. */
const WARN_LEVEL = 40;

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Prints a human-readable line of `npm start` (start-up, demo progress, shutdown) to stdout, apart from the JSON logs. */
export function printConsoleLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Loggers of `npm start`. */
export interface StartLogging {
  logger: Logger;
  /** Receives one JSON log line of a worker process. */
  writeWorkerLine(line: string): void;
  /** The log file, or null when JSON goes to stdout. */
  logFile: string | null;
}

/** Name of the main process in the `process` field of its log lines; web processes are `web 1`, `web 2`, … */
export const MAIN_PROCESS_NAME = 'main';

/**
 * Chooses where the logs of `npm start` go; the log file is `<dataDir>/logs/robustlab.log`.
 * Every line names its `process`, because web processes write to the same file through this one.
 */
export function createStartLogging({ env, dataDir, service }: { env: Env; dataDir: string; service: string }): StartLogging {
  const base = { service, process: MAIN_PROCESS_NAME };
  if (env.ROBUSTLAB_LOG_FORMAT === 'json' || env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace') {
    return {
      logger: pino({ level: env.LOG_LEVEL, base }),
      writeWorkerLine: (line) => process.stdout.write(`${line}\n`),
      logFile: null,
    };
  }

  const logFile = path.join(dataDir, 'logs', 'robustlab.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  const file = pino.destination({ dest: logFile, append: true, sync: true });
  const consoleStream = new Writable({
    write(chunk, _encoding, done) {
      const line = formatConsoleLine(String(chunk), logFile);
      if (line !== null) process.stderr.write(`${line}\n`);
      done();
    },
  });
  const logger = pino(
    { level: env.LOG_LEVEL, base },
    pino.multistream([
      { level: env.LOG_LEVEL === 'silent' ? 'fatal' : env.LOG_LEVEL, stream: file },
      { level: 'warn', stream: consoleStream },
    ]),
  );

  return {
    logger,
    writeWorkerLine(line) {
      file.write(`${line}\n`);
      const consoleLine = formatConsoleLine(line, logFile);
      if (consoleLine !== null) process.stderr.write(`${consoleLine}\n`);
    },
    logFile,
  };
}

/**
 * Creates the logger of a forked web process: JSON lines on stdout, which the
 * main process reads line by line and passes to `writeWorkerLine` of its
 * StartLogging, so one process writes the log file and lines never interleave.
 * The `pid` distinguishes a restarted web process from the one it replaced.
 */
export function createWebProcessLogger({ env, service, processName }: { env: Env; service: string; processName: string }): Logger {
  return pino({ level: env.LOG_LEVEL, base: { service, process: processName, pid: process.pid } }, pino.destination({ fd: 1, sync: true }));
}

/**
 * Turns a JSON log line at warn or above into `WARN message (error: ...)`,
 * without stacks, which stay in the log file. Returns null for lower levels.
 * A line that is not JSON, such as a crash message, is returned as it is.
 */
export function formatConsoleLine(jsonLine: string, logFile: string): string | null {
  let entry: { level?: number; msg?: string; err?: { message?: string }; slot?: number; workerId?: string; webProcess?: number; process?: string; stderr?: string };
  try {
    entry = JSON.parse(jsonLine);
  } catch {
    return jsonLine.trimEnd();
  }
  if (typeof entry.level !== 'number' || entry.level < WARN_LEVEL) return null;

  // The main process names a web process in `webProcess`, and the lines of a web process carry its name in `process`.
  let webProcess: string | undefined;
  if (entry.webProcess !== undefined) webProcess = `web ${entry.webProcess}`;
  else if (entry.process !== MAIN_PROCESS_NAME) webProcess = entry.process;
  const source = entry.workerId ?? (entry.slot !== undefined ? `worker ${entry.slot}` : webProcess);
  const prefix = `${LEVEL_NAMES[entry.level] ?? `LEVEL ${entry.level}`}${source ? ` [${source}]` : ''}`;
  const stderr = entry.stderr ? `: ${entry.stderr}` : '';
  const error = entry.err?.message ? ` (error: ${entry.err.message})` : '';
  const details = entry.err ? `; details in ${logFile}` : '';
  return `${prefix} ${entry.msg ?? ''}${stderr}${error}${details}`;
}
