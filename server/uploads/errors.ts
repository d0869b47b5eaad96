/** Error codes of a rejected upload, in the `error.code` of the upload endpoint's JSON response. */
export const UploadErrorCode = {
  INVALID_PARAMETER: 'INVALID_PARAMETER',
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  TOO_MANY_ROWS: 'TOO_MANY_ROWS',
  TOO_MANY_COLUMNS: 'TOO_MANY_COLUMNS',
  LINE_TOO_LONG: 'LINE_TOO_LONG',
  EMPTY_FILE: 'EMPTY_FILE',
  NO_DATA_ROWS: 'NO_DATA_ROWS',
  BINARY_FILE: 'BINARY_FILE',
  INVALID_ENCODING: 'INVALID_ENCODING',
  RAGGED_ROW: 'RAGGED_ROW',
  STRAY_QUOTE: 'STRAY_QUOTE',
  UNTERMINATED_QUOTE: 'UNTERMINATED_QUOTE',
  WRONG_DELIMITER: 'WRONG_DELIMITER',
  DUPLICATE_COLUMN: 'DUPLICATE_COLUMN',
  UNKNOWN_TARGET_COLUMN: 'UNKNOWN_TARGET_COLUMN',
  NON_FINITE_VALUE: 'NON_FINITE_VALUE',
  MISSING_VALUE: 'MISSING_VALUE',
  INVALID_TARGET: 'INVALID_TARGET',
  TOO_MANY_CATEGORIES: 'TOO_MANY_CATEGORIES',
  SINGLE_CLASS: 'SINGLE_CLASS',
  TOO_MANY_CLASSES: 'TOO_MANY_CLASSES',
  NO_FEATURES: 'NO_FEATURES',
  COLUMN_MISMATCH: 'COLUMN_MISMATCH',
  EMPTY_TEST_SPLIT: 'EMPTY_TEST_SPLIT',
  EMPTY_TRAINING_POOL: 'EMPTY_TRAINING_POOL',
  UNSEEN_TEST_LABELS: 'UNSEEN_TEST_LABELS',
  INVALID_NPY: 'INVALID_NPY',
  TRUNCATED_NPY: 'TRUNCATED_NPY',
  UNSUPPORTED_DTYPE: 'UNSUPPORTED_DTYPE',
  INVALID_SHAPE: 'INVALID_SHAPE',
  SHAPE_MISMATCH: 'SHAPE_MISMATCH',
  LABEL_OUT_OF_RANGE: 'LABEL_OUT_OF_RANGE',
  INVALID_NPZ: 'INVALID_NPZ',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CANCELLED: 'CANCELLED',
} as const;
export type UploadErrorCode = (typeof UploadErrorCode)[keyof typeof UploadErrorCode];

const STATUS: Partial<Record<UploadErrorCode, number>> = {
  FILE_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNSEEN_TEST_LABELS: 409,
};

/** A rejected upload: the code is stable for clients, the message names the value and what is allowed. */
export class UploadError extends Error {
  readonly code: UploadErrorCode;

  constructor(code: UploadErrorCode, message: string) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
  }

  /** HTTP status of the response that reports this error. */
  get status(): number {
    return STATUS[this.code] ?? 400;
  }
}
