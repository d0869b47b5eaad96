import http from 'node:http';
import net from 'node:net';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { addExperiment } from './graphql/fixtures.ts';
import { addStudy, addUser, type StudyFixture } from './graphql/harness.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { freePort, spawnStart, waitFor, type StartProcess } from './helpers/start-process.ts';

// `npm run web` with two web processes on a test database. Each request goes over a new
// connection, and the main process hands new connections to the web processes in turn.

const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { email } }';
const SUBSCRIPTION = 'subscription($id: ID!) { experimentProgress(id: $id) { experimentId finishedInstances queuedInstances } }';

/** Failure bound for a hung start or stop, not a speed target. */
const START_BOUND_MS = 480_000;
const EXIT_BOUND_MS = 30_000;

let database: TestDatabase;
let dataDir: string;
let port: number;
let start: StartProcess;
let study: StudyFixture;
const clients: Client[] = [];

type LogLine = { level: number; msg: string; process?: string; pid?: number; webProcess?: number };

async function logLines(): Promise<LogLine[]> {
  const text = await readFile(path.join(dataDir, 'logs', 'robustlab.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine);
}

/** Posts a GraphQL request over a connection of its own, as the user of `token` when given. */
function postOnNewConnection(query: string, variables: Record<string, unknown>, token?: string): Promise<{ status: number; body: { data?: unknown; errors?: { message: string; extensions: { code: string } }[] } }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (token) headers.authorization = `Bearer ${token}`;
    const request = http.request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

function connect(token: string): Client {
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie: `robustlab_session=${token}` } });
    }
  }
  const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: CookieWebSocket, retryAttempts: 0 });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'robustlab-web-cluster-'));
  await chmod(dataDir, 0o755);
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    ROBUSTLAB_WEB_PROCESSES: '2',
    ROBUSTLAB_DEMO: '0',
    ROBUSTLAB_DATA_DIR: dataDir,
    ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_EMAIL: '2',
    LOG_LEVEL: 'info',
  };
  delete env.ROBUSTLAB_LOG_FORMAT;
  start = spawnStart(['--web'], env);
  // The first start may run `next build`, which takes minutes.
  await waitFor(start, 'the start-up line', () => start.output().includes('Robustlab is running at'), START_BOUND_MS);
  study = await addStudy(database.prisma, 'cluster');
}, START_BOUND_MS + 10_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  if (start?.groupAlive()) start.signalGroup('SIGKILL');
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('npm run web with two web processes', () => {
  test('both web processes serve', async () => {
    expect(start.output()).toContain('(2 web processes)');
    const ready = (await logLines()).filter((line) => line.msg === 'web process ready').map((line) => line.process);
    expect(ready.sort()).toEqual(['web 1', 'web 2']);

    const results = await Promise.all([0, 1, 2, 3].map(() => postOnNewConnection('{ __typename }', {})));
    for (const result of results) expect(result.body).toEqual({ data: { __typename: 'Query' } });
  });

  test('sign-in limit holds across processes', async () => {
    const ada = await addUser(database.prisma, 'cluster-ada');
    for (let i = 0; i < 2; i++) {
      const failed = await postOnNewConnection(SIGN_IN, { email: ada.email, password: 'wrong password' });
      expect(failed.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }

    // Four attempts over new connections reach both processes; each must know of both failures.
    for (let i = 0; i < 4; i++) {
      const limited = await postOnNewConnection(SIGN_IN, { email: ada.email, password: 'password-cluster-ada' });
      expect(limited.status).toBe(429);
      expect(limited.body.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    }
    await waitFor(start, 'the rejections in the log', async () => (await logLines()).filter((line) => line.msg === 'Sign-in rejected by the rate limit').length === 4, 10_000);
    const rejectedBy = new Set((await logLines()).filter((line) => line.msg === 'Sign-in rejected by the rate limit').map((line) => line.process));
    expect([...rejectedBy].sort()).toEqual(['web 1', 'web 2']);
  });

  test('subscriptions get progress in every process', async () => {
    const mnist = await database.prisma.dataset.findFirstOrThrow({ where: { key: 'mnist' } });
    const { experiment, instanceIds } = await addExperiment(database.prisma, {
      studyId: study.studyId,
      datasetId: mnist.id,
      models: [{ label: 'a', finished: [], queued: 2 }],
    });
    // Two websockets are two connections, so they land in different web processes.
    const streams = [connect(study.viewer.token), connect(study.editor.token)].map((client) =>
      client.iterate<{ experimentProgress: { finishedInstances: number } }>({ query: SUBSCRIPTION, variables: { id: experiment.id } }),
    );
    for (const stream of streams) {
      const first = await stream.next();
      expect(first.value.data.experimentProgress.finishedInstances).toBe(0);
    }

    await database.prisma.$transaction(async (tx) => {
      await tx.instance.update({ where: { id: instanceIds[0][0] }, data: { status: 'finished', testLoss: 0.5 } });
      await tx.$executeRaw`SELECT pg_notify('robustlab_progress', ${experiment.id})`;
    });
    for (const stream of streams) {
      const next = await stream.next();
      expect(next.value.data.experimentProgress).toMatchObject({ finishedInstances: 1, queuedInstances: 1 });
      await stream.return?.();
    }
  });

  test('caches agree with fresh queries in every process', async () => {
    const EXPERIMENT = 'query($id: ID!) { experiment(id: $id) { progress { finishedInstances } models(first: 10) { edges { node { id } } } } }';
    const mnist = await database.prisma.dataset.findFirstOrThrow({ where: { key: 'mnist' } });
    const { experiment, modelIds, instanceIds } = await addExperiment(database.prisma, {
      studyId: study.studyId,
      datasetId: mnist.id,
      models: [
        { label: 'a', finished: [0.5, 0.5], queued: 1 },
        { label: 'b', finished: [0.6], queued: 1 },
      ],
    });
    const [a, b] = modelIds;

    /** Loads the experiment four times over new connections, so each web process serves it twice. */
    async function loadEverywhere() {
      const results = [];
      for (let i = 0; i < 4; i++) {
        const result = await postOnNewConnection(EXPERIMENT, { id: experiment.id }, study.viewer.token);
        expect(result.body.errors).toBeUndefined();
        const { progress, models } = (result.body.data as { experiment: { progress: { finishedInstances: number }; models: { edges: { node: { id: string } }[] } } }).experiment;
        results.push({ finished: progress.finishedInstances, order: models.edges.map((edge) => edge.node.id) });
      }
      return results;
    }

    expect(await loadEverywhere()).toEqual(Array(4).fill({ finished: 3, order: [a, b] }));

    // Model b's median drops from 0.6 to 0.35, below a's 0.5.
    await database.prisma.instance.update({ where: { id: instanceIds[1][1] }, data: { status: 'finished', testLoss: 0.1 } });
    expect(await loadEverywhere()).toEqual(Array(4).fill({ finished: 4, order: [b, a] }));

    await database.prisma.instance.update({ where: { id: instanceIds[0][2] }, data: { status: 'finished', testLoss: 0.5 } });
    await database.prisma.experiment.update({ where: { id: experiment.id }, data: { status: 'finished', selectedModelId: b, finishedAt: new Date() } });
    expect(await loadEverywhere()).toEqual(Array(4).fill({ finished: 5, order: [b, a] }));
  });

  test('crashed web process is restarted', async () => {
    const before = (await logLines()).find((line) => line.msg === 'web process ready' && line.process === 'web 1')!;
    process.kill(before.pid!, 'SIGKILL');

    await waitFor(start, 'the restarted web process', async () => (await logLines()).some((line) => line.msg === 'web process ready' && line.process === 'web 1' && line.pid !== before.pid), 120_000);
    const restart = (await logLines()).find((line) => line.msg === 'web process exited; restarting');
    expect(restart).toMatchObject({ level: 50, process: 'main', webProcess: 1, pid: before.pid });
    expect(start.output()).toContain('ERROR [web 1] web process exited; restarting');

    const results = await Promise.all([0, 1, 2, 3].map(() => postOnNewConnection('{ __typename }', {})));
    for (const result of results) expect(result.status).toBe(200);
  });

  test('Ctrl-C stops every process', async () => {
    start.signalGroup('SIGINT');
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), EXIT_BOUND_MS).unref());
    const code = await Promise.race([start.exited, timeout]);

    expect(code, start.output()).toBe(0);
    expect(start.output()).toContain('Stopping…\n');
    expect(start.output()).toContain('Stopped.\n');
    await waitFor(null, 'the process group to end', () => !start.groupAlive(), 5000);

    // Every line is whole JSON that names its process, although three processes wrote the file.
    const lines = await logLines();
    for (const line of lines) expect(['main', 'web 1', 'web 2']).toContain(line.process);
    const complete = lines.filter((line) => line.msg === 'shutdown complete').map((line) => line.process);
    expect(complete.sort()).toEqual(['main', 'web 1', 'web 2']);
  }, EXIT_BOUND_MS + 10_000);

  test('taken port fails the start', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    try {
      const failing = spawnStart(['--web'], { ...process.env, DATABASE_URL: database.url, HOST: '127.0.0.1', PORT: String(takenPort), ROBUSTLAB_WEB_PROCESSES: '2', ROBUSTLAB_DEMO: '0', ROBUSTLAB_DATA_DIR: dataDir });
      const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), START_BOUND_MS).unref());
      const code = await Promise.race([failing.exited, timeout]);

      expect(code, failing.output()).toBe(1);
      expect(failing.output()).toContain(`Port ${takenPort} on 127.0.0.1 is already in use`);
      expect(failing.output()).toMatch(/Web process \d \(pid \d+\) exited with code 1 before it listened/);
      expect(failing.output()).not.toContain('restarting');
      await waitFor(null, 'the failed start to end', () => !failing.groupAlive(), 5000);
    } finally {
      blocker.close();
    }
  }, START_BOUND_MS);
});
