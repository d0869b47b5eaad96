import { Writable } from 'node:stream';
import { GraphQLError } from 'graphql';
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { createPrisma } from '../../server/db.ts';
import { badUserInput, createFormatError, tagRequestId } from '../../server/graphql/errors.ts';
import { addExperiment } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness } from './harness.ts';

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

    tagRequestId([fault], 'req-42');
    const formatted = formatError(fault.toJSON(), fault);
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

describe('server faults over HTTP', () => {
  test('INTERNAL carries the request id', async () => {
    // Reads of selection steps fail like a broken database; every other query works.
    const harness = await startHarness({
      createPrisma: (url) => {
        const real = createPrisma(url);
        const failingSteps = new Proxy(real.selectionStep, {
          get: (target, key) => (key === 'findMany' ? () => Promise.reject(new Error('relation "secret_table" does not exist')) : Reflect.get(target, key)),
        });
        return new Proxy(real, { get: (target, key) => (key === 'selectionStep' ? failingSteps : Reflect.get(target, key)) });
      },
    });
    try {
      const study = await addStudy(harness.db, 'faults');
      const dataset = await addMnist(harness.db);
      const { experiment } = await addExperiment(harness.db, { studyId: study.studyId, datasetId: dataset.id, models: [{ label: 'A', finished: [0.3] }] });

      const result = await post(harness, 'query($id: ID!) { experiment(id: $id) { name steps { step } } }', { id: experiment.id }, { token: study.viewer.token });
      expect(errorCode(result)).toBe('INTERNAL');
      const requestId = result.errors![0].extensions.requestId;
      expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(result.errors![0].message).toContain(requestId);
      expect(result.errors![0].message).not.toContain('secret_table');
    } finally {
      await harness.close();
    }
  });
});
