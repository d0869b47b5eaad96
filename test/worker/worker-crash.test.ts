import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createQueue, sendSchedule } from '../../worker/queue.ts';
import { startWorkerPool, type WorkerPool } from '../../worker/pool.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createExperiment, testLogger, tinyModel, waitFor, waitForExperimentEnd } from './fixtures.ts';

let database: TestDatabase;
let boss: PgBoss;
let pool: WorkerPool | undefined;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  boss = await createQueue(database.url, { logger: testLogger });
});

afterAll(async () => {
  await pool?.stop();
  await boss?.stop();
  await database?.drop();
});

describe('worker pool', () => {
  test('killed worker instance is retrained once', async () => {
    const db = database.prisma;
    // Larger samples and more epochs than elsewhere, so a training lasts long enough to be killed.
    const { experimentId } = await createExperiment(db, {
      name: 'worker killed',
      models: [tinyModel({ dense: [32], epochs: 5 }), tinyModel({ dense: [16], epochs: 5 })],
      selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 },
      trainSize: 2000,
    });

    pool = startWorkerPool({
      databaseUrl: database.url,
      concurrency: 1,
      logger: testLogger,
      env: { TFJS_BACKEND: 'wasm', LOG_LEVEL: 'info' },
      onLogLine: (line) => {
        if (line.startsWith('{')) logLines.push(JSON.parse(line) as Record<string, unknown>);
      },
    });
    await sendSchedule(boss, experimentId);

    const running = await waitFor(
      'an instance to be running',
      () => db.instance.findFirst({ where: { status: 'running', model: { experimentId } } }).then((row) => row ?? undefined),
      { intervalMs: 50 },
    );
    const [pid] = pool.pids();
    expect(running.workerId).toContain(String(pid));
    process.kill(pid, 'SIGKILL');

    expect(await waitForExperimentEnd(db, experimentId, 110_000)).toBe('finished');

    const retrained = await db.instance.findUniqueOrThrow({ where: { id: running.id }, include: { predictions: true } });
    expect(retrained.status).toBe('finished');
    expect(retrained.attempts).toBeGreaterThanOrEqual(2);
    expect(retrained.workerId).not.toContain(String(pid));
    expect(retrained.predictions?.sampleCount).toBe(2000);
    expect(await db.instance.count({ where: { modelId: running.modelId, instanceIndex: running.instanceIndex } })).toBe(1);
    expect(await db.instancePredictions.count({ where: { instanceId: running.id } })).toBe(1);

    // The pool started a second process in place of the killed one.
    expect(pool.pids()).toHaveLength(1);
    expect(pool.pids()[0]).not.toBe(pid);
    const starts = logLines.filter((line) => line.msg === 'worker starting');
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts[0].backend).toBe('wasm');
    expect(starts[0].workerId).toContain(String(pid));

    // Job logs carry the job id, queue and attempt of max; the retried training ran as attempt 2.
    const trainSuccesses = logLines.filter((line) => line.msg === 'job succeeded' && line.queue === 'train-instance');
    expect(trainSuccesses.length).toBeGreaterThanOrEqual(4);
    for (const line of trainSuccesses) {
      expect(line.jobId).toEqual(expect.any(String));
      expect(line.durationMs).toEqual(expect.any(Number));
      expect(line.maxAttempts).toBe(4);
    }
    expect(trainSuccesses.some((line) => line.attempt === 2)).toBe(true);
  });

  test('pool stop ends workers gracefully', async () => {
    expect(pool).toBeDefined();
    const pids = pool!.pids();
    expect(pids).toHaveLength(1);

    await pool!.stop();
    expect(pool!.pids()).toEqual([]);
    const stopped = logLines.filter((line) => line.msg === 'worker stopped');
    expect(stopped.map((line) => line.pid)).toContain(pids[0]);
  });
});
