/**
 * The worker registry against real Postgres and the real GraphQL server:
 * registration, heartbeats, the current instance and its visibility, expiry
 * of a crashed worker, and real worker processes of the pool.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nativeKernelStatus } from '../../worker/engine/native-kernels.ts';
import { startWorkerPool, type WorkerPool } from '../../worker/pool.ts';
import { sendSchedule } from '../../worker/queue.ts';
import { registerWorker, sweepWorkers } from '../../worker/registry.ts';
import { addUser, post, startHarness, type Harness, type TestUser } from '../graphql/harness.ts';
import { createExperiment, testLogger, tinyModel, waitFor } from './fixtures.ts';

const WORKERS_QUERY = /* GraphQL */ `
  query Workers($hours: Int) {
    workers(endedWithinHours: $hours) {
      id name host pid slot backend tfjsVersion state startedAt lastHeartbeatAt heartbeatIntervalMs endedAt trainingCount
      currentInstance {
        visible instanceId instanceIndex modelId modelLabel experimentId experimentName studyId studyName startedAt epoch epochs
      }
    }
  }
`;

interface WorkerResult {
  id: string;
  name: string;
  host: string;
  pid: number;
  slot: number | null;
  backend: string;
  tfjsVersion: string;
  state: 'IDLE' | 'BUSY' | 'STOPPED' | 'LOST';
  endedAt: string | null;
  lastHeartbeatAt: string;
  trainingCount: number;
  currentInstance: {
    visible: boolean;
    instanceId: string | null;
    instanceIndex: number | null;
    modelId: string | null;
    modelLabel: string | null;
    experimentId: string | null;
    experimentName: string | null;
    studyId: string | null;
    studyName: string | null;
    startedAt: string | null;
    epoch: number | null;
    epochs: number | null;
  } | null;
}

let harness: Harness;
let member: TestUser;
let outsider: TestUser;
let pool: WorkerPool | undefined;
/** Warnings and errors of the worker processes, shown when they fail to register. */
const childLogLines: string[] = [];

beforeAll(async () => {
  harness = await startHarness();
  member = await addUser(harness.db, 'registry-member');
  outsider = await addUser(harness.db, 'registry-outsider');
});

afterAll(async () => {
  await pool?.stop();
  await harness?.close();
});

async function listWorkers(user: TestUser, hours = 24): Promise<WorkerResult[]> {
  const result = await post(harness, WORKERS_QUERY, { hours }, { token: user.token });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.workers as WorkerResult[];
}

async function findWorker(user: TestUser, id: string): Promise<WorkerResult | undefined> {
  return (await listWorkers(user)).find((worker) => worker.id === id);
}

/** Stores an experiment whose study has `member` as viewer, and one queued instance of its first model. */
async function addExperimentWithInstance(name: string) {
  const { experimentId, modelIds } = await createExperiment(harness.db, {
    name,
    models: [tinyModel()],
    selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 },
  });
  const experiment = await harness.db.experiment.findUniqueOrThrow({ where: { id: experimentId }, include: { study: true } });
  await harness.db.membership.create({ data: { studyId: experiment.studyId, userId: member.id, role: 'viewer' } });
  const instance = await harness.db.instance.create({
    data: { modelId: modelIds[0], instanceIndex: 0, step: 1, trainSize: 200, initSeed: 1, sampleSeed: 2, shuffleSeed: 3 },
  });
  return { experiment, modelId: modelIds[0], instance };
}

