import { Writable } from 'node:stream';
import pino from 'pino';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { experimentConfigSchema } from '../lib/config.ts';
import { countParameters, expandModelSpace } from '../lib/space.ts';
import { verifyPassword } from '../server/auth/password.ts';
import { ensureBuiltinDatasets } from '../server/datasets.ts';
import { DEMO_ARCHITECTURES, DEMO_EMAIL, DEMO_EXPERIMENT_CONFIG, DEMO_STUDY_NAME } from '../server/demo-config.ts';
import { createDemoOnFirstStart, findDemoExperimentId } from '../server/demo.ts';
import { createExperiment } from '../server/experiments/create.ts';
import { createQueue } from '../worker/queue.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

const MNIST_INPUT = { shape: [28, 28, 1], classes: 10 };

describe('demo configuration', () => {
  test.each(DEMO_ARCHITECTURES.map((architecture, index) => ({ index, architecture })))(
    'architecture $index is under 30,000 parameters',
    ({ architecture }) => {
      expect(countParameters(architecture, MNIST_INPUT.shape, MNIST_INPUT.classes)).toBeLessThan(30_000);
    },
  );

  test('mixes convolutional and fully connected models', () => {
    const convolutional = DEMO_ARCHITECTURES.filter((architecture) => architecture.conv.length > 0);
    const fullyConnected = DEMO_ARCHITECTURES.filter((architecture) => architecture.conv.length === 0);
    expect(DEMO_ARCHITECTURES.length).toBeGreaterThanOrEqual(6);
    expect(convolutional.length).toBeGreaterThanOrEqual(2);
    expect(fullyConnected.length).toBeGreaterThanOrEqual(2);
  });

  test('expands to one model per architecture within the budget', () => {
    const config = experimentConfigSchema.parse(DEMO_EXPERIMENT_CONFIG);
    const { models, overBudget } = expandModelSpace(config.space, MNIST_INPUT);

    expect(overBudget).toBe(0);
    expect(models).toHaveLength(DEMO_ARCHITECTURES.length);
    expect(config.selection).toEqual({ statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 3, maxInstances: 8 });
    expect(config.trainSize).toBe(2000);
    for (const model of models) {
      expect(model.spec).toMatchObject({ initializer: 'he', optimizer: 'adam', learningRate: 0.001, batchSize: 32 });
    }
  });
});

describe('createDemoOnFirstStart', () => {
  let database: TestDatabase;
  let boss: PgBoss;
  const logLines: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );

  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureBuiltinDatasets(database.prisma);
    boss = await createQueue(database.url, { logger });
  });

  afterAll(async () => {
    await boss?.stop({ graceful: false });
    await database?.drop();
  });

  test('creates the demo once and never logs the password', async () => {
    const first = await createDemoOnFirstStart({ db: database.prisma, boss, logger, enabled: true });
    const second = await createDemoOnFirstStart({ db: database.prisma, boss, logger, enabled: true });

    expect(first.status).toBe('created');
    if (first.status !== 'created') return;
    expect(second).toEqual({ status: 'skipped', reason: 'studies exist' });

    const user = await database.prisma.user.findUniqueOrThrow({ where: { email: DEMO_EMAIL } });
    expect(await verifyPassword(first.password, user.passwordHash)).toBe(true);
    expect(first.password.length).toBeGreaterThanOrEqual(16);
    expect(logLines.join('')).not.toContain(first.password);

    const study = await database.prisma.study.findUniqueOrThrow({
      where: { id: first.studyId },
      include: { memberships: true, experiments: { include: { models: true } } },
    });
    expect(study.name).toBe(DEMO_STUDY_NAME);
    expect(study.memberships).toEqual([expect.objectContaining({ userId: user.id, role: 'owner' })]);
    expect(study.experiments).toHaveLength(1);
    expect(study.experiments[0].models).toHaveLength(DEMO_ARCHITECTURES.length);
    expect(await findDemoExperimentId(database.prisma)).toBe(first.experimentId);
  });

  test('demo experiment survives newer experiments', async () => {
    const db = database.prisma;
    const user = await db.user.findUniqueOrThrow({ where: { email: DEMO_EMAIL } });
    const study = await db.study.findFirstOrThrow({ where: { name: DEMO_STUDY_NAME }, include: { experiments: true } });
    const demoId = study.experiments[0].id;

    const smallSpace = { architectures: [{ dense: [8] }], epochs: [1] };
    await createExperiment({ db, boss, studyId: study.id, userId: user.id, config: { name: 'user run', dataset: 'mnist', space: smallSpace, trainSize: 100 } });
    const rerun = { ...DEMO_EXPERIMENT_CONFIG, space: smallSpace, trainSize: 100 };
    await createExperiment({ db, boss, studyId: study.id, userId: user.id, config: rerun });

    expect(await db.experiment.count({ where: { studyId: study.id } })).toBe(3);
    expect(await findDemoExperimentId(db)).toBe(demoId);
  });

  test('does nothing when turned off', async () => {
    expect(await createDemoOnFirstStart({ db: database.prisma, boss, logger, enabled: false })).toEqual({ status: 'disabled' });
  });
});
