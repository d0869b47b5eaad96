/** Upload limit settings are validated with the other settings when the server starts. */
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import { uploadLimitsFromEnv } from '../../server/uploads/limits.ts';

function environment(variables: Record<string, string>): NodeJS.ProcessEnv {
  return variables as NodeJS.ProcessEnv;
}

describe('upload limit settings', () => {
  it.each(['-1', '0', '1.5', 'many'])('rejects ROBUSTLAB_UPLOAD_MAX_BYTES=%s at start-up', (value) => {
    expect(() => parseEnv(environment({ ROBUSTLAB_UPLOAD_MAX_BYTES: value }))).toThrow(
      `ROBUSTLAB_UPLOAD_MAX_BYTES: expected a positive integer (got ${JSON.stringify(value)})`,
    );
  });

  it('names each invalid limit', () => {
    const parse = () => parseEnv(environment({ ROBUSTLAB_UPLOAD_MAX_ROWS: '-5', ROBUSTLAB_UPLOAD_MAX_CATEGORIES: 'x' }));

    expect(parse).toThrow('ROBUSTLAB_UPLOAD_MAX_ROWS');
    expect(parse).toThrow('ROBUSTLAB_UPLOAD_MAX_CATEGORIES');
  });

  it('passes valid limits to the upload handler', () => {
    const limits = uploadLimitsFromEnv(parseEnv(environment({ ROBUSTLAB_UPLOAD_MAX_BYTES: '1024', ROBUSTLAB_UPLOAD_MAX_COLUMNS: '7' })));

    expect(limits.maxBytes).toBe(1024);
    expect(limits.maxColumns).toBe(7);
    expect(limits.maxRows).toBe(1_000_000);
  });
});