describe('worker registry', () => {
  test('registration, training and stop', async () => {
    const { experiment, modelId, instance } = await addExperimentWithInstance('registry in process');
    const registration = await registerWorker({
      db: harness.db,
      name: 'registry-test-worker',
      backend: 'cpu',
      tfjsVersion: '4.22.0',
      slot: 3,
      heartbeatMs: 200,
      logger: testLogger,
    });

    const idle = await findWorker(member, registration.id);
    expect(idle?.state).toBe('IDLE');
    expect(idle?.name).toBe('registry-test-worker');
    expect(idle?.host).toBe(os.hostname());
    expect(idle?.pid).toBe(process.pid);
    expect(idle?.slot).toBe(3);
    expect(idle?.backend).toBe('cpu');
    expect(idle?.tfjsVersion).toBe('4.22.0');
    expect(idle?.currentInstance).toBeNull();

    await registration.startTraining(instance.id);
    registration.recordEpoch(2, 5);
    const busy = await waitFor('the heartbeat to store epoch 2', async () => {
      const worker = await findWorker(member, registration.id);
      return worker?.currentInstance?.epoch === 2 ? worker : undefined;
    });
    expect(busy.state).toBe('BUSY');
    expect(busy.currentInstance).toMatchObject({
      visible: true,
      instanceId: instance.id,
      instanceIndex: 0,
      modelId,
      experimentId: experiment.id,
      experimentName: 'registry in process',
      studyId: experiment.studyId,
      studyName: experiment.study.name,
      epoch: 2,
      epochs: 5,
    });
    expect(busy.currentInstance?.modelLabel).toEqual(expect.any(String));
    expect(busy.currentInstance?.startedAt).toEqual(expect.any(String));

    // A non-member sees that the worker is busy, but nothing about the instance.
    const hidden = await findWorker(outsider, registration.id);
    expect(hidden?.state).toBe('BUSY');
    expect(hidden?.currentInstance).toEqual({
      visible: false,
      instanceId: null,
      instanceIndex: null,
      modelId: null,
      modelLabel: null,
      experimentId: null,
      experimentName: null,
      studyId: null,
      studyName: null,
      startedAt: busy.currentInstance?.startedAt,
      epoch: 2,
      epochs: 5,
    });

    await registration.endTraining();
    const done = await findWorker(member, registration.id);
    expect(done?.state).toBe('IDLE');
    expect(done?.trainingCount).toBe(1);
    expect(done?.currentInstance).toBeNull();

    await registration.stop();
    const stopped = await findWorker(member, registration.id);
    expect(stopped?.state).toBe('STOPPED');
    expect(stopped?.endedAt).toEqual(expect.any(String));
    const recentOnly = await listWorkers(member, 0);
    expect(recentOnly.map((worker) => worker.id)).not.toContain(registration.id);
  });

  test('deleted instance keeps heartbeats', async () => {
    const { instance } = await addExperimentWithInstance('registry deleted instance');
    const registration = await registerWorker({
      db: harness.db, name: 'registry-deleted-instance', backend: 'cpu', tfjsVersion: '4.22.0', heartbeatMs: 200, logger: testLogger,
    });
    await registration.startTraining(instance.id);
    await harness.db.instance.delete({ where: { id: instance.id } });
    const before = await harness.db.worker.findUniqueOrThrow({ where: { id: registration.id } });

    const after = await waitFor('a heartbeat after the instance was deleted', async () => {
      const row = await harness.db.worker.findUniqueOrThrow({ where: { id: registration.id } });
      return row.heartbeatAt > before.heartbeatAt ? row : undefined;
    });
    expect(after.status).toBe('busy');
    expect(after.currentInstanceId).toBeNull();
    expect((await findWorker(member, registration.id))?.state).toBe('BUSY');

    await registration.stop();
  });

  test('expired heartbeat reads as lost', async () => {
    const { instance } = await addExperimentWithInstance('registry expiry');
    const crashed = await harness.db.worker.create({
      data: {
        name: 'crashed-worker', host: 'elsewhere', pid: 4242, backend: 'wasm', tfjsVersion: '4.22.0', heartbeatIntervalMs: 1000,
        status: 'busy', currentInstanceId: instance.id, heartbeatAt: new Date(Date.now() - 10_000),
      },
    });

    // Readers see it lost before any sweep, ended at its last heartbeat.
    const read = await findWorker(member, crashed.id);
    expect(read?.state).toBe('LOST');
    expect(read?.currentInstance).toBeNull();
    expect(read?.endedAt).toBe(read?.lastHeartbeatAt);

    expect(await sweepWorkers(harness.db)).toBeGreaterThanOrEqual(1);
    const swept = await harness.db.worker.findUniqueOrThrow({ where: { id: crashed.id } });
    expect(swept.status).toBe('lost');
    expect(swept.currentInstanceId).toBeNull();
    expect(swept.endedAt?.getTime()).toBe(swept.heartbeatAt.getTime());
  });

  test('sweep deletes rows past retention', async () => {
    const old = await harness.db.worker.create({
      data: {
        name: 'old-worker', host: 'elsewhere', pid: 1, backend: 'wasm', tfjsVersion: '4.22.0', heartbeatIntervalMs: 1000,
        status: 'stopped', endedAt: new Date(Date.now() - 8 * 24 * 3600 * 1000),
      },
    });
    const recent = await harness.db.worker.create({
      data: {
        name: 'recent-worker', host: 'elsewhere', pid: 2, backend: 'wasm', tfjsVersion: '4.22.0', heartbeatIntervalMs: 1000,
        status: 'stopped', endedAt: new Date(Date.now() - 6 * 24 * 3600 * 1000),
      },
    });

    await sweepWorkers(harness.db);
    expect(await harness.db.worker.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await harness.db.worker.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });

  test('endedWithinHours out of range', async () => {
    for (const hours of [-1, 169]) {
      const result = await post(harness, WORKERS_QUERY, { hours }, { token: member.token });
      expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions.argumentName).toBe('endedWithinHours');
      expect(result.errors?.[0].message).toContain(String(hours));
    }
  });
});

