import os from 'node:os';
import { z } from 'zod';
import { uploadLimitsEnvShape } from './uploads/limits.ts';

const envSchema = z.object({
  /** Postgres connection string; when missing, `npm start` launches an embedded Postgres. */
  DATABASE_URL: z.string().url().optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Training worker processes started by `npm start` and `npm run worker`. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(os.availableParallelism()),
  /**
   * Web processes that `npm start` and `npm run web` fork to serve the dashboard and /graphql on one
   * port (node:cluster). `1` serves from the main process itself. Each web process opens up to 17
   * Postgres connections (Prisma 10, uploads 4, pg-boss 2, progress listener 1), so the default stops at 4.
   */
  ROBUSTLAB_WEB_PROCESSES: z.coerce.number().int().min(1).max(32).default(Math.min(os.availableParallelism(), 4)),
  /** Seconds between worker registry heartbeats. A worker is shown lost after 3 intervals without one. */
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** Preferred TensorFlow.js backend; the worker falls back when it does not load. */
  TFJS_BACKEND: z.enum(['tensorflow', 'wasm', 'cpu']).optional(),
  /** `off` keeps the wasm kernels on the wasm backend instead of the native ones (native/kernels.c). */
  ROBUSTLAB_NATIVE_KERNELS: z.string().trim().toLowerCase().pipe(z.enum(['', 'on', 'off'])).optional(),
  /**
   * `off` keeps every matrix product and convolution on the BLAS. `auto` lets the native kernels use
   * their own AVX-512 product on a CPU with AVX-512 whose BLAS is not OpenBLAS with AVX-512 kernels.
   */
  ROBUSTLAB_AVX512_PRODUCTS: z.string().trim().toLowerCase().pipe(z.enum(['', 'auto', 'off'])).optional(),
  /** Create and start the demo study on first start (`0` turns it off). */
  ROBUSTLAB_DEMO: z.enum(['0', '1']).default('1'),
  /** Folder of the embedded Postgres data, relative to the project. */
  ROBUSTLAB_DATA_DIR: z.string().default('.data'),
  /** Failed sign-ins per email address within ROBUSTLAB_SIGNIN_WINDOW_SECONDS; further attempts get RATE_LIMITED. */
  ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** Failed sign-ins per client IP address within ROBUSTLAB_SIGNIN_WINDOW_SECONDS. */
  ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /** Length of the sliding window of the sign-in rate limit, in seconds. */
  ROBUSTLAB_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** `open`: anyone may sign up. `closed`: only the first account of an empty install; `npm run user -- create` makes the others. */
  ROBUSTLAB_SIGNUP: z.enum(['open', 'closed']).default('open'),
  /** Sign-ups per client IP address within ROBUSTLAB_SIGNUP_WINDOW_SECONDS; further ones get RATE_LIMITED. */
  ROBUSTLAB_SIGNUP_MAX_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Length of the sliding window of the sign-up rate limit, in seconds. */
  ROBUSTLAB_SIGNUP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(604_800).default(3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Logs of `npm start`: `console` writes JSON logs to <data folder>/logs/robustlab.log and shows
   * warnings and errors on the console; `json` prints every JSON log line to stdout.
   */
  ROBUSTLAB_LOG_FORMAT: z.enum(['console', 'json']).default('console'),
  ...uploadLimitsEnvShape,
});

export type Env = z.infer<typeof envSchema>;

/** Parses the environment once; a bad value fails fast with its variable name. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}: ${issue.message} (got ${JSON.stringify(source[name])})`;
    });
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}
