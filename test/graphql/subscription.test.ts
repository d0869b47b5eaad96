import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { addExperiment } from './fixtures.ts';
import { addMnist, addStudy, startHarness, type Harness, type StudyFixture } from './harness.ts';

const SUBSCRIPTION = `subscription($id: ID!) { experimentProgress(id: $id) {
  experimentId status finishedInstances queuedInstances runningInstances plannedInstances
} }`;

let harness: Harness;
let study: StudyFixture;
let datasetId: string;
const clients: Client[] = [];

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'subscription');
  datasetId = (await addMnist(harness.db)).id;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

afterAll(async () => {
  await harness?.close();
});

/** Opens a graphql-ws client whose upgrade request carries the session cookie of `token`. */
function connect(token?: string): Client {
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, token ? { headers: { cookie: `robustlab_session=${token}` } } : {});
    }
  }
  const client = createClient({ url: harness.wsUrl, webSocketImpl: CookieWebSocket, lazy: true, retryAttempts: 0 });
  clients.push(client);
  return client;
}

/** Marks one queued instance as finished and notifies in the same transaction, as the worker does. */
async function finishInstance(instanceId: string, experimentId: string) {
  await harness.db.$transaction(async (tx) => {
    await tx.instance.update({ where: { id: instanceId }, data: { status: 'finished', testLoss: 0.5 } });
    await tx.$executeRaw`SELECT pg_notify('robustlab_progress', ${experimentId})`;
  });
}

describe('experimentProgress', () => {
  test('sends current progress, then each change', async () => {
    const { experiment, instanceIds } = await addExperiment(harness.db, {
      studyId: study.studyId,
      datasetId,
      models: [{ label: 'a', finished: [], queued: 3 }],
    });
    const messages = connect(study.viewer.token).iterate<{ experimentProgress: Record<string, unknown> }>({
      query: SUBSCRIPTION,
      variables: { id: experiment.id },
    });

    const first = await messages.next();
    expect(first.value.errors).toBeUndefined();
    expect(first.value.data.experimentProgress).toMatchObject({ experimentId: experiment.id, status: 'RUNNING', finishedInstances: 0, queuedInstances: 3 });

    await finishInstance(instanceIds[0][0], experiment.id);
    const second = await messages.next();
    expect(second.value.data.experimentProgress).toMatchObject({ finishedInstances: 1, queuedInstances: 2 });

    // A burst may be coalesced into fewer messages, but the last state always arrives.
    await finishInstance(instanceIds[0][1], experiment.id);
    await finishInstance(instanceIds[0][2], experiment.id);
    let latest = (await messages.next()).value.data.experimentProgress;
    while (latest.finishedInstances !== 3) latest = (await messages.next()).value.data.experimentProgress;
    expect(latest).toMatchObject({ finishedInstances: 3, queuedInstances: 0 });

    await messages.return?.();
  });

  test('notifications of other experiments are not sent', async () => {
    const watched = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [], queued: 1 }] });
    const other = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'b', finished: [], queued: 1 }] });
    const messages = connect(study.owner.token).iterate<{ experimentProgress: Record<string, unknown> }>({
      query: SUBSCRIPTION,
      variables: { id: watched.experiment.id },
    });
    await messages.next();

    await finishInstance(other.instanceIds[0][0], other.experiment.id);
    await finishInstance(watched.instanceIds[0][0], watched.experiment.id);
    const next = await messages.next();
    expect(next.value.data.experimentProgress).toMatchObject({ experimentId: watched.experiment.id, finishedInstances: 1 });
    await messages.return?.();
  });

  for (const status of ['finished', 'failed', 'cancelled'] as const) {
    test(`${status} experiment sends its final state, then completes`, async () => {
      const { experiment } = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [0.4, 0.6] }] });
      await harness.db.experiment.update({ where: { id: experiment.id }, data: { status, finishedAt: new Date() } });
      const messages = connect(study.viewer.token).iterate<{ experimentProgress: Record<string, unknown> }>({
        query: SUBSCRIPTION,
        variables: { id: experiment.id },
      });

      const first = await messages.next();
      expect(first.done).toBe(false);
      expect(first.value.errors).toBeUndefined();
      expect(first.value.data.experimentProgress).toMatchObject({ experimentId: experiment.id, status: status.toUpperCase(), finishedInstances: 2 });
      expect((await messages.next()).done).toBe(true);
    });
  }

  test('running experiment completes after its final state', async () => {
    const { experiment, instanceIds } = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [], queued: 1 }] });
    const messages = connect(study.viewer.token).iterate<{ experimentProgress: Record<string, unknown> }>({
      query: SUBSCRIPTION,
      variables: { id: experiment.id },
    });
    expect((await messages.next()).value.data.experimentProgress).toMatchObject({ status: 'RUNNING' });

    await harness.db.$transaction(async (tx) => {
      await tx.instance.update({ where: { id: instanceIds[0][0] }, data: { status: 'finished', testLoss: 0.5 } });
      await tx.experiment.update({ where: { id: experiment.id }, data: { status: 'finished', finishedAt: new Date() } });
      await tx.$executeRaw`SELECT pg_notify('robustlab_progress', ${experiment.id})`;
    });

    let latest = await messages.next();
    while (!latest.done && latest.value.data!.experimentProgress.status !== 'FINISHED') latest = await messages.next();
    expect(latest.done).toBe(false);
    expect(latest.value.data!.experimentProgress).toMatchObject({ status: 'FINISHED', finishedInstances: 1 });
    expect((await messages.next()).done).toBe(true);
  });

  for (const [who, expected] of [
    ['outsider', 'NOT_FOUND'],
    ['anonymous', 'UNAUTHENTICATED'],
  ] as const) {
    test(`rejects ${who} at subscribe time`, async () => {
      const { experiment } = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [] }] });
      const token = who === 'outsider' ? study.outsider.token : undefined;
      const messages = connect(token).iterate({ query: SUBSCRIPTION, variables: { id: experiment.id } });

      const first = await messages.next();
      expect(first.value.errors).toHaveLength(1);
      expect(first.value.errors[0].extensions.code).toBe(expected);
      expect((await messages.next()).done).toBe(true);
    });
  }
});