/** Backend label of the workers page, which names the native kernels where they are active. */
const native = nativeKernelStatus();
const EXPECTED_PRODUCTS = native.active && native.avx512Products ? ', AVX-512 products' : '';
const EXPECTED_BACKEND = native.active ? `wasm + native kernels (${path.basename(native.blas)}${EXPECTED_PRODUCTS})` : 'wasm';

describe('worker processes', () => {
  test('start, busy, lost after SIGKILL, stopped', async () => {
    pool = startWorkerPool({
      databaseUrl: harness.database.url,
      concurrency: 2,
      logger: testLogger,
      env: { TFJS_BACKEND: 'wasm', LOG_LEVEL: 'warn', WORKER_HEARTBEAT_SECONDS: '1' },
      onLogLine: (line) => childLogLines.push(line),
    });
    const started = await waitFor('both worker processes to register', async () => {
      const live = (await listWorkers(member)).filter((worker) => pool!.pids().includes(worker.pid) && worker.state === 'IDLE');
      return live.length === 2 ? live : undefined;
    }, { timeoutMs: 60_000 }).catch((error: Error) => {
      throw new Error(`${error.message} Worker log lines:\n${childLogLines.join('\n')}`);
    });
    expect(started.map((worker) => worker.slot).sort()).toEqual([0, 1]);
    for (const worker of started) {
      expect(worker.backend).toBe(EXPECTED_BACKEND);
      expect(worker.tfjsVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(worker.name).toBe(`${os.hostname()}-${worker.pid}`);
    }

    // Larger samples and more epochs than elsewhere, so a training lasts long enough to be seen and killed.
    const { experimentId } = await createExperiment(harness.db, {
      name: 'registry processes',
      models: [tinyModel({ dense: [32], epochs: 5 }), tinyModel({ dense: [16], epochs: 5 })],
      selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 },
      trainSize: 2000,
    });
    const { studyId } = await harness.db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    await harness.db.membership.create({ data: { studyId, userId: member.id, role: 'viewer' } });
    await sendSchedule(harness.boss, experimentId);

    const busy = await waitFor(
      'a worker to show a running instance',
      async () => (await listWorkers(member)).find((worker) => worker.state === 'BUSY' && worker.currentInstance?.experimentId === experimentId),
      { intervalMs: 50 },
    );
    // The registry shows the instance as soon as the job starts, before the job marks the instance running.
    const instance = await waitFor('the instance to be marked running', () =>
      harness.db.instance.findFirst({ where: { id: busy.currentInstance!.instanceId!, status: 'running' } }).then((row) => row ?? undefined),
      { intervalMs: 20 },
    );
    expect(instance.workerId).toBe(busy.name);
    expect(busy.currentInstance?.studyId).toBe(studyId);

    process.kill(busy.pid, 'SIGKILL');
    const lost = await waitFor('the killed worker to read as lost', async () => {
      const worker = await findWorker(member, busy.id);
      return worker?.state === 'LOST' ? worker : undefined;
    });
    expect(lost.currentInstance).toBeNull();
    expect(lost.endedAt).toEqual(expect.any(String));

    // The other live worker's heartbeat sweeps the row, and the pool starts a replacement in the killed slot.
    await waitFor('a live worker to mark the killed one lost', async () => {
      const row = await harness.db.worker.findUniqueOrThrow({ where: { id: busy.id } });
      return row.status === 'lost' ? row : undefined;
    });
    const replacement = await waitFor('the replacement process to register', async () =>
      (await listWorkers(member)).find((worker) => worker.slot === busy.slot && worker.pid !== busy.pid && worker.state !== 'LOST'),
    );
    expect(replacement.backend).toBe(EXPECTED_BACKEND);

    // Cancelling ends the trainings quickly, so the pool stops without waiting for the stop grace period.
    await harness.db.experiment.update({ where: { id: experimentId }, data: { status: 'cancelled' } });
    const livePids = pool.pids();
    await pool.stop();
    const rows = await harness.db.worker.findMany({ where: { pid: { in: livePids }, host: os.hostname() } });
    expect(rows.map((row) => row.status)).toEqual(livePids.map(() => 'stopped'));
    for (const row of rows) expect(row.currentInstanceId).toBeNull();
    expect((await harness.db.worker.findUniqueOrThrow({ where: { id: busy.id } })).status).toBe('lost');
  });
});
