/** Query parameters of the upload endpoint, validated with zod. */
import { z } from 'zod';
import { UploadError } from './errors.ts';

const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');
const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t' } as const;

/** Parameters of `POST /api/datasets/upload`. */
export const uploadParametersSchema = z.object({
  studyId: z.uuid(),
  name: z.string().trim().min(1).max(200),
  format: z.enum(['csv', 'npy', 'npz']),
  task: z.enum(['classification', 'regression']),
  /** CSV: name of the target column. */
  target: z.string().min(1).max(500).optional(),
  delimiter: z.enum(['comma', 'semicolon', 'tab']).transform((name) => DELIMITERS[name]).optional(),
  header: booleanText.optional(),
  missing: z.enum(['reject', 'drop', 'mean', 'median', 'mode']).default('reject'),
  testFraction: z.coerce.number().gt(0).lt(1).default(0.2),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Bytes at the end of the body that are a separate test file (CSV only); 0 means split by testFraction. */
  testBytes: z.coerce.number().int().min(0).default(0),
  /** npy: bytes at the start of the body that are the inputs `.npy`; the rest is the labels file. */
  inputBytes: z.coerce.number().int().positive().optional(),
  labelsFormat: z.enum(['npy', 'csv']).default('npy'),
  confirmUnseenLabels: booleanText.default(false),
});

export type UploadParameters = z.infer<typeof uploadParametersSchema>;

/** Parses the query string; a bad value raises INVALID_PARAMETER naming it and what is allowed. */
export function parseUploadParameters(query: URLSearchParams): UploadParameters {
  const input = Object.fromEntries(query.entries());
  const result = uploadParametersSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'query');
    const value = input[name] === undefined ? 'missing' : JSON.stringify(input[name]);
    throw new UploadError('INVALID_PARAMETER', `Invalid upload parameter ${name}: value ${value}. ${issue.message}`);
  }
  const parameters = result.data;
  if (parameters.format === 'csv' && parameters.target === undefined) {
    throw new UploadError('INVALID_PARAMETER', 'Invalid upload parameter target: value missing. A CSV upload needs the name of its target column.');
  }
  if (parameters.format === 'npy' && parameters.inputBytes === undefined) {
    throw new UploadError('INVALID_PARAMETER', 'Invalid upload parameter inputBytes: value missing. An npy upload sends the inputs .npy and then the labels file, and inputBytes is the size of the inputs .npy.');
  }
  if (parameters.format !== 'csv' && parameters.testBytes > 0) {
    throw new UploadError('INVALID_PARAMETER', `Invalid upload parameter testBytes: value ${parameters.testBytes}. A separate test file is supported for CSV; for tensors put x_test and y_test in the .npz.`);
  }
  return parameters;
}
