import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ExperimentProgress } from '../../server/experiments/progress.ts';
import { ProgressHub } from '../../server/graphql/progress-hub.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const EXPERIMENT_A = '00000000-0000-4000-8000-00000000000a';
const EXPERIMENT_B = '00000000-0000-4000-8000-00000000000b';

let database: TestDatabase;
let hub: ProgressHub;
let loads = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  hub = new ProgressHub({
    databaseUrl: database.url,
    logger: pino({ level: 'silent' }),
    coalesceMs: 50,
    async load(experimentId) {
      loads++;
      return { experimentId, finishedInstances: loads } as ExperimentProgress;
    },
  });
});

afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

function nextProgress(experimentId: string): Promise<ExperimentProgress> {
  return new Promise((resolve) => {
    const unsubscribe = hub.subscribe(experimentId, (progress) => {
      unsubscribe();
      resolve(progress);
    });
  });
}

async function notify(experimentId: string) {
  await database.prisma.$executeRaw`SELECT pg_notify('robustlab_progress', ${experimentId})`;
}

async function listenConnections(): Promise<{ pid: number }[]> {
  return database.prisma.$queryRaw`SELECT pid FROM pg_stat_activity WHERE application_name = 'robustlab-progress' AND datname = current_database()`;
}

test('one connection serves every subscriber', async () => {
  await hub.ready();
  const received = Promise.all([nextProgress(EXPERIMENT_A), nextProgress(EXPERIMENT_A), nextProgress(EXPERIMENT_B)]);
  await notify(EXPERIMENT_A);
  await notify(EXPERIMENT_B);

  const [first, second, other] = await received;
  expect(first.experimentId).toBe(EXPERIMENT_A);
  expect(second).toBe(first);
  expect(other.experimentId).toBe(EXPERIMENT_B);
  expect(await listenConnections()).toHaveLength(1);
});

test('reconnects after the connection is killed', async () => {
  await hub.ready();
  const [connection] = await listenConnections();
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend($1)', [connection.pid]);
  await admin.end();

  // After reconnecting, the hub refreshes every subscriber because notifications may have been lost.
  const progress = await nextProgress(EXPERIMENT_A);
  expect(progress.experimentId).toBe(EXPERIMENT_A);

  const afterReconnect = nextProgress(EXPERIMENT_B);
  await notify(EXPERIMENT_B);
  expect((await afterReconnect).experimentId).toBe(EXPERIMENT_B);
  const connections = await listenConnections();
  expect(connections).toHaveLength(1);
  expect(connections[0].pid).not.toBe(connection.pid);
});
