import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { badUserInput, createFormatError, requestScope } from '../../server/graphql/errors.ts';

function capturingLogger() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'error' }, stream), lines };
}

describe('formatError', () => {
  test('server fault becomes INTERNAL with the request id', async () => {
    const { logger, lines } = capturingLogger();
    const formatError = createFormatError(logger);
    const fault = new GraphQLError('relation "secret_table" does not exist', { originalError: new Error('relation "secret_table" does not exist'), path: ['experiment'] });

    const formatted = requestScope.run({ requestId: 'req-42' }, () => formatError(fault.toJSON(), fault));
    expect(formatted.extensions).toEqual({ code: 'INTERNAL', requestId: 'req-42' });
    expect(formatted.message).not.toContain('secret_table');
    expect(formatted.message).toContain('req-42');
    expect(formatted.path).toEqual(['experiment']);

    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0].requestId).toBe('req-42');
    expect(lines[0].err.message).toContain('secret_table');
  });

  test('client errors pass unchanged', () => {
    const { logger, lines } = capturingLogger();
    const error = badUserInput('Invalid first -1: expected an integer from 0 to 1000.', 'first');
    const formatted = createFormatError(logger)(error.toJSON(), error);
    expect(formatted).toEqual(error.toJSON());
    expect(lines).toHaveLength(0);
  });
});
