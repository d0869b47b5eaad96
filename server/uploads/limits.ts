/**
 * Upload limits, read once from the environment. A file over a limit is
 * rejected while it streams in, before anything is stored.
 */
import { z } from 'zod';

const positiveInteger = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const limitsSchema = z.object({
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
});

/** Limits of one upload. */
export interface UploadLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
  maxLineChars: number;
  maxFeatures: number;
  maxCategories: number;
}

/** Parses the upload limits; a bad value throws naming the variable. */
export function parseUploadLimits(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  const result = limitsSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid ${String(issue.path[0])}: ${issue.message}; expected a positive integer.`);
  }
  const values = result.data;
  return {
    maxBytes: values.ROBUSTLAB_UPLOAD_MAX_BYTES,
    maxRows: values.ROBUSTLAB_UPLOAD_MAX_ROWS,
    maxColumns: values.ROBUSTLAB_UPLOAD_MAX_COLUMNS,
    maxLineChars: values.ROBUSTLAB_UPLOAD_MAX_LINE_CHARS,
    maxFeatures: values.ROBUSTLAB_UPLOAD_MAX_FEATURES,
    maxCategories: values.ROBUSTLAB_UPLOAD_MAX_CATEGORIES,
  };
}

/** Limits from the environment of this process, parsed on first use. */
let cached: UploadLimits | undefined;
export function uploadLimits(): UploadLimits {
  cached ??= parseUploadLimits();
  return cached;
}
