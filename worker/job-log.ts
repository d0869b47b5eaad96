import type { JobWithMetadata } from 'pg-boss';
import type { Logger } from 'pino';
import { TrainingStoppedError } from './engine/epoch.ts';

/**
 * Runs a job handler with a child logger that carries the job id, queue and
 * attempt of max, and logs its start, success and failure the same way, each
 * with the duration in milliseconds. A training stopped because the worker
 * stops is logged as such, not as a failure. The handler's error is rethrown
 * so pg-boss retries or fails the job.
 */
export async function runLoggedJob<T>(
  logger: Logger,
  job: JobWithMetadata<unknown>,
  handler: (jobLogger: Logger) => Promise<T>,
): Promise<T> {
  const attempt = job.retryCount + 1;
  const maxAttempts = job.retryLimit + 1;
  const jobLogger = logger.child({ jobId: job.id, queue: job.name, attempt, maxAttempts });
  const started = performance.now();
  jobLogger.info({ data: job.data }, 'job started');

  try {
    const outcome = await handler(jobLogger);
    jobLogger.info({ durationMs: Math.round(performance.now() - started), outcome }, 'job succeeded');
    return outcome;
  } catch (error) {
    const willRetry = attempt < maxAttempts;
    const durationMs = Math.round(performance.now() - started);
    if (error instanceof TrainingStoppedError) {
      // A stop of the worker (Ctrl-C, SIGTERM) aborts the training on purpose, so only a stop on the last attempt loses the job.
      if (willRetry) jobLogger.info({ durationMs, willRetry }, 'training stopped for shutdown; the job will run again');
      else jobLogger.warn({ durationMs, willRetry }, 'training stopped for shutdown on its last attempt; the job will not run again');
    } else {
      jobLogger.error({ durationMs, err: error, willRetry }, 'job failed');
    }
    throw error;
  }
}
