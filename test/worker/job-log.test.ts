/** Log records of runLoggedJob: a training stopped for shutdown is no job failure. */
import { Writable } from 'node:stream';
import type { JobWithMetadata } from 'pg-boss';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { TrainingStoppedError } from '../../worker/engine/epoch.ts';
import { runLoggedJob } from '../../worker/job-log.ts';

type LogRecord = { level: number; msg: string; willRetry?: boolean; jobId?: string; err?: unknown };

/** Creates a real pino logger that keeps its JSON records in memory. */
function capturingLogger() {
  const records: LogRecord[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), records };
}

function jobAt(attempt: number, maxAttempts: number): JobWithMetadata<unknown> {
  return { id: 'job-1', name: 'train', data: {}, retryCount: attempt - 1, retryLimit: maxAttempts - 1 } as JobWithMetadata<unknown>;
}

const INFO = 30;
const WARN = 40;
const ERROR = 50;

describe('runLoggedJob', () => {
  test('stopped training logs info, not failure', async () => {
    const { logger, records } = capturingLogger();

    const run = runLoggedJob(logger, jobAt(1, 3), async () => {
      throw new TrainingStoppedError();
    });

    await expect(run).rejects.toBeInstanceOf(TrainingStoppedError);
    const last = records.at(-1)!;
    expect(last.msg).toBe('training stopped for shutdown; the job will run again');
    expect(last.level).toBe(INFO);
    expect(last.willRetry).toBe(true);
    expect(last.jobId).toBe('job-1');
    expect(records.some((record) => record.level >= ERROR)).toBe(false);
  });

  test('stop on the last attempt warns', async () => {
    const { logger, records } = capturingLogger();

    await expect(runLoggedJob(logger, jobAt(3, 3), async () => Promise.reject(new TrainingStoppedError()))).rejects.toThrow();

    const last = records.at(-1)!;
    expect(last.level).toBe(WARN);
    expect(last.msg).toContain('will not run again');
  });

  test('other errors log job failed', async () => {
    const { logger, records } = capturingLogger();

    await expect(runLoggedJob(logger, jobAt(1, 3), async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');

    const last = records.at(-1)!;
    expect(last.level).toBe(ERROR);
    expect(last.msg).toBe('job failed');
    expect(last.err).toMatchObject({ message: 'disk full' });
  });
});
