import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createQueue } from '../../worker/queue.ts';
import { runScheduleJob } from '../../worker/scheduler.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createExperiment, testLogger, tinyModel } from '../worker/fixtures.ts';

let database: TestDatabase;
let boss: PgBoss;

const selection = { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 } as const;

beforeAll(async () => {
  database = await createTestDatabase();
  boss = await createQueue(database.url, { logger: testLogger });
});

afterAll(async () => {
  await boss?.stop();
  await database?.drop();
});

/** Runs scheduling jobs, ending each step's queued instances with `end`, until the experiment stops starting steps. */
async function runSteps(experimentId: string, end: (instanceIndex: number) => { status: 'finished' | 'diverged'; testLoss?: number }) {
  const db = database.prisma;
  let outcome = await runScheduleJob({ db, boss, experimentId, logger: testLogger });
  for (let step = 1; outcome.kind === 'stepStarted' && step <= selection.maxInstances; step++) {
    const queued = await db.instance.findMany({ where: { model: { experimentId }, status: 'queued' } });
    for (const instance of queued) {
      await db.instance.update({ where: { id: instance.id }, data: { ...end(instance.instanceIndex), finishedAt: new Date() } });
    }
    outcome = await runScheduleJob({ db, boss, experimentId, logger: testLogger });
  }
  return outcome;
}

describe('scheduler activity', () => {
  test('finished experiment is recorded without actor', async () => {
    // Every instance finishes, with a loss that grows by instance, until the instance cap ends the selection.
    const db = database.prisma;
    const { experimentId } = await createExperiment(db, { name: 'activity finished', models: [tinyModel({ dense: [4] })], selection });
    const outcome = await runSteps(experimentId, (index) => ({ status: 'finished', testLoss: 0.3 + index / 10 }));
    expect(outcome).toMatchObject({ kind: 'finished' });

    const events = await db.activityEvent.findMany({ where: { experimentId } });
    expect(events.map((event) => [event.kind, event.actorId, event.summary])).toEqual([['experiment_finished', null, 'activity finished']]);
    const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    expect(events[0].studyId).toBe(experiment.studyId);
  });

  test('failed experiment is recorded', async () => {
    // Every instance diverges, so no model has a robustness value once the instance cap is reached.
    const db = database.prisma;
    const models = [tinyModel({ dense: [4] }), tinyModel({ dense: [8] })];
    const { experimentId } = await createExperiment(db, { name: 'activity failed', models, selection });
    const outcome = await runSteps(experimentId, () => ({ status: 'diverged' }));
    expect(outcome).toMatchObject({ kind: 'failed' });

    const events = await db.activityEvent.findMany({ where: { experimentId } });
    expect(events.map((event) => event.kind)).toEqual(['experiment_failed']);
  });
});
