/**
 * Upload limits, read from the environment by server/env.ts at start-up. A
 * file over a limit is rejected while it streams in, before anything is stored.
 */
import { z } from 'zod';

const positiveInteger = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a positive integer' })
    .int({ error: 'expected a positive integer' })
    .positive({ error: 'expected a positive integer' })
    .default(fallback);

/** The ROBUSTLAB_UPLOAD_* variables, part of the environment schema of server/env.ts. */
export const uploadLimitsEnvShape = {
  /** Maximum bytes of one upload request body (all its files together). */
  ROBUSTLAB_UPLOAD_MAX_BYTES: positiveInteger(256 * 1024 * 1024),
  /** Maximum samples (CSV data rows or the first .npy axis) of one file. */
  ROBUSTLAB_UPLOAD_MAX_ROWS: positiveInteger(1_000_000),
  /** Maximum CSV columns, target included. */
  ROBUSTLAB_UPLOAD_MAX_COLUMNS: positiveInteger(1000),
  /** Maximum characters of one CSV record. */
  ROBUSTLAB_UPLOAD_MAX_LINE_CHARS: positiveInteger(1024 * 1024),
  /** Maximum values of one sample after one-hot encoding (the input size). */
  ROBUSTLAB_UPLOAD_MAX_FEATURES: positiveInteger(4096),
  /** Maximum distinct values of a categorical feature column. */
  ROBUSTLAB_UPLOAD_MAX_CATEGORIES: positiveInteger(256),
};

const limitsSchema = z.object(uploadLimitsEnvShape);

/** Limits of one upload. */
export interface UploadLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
  maxLineChars: number;
  maxFeatures: number;
  maxCategories: number;
}

/** Parses only the upload limits, for scripts that do not parse the whole environment; a bad value throws naming the variable. */
export function parseUploadLimits(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  const result = limitsSchema.safeParse(env);
  if (!result.success) {
    const name = String(result.error.issues[0].path[0]);
    throw new Error(`Invalid ${name} ${JSON.stringify(env[name])}: ${result.error.issues[0].message}.`);
  }
  return uploadLimitsFromEnv(result.data);
}

/** Converts the parsed ROBUSTLAB_UPLOAD_* variables to upload limits. */
export function uploadLimitsFromEnv(values: z.infer<typeof limitsSchema>): UploadLimits {
  return {
    maxBytes: values.ROBUSTLAB_UPLOAD_MAX_BYTES,
    maxRows: values.ROBUSTLAB_UPLOAD_MAX_ROWS,
    maxColumns: values.ROBUSTLAB_UPLOAD_MAX_COLUMNS,
    maxLineChars: values.ROBUSTLAB_UPLOAD_MAX_LINE_CHARS,
    maxFeatures: values.ROBUSTLAB_UPLOAD_MAX_FEATURES,
    maxCategories: values.ROBUSTLAB_UPLOAD_MAX_CATEGORIES,
  };
}
