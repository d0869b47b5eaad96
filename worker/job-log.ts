import type { JobWithMetadata } from 'pg-boss';
import type { Logger } from 'pino';

/**
 * Runs a job handler with a child logger that carries the job id, queue and
 * attempt of max, and logs its start, success and failure the same way, each
 * with the duration in milliseconds. The handler's error is rethrown so
 * pg-boss retries or fails the job.
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
    jobLogger.error({ durationMs: Math.round(performance.now() - started), err: error, willRetry }, 'job failed');
    throw error;
  }
}
