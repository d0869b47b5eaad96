import os from 'node:os';
import { z } from 'zod';

const envSchema = z.object({
  /** Postgres connection string; when missing, `npm start` launches an embedded Postgres. */
  DATABASE_URL: z.string().url().optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Training worker processes started by `npm start` and `npm run worker`. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(os.availableParallelism()),
  /** Preferred TensorFlow.js backend; the worker falls back when it does not load. */
  TFJS_BACKEND: z.enum(['tensorflow', 'wasm', 'cpu']).optional(),
  /** Create and start the demo study on first start (`0` turns it off). */
  ROBUSTLAB_DEMO: z.enum(['0', '1']).default('1'),
  /** Folder of the embedded Postgres data, relative to the project. */
  ROBUSTLAB_DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Logs of `npm start`: `console` writes JSON logs to <data folder>/logs/robustlab.log and shows
   * warnings and errors on the console; `json` prints every JSON log line to stdout.
   */
  ROBUSTLAB_LOG_FORMAT: z.enum(['console', 'json']).default('console'),
});

export type Env = z.infer<typeof envSchema>;

/** Parses the environment once; a bad value fails fast with its variable name. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}
