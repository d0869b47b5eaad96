/**
 * Times the dashboard's GraphQL queries on the scale database of
 * bench/seed-scale.ts: the study page (experiment list), the experiment page
 * of the experiment with 2,000 models and the model page of the model with
 * 100 instances, each loaded 50 times one after another; then the same
 * queries from 20 concurrent clients. The query strings are the ones the
 * pages send, imported from app/_features. Server time is measured inside
 * the HTTP server, from the request's arrival to the end of the response.
 * The concurrent clients run in a child process (bench/api-latency-clients.ts),
 * as real clients are other processes; they still share the machine's cores.
 * The load average is printed before and after, because the machine is shared.
 *
 * Run: npx tsx bench/seed-scale.ts && npx tsx bench/api-latency.ts
 * Options: --database NAME (default robustlab_scale), --loads N (default 50),
 * --clients N (default 20), --rounds N (requests per client, default 15),
 * --concurrent-without-experiment-page (leave the heaviest query out of the concurrent phase),
 * --clients-in-server-thread (run the concurrent clients on the server's event loop, as this script
 * did before 5 December 2026, to compare with older figures),
 * --web-processes N (start the real server, `server/start.ts --web`, with ROBUSTLAB_WEB_PROCESSES=N
 * instead of a GraphQL server inside this script; times are then measured by the clients, from
 * sending a request to the parsed response, and the CPU time is that of all server processes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { fork } from 'node:child_process';
import pino from 'pino';
import { EXPERIMENT_NOTES_QUERY } from '../app/_features/collaboration/notes-query.ts';
import { EMPTY_FILTER, filterToInput } from '../app/_features/collaboration/filter-params.ts';
import { EXPERIMENT_QUERY } from '../app/_features/experiment/experiment-query.ts';
import { MODEL_QUERY } from '../app/_features/model/model-query.ts';
import { STUDY_QUERY } from '../app/_features/studies/study-query.ts';
import { quantile } from '../lib/statistics.ts';
import { createSession } from '../server/auth/session.ts';
import { createPrisma } from '../server/db.ts';
import { createGraphQLServer, GRAPHQL_PATH } from '../server/graphql/http.ts';
import { databaseUrl, testServerUrl } from '../test/helpers/database.ts';
import { createQueue } from '../worker/queue.ts';
import { runClients, sendPage, type BenchPage, type ClientsInput, type ClientTimes } from './api-latency-clients.ts';
import { postgresBackendCpuMs, startServerProcesses } from './api-latency-server.ts';
import { LARGE_MODEL_INSTANCES, SCALE_USER } from './seed-scale.ts';

const { values: options } = parseArgs({
  options: {
    database: { type: 'string', default: 'robustlab_scale' },
    loads: { type: 'string', default: '50' },
    clients: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '15' },
    'concurrent-without-experiment-page': { type: 'boolean', default: false },
    'clients-in-server-thread': { type: 'boolean', default: false },
    'web-processes': { type: 'string' },
  },
});

const webProcesses = options['web-processes'] === undefined ? null : Number(options['web-processes']);
if (webProcesses !== null && (!Number.isInteger(webProcesses) || webProcesses < 1)) {
  throw new Error(`Invalid --web-processes ${options['web-processes']}: expected an integer of at least 1.`);
}
if (webProcesses !== null && options['clients-in-server-thread']) {
  throw new Error('--clients-in-server-thread needs the in-script server; leave out --web-processes.');
}


const measuredTimes = new Map<string, number[]>();

function record(label: string, ms: number): void {
  const times = measuredTimes.get(label) ?? [];
  times.push(ms);
  measuredTimes.set(label, times);
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

function loadAverage(): string {
  return os.loadavg().map((value) => value.toFixed(2)).join(' / ');
}

/** Runs the concurrent clients in a child process and resolves with their latencies and the child's CPU time in ms. */
function runClientsInChild(input: ClientsInput): Promise<{ times: ClientTimes; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./api-latency-clients.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
    child.once('message', (message: { ok: boolean; times?: ClientTimes; cpuMs?: number; message?: string }) => {
      if (message.ok) resolve({ times: message.times!, cpuMs: message.cpuMs! });
      else reject(new Error(`Concurrent clients failed: ${message.message}`));
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The client process exited with code ${code} before reporting`)));
    child.send(input);
  });
}

/** The GraphQL server under test, in this process or in server processes of its own. */
interface Target {
  endpoint: string;
  /** Whether the times come from the clients rather than from inside the server. */
  clientTimed: boolean;
  /** CPU time of the server so far, in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** Serves /graphql from this process and records each request's server time under its x-bench-label. */
async function startInScriptServer(url: string, db: ReturnType<typeof createPrisma>): Promise<Target> {
  const logger = pino({ level: 'warn' });
  const boss = await createQueue(url, { logger, maxConnections: 2 });
  const graphql = await createGraphQLServer({ prisma: db, databaseUrl: url, boss, logger });
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const label = String(req.headers['x-bench-label'] ?? 'other');
    res.on('finish', () => record(label, performance.now() - started));
    if (new URL(req.url ?? '/', 'http://localhost').pathname === GRAPHQL_PATH) void graphql.handleRequest(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}${GRAPHQL_PATH}`,
    clientTimed: false,
    cpuMs: async () => {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await graphql.stop();
      await boss.stop({ graceful: false, close: true });
    },
  };
}

const url = databaseUrl(testServerUrl(), options.database);
const db = createPrisma(url);
const target: Target =
  webProcesses === null
    ? await startInScriptServer(url, db)
    : { ...(await startServerProcesses({ databaseUrl: url, webProcesses })), clientTimed: true };
const { endpoint } = target;

/** Sends one page and records its client-side time when the server does not record it. */
async function loadPage(token: string, page: BenchPage): Promise<void> {
  const ms = await sendPage(endpoint, token, page);
  if (target.clientTimed) record(page.name, ms);
}

try {
  const user = await db.user.findUniqueOrThrow({ where: { email: SCALE_USER.email } });
  const { token } = await createSession({ db, userId: user.id });
  const study = await db.study.findFirstOrThrow({ where: { memberships: { some: { userId: user.id } } } });
  const largest = await db.experiment.findFirstOrThrow({ where: { studyId: study.id }, orderBy: { createdAt: 'asc' } });
  const largeModel = await db.model.findFirstOrThrow({ where: { experimentId: largest.id, instances: { some: { instanceIndex: LARGE_MODEL_INSTANCES - 1 } } } });
  const modelCount = await db.model.count({ where: { experimentId: largest.id } });

  const pages: BenchPage[] = [
    { name: 'experiment list (study page)', query: STUDY_QUERY, variables: { id: study.id, filter: filterToInput(EMPTY_FILTER) } },
    { name: `experiment page (${modelCount} models)`, query: EXPERIMENT_QUERY, variables: { id: largest.id } },
    { name: `model page (${LARGE_MODEL_INSTANCES} instances)`, query: MODEL_QUERY, variables: { id: largeModel.id } },
    { name: 'experiment notes and tags', query: EXPERIMENT_NOTES_QUERY, variables: { id: largest.id } },
  ];

  const timeKind = target.clientTimed ? 'client time' : 'server time';
  const server = webProcesses === null ? 'GraphQL server in this script' : `server/start.ts --web with ROBUSTLAB_WEB_PROCESSES=${webProcesses}`;
  console.log(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}, database ${options.database}, ${server}`);
  console.log(`Load average (1 / 5 / 15 min) at start: ${loadAverage()}`);
  console.log(`\nSequential: ${options.loads} loads of each page (${timeKind}, ms)`);
  for (const page of pages) {
    await loadPage(token, page); // The first load fills caches; it is reported separately.
    const first = measuredTimes.get(page.name)![0];
    measuredTimes.set(page.name, []);
    for (let i = 0; i < Number(options.loads); i++) await loadPage(token, page);
    const { p50, p95, max } = summary(measuredTimes.get(page.name)!);
    console.log(`  ${page.name}: first ${first.toFixed(0)}, p50 ${p50!.toFixed(0)}, p95 ${p95!.toFixed(0)}, max ${max.toFixed(0)}`);
  }

  measuredTimes.clear();
  const clients = Number(options.clients);
  const rounds = Number(options.rounds);
  const concurrentPages = options['concurrent-without-experiment-page'] ? pages.filter((page) => page.query !== EXPERIMENT_QUERY) : pages;
  const where = options['clients-in-server-thread'] ? "on the server's thread" : 'in a child process';
  console.log(`\nConcurrent: ${clients} clients x ${rounds} requests ${where}, each client cycling through ${concurrentPages.length} pages (${timeKind}, ms)`);
  console.log(`Load average before: ${loadAverage()}`);
  const input: ClientsInput = { endpoint, token, pages: concurrentPages, clients, rounds };
  const started = performance.now();
  const cpuBefore = await target.cpuMs();
  const postgresBefore = await postgresBackendCpuMs(options.database);
  const clientRun = options['clients-in-server-thread'] ? { times: await runClients(input), cpuMs: null } : await runClientsInChild(input);
  const clientTimes = clientRun.times;
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = (await target.cpuMs()) - cpuBefore;
  let postgresMs = 0;
  for (const [pid, ms] of await postgresBackendCpuMs(options.database)) postgresMs += ms - (postgresBefore.get(pid) ?? 0);
  if (target.clientTimed) for (const [name, times] of Object.entries(clientTimes)) for (const ms of times) record(name, ms);
  const all: number[] = [];
  for (const page of concurrentPages) {
    const times = measuredTimes.get(page.name) ?? [];
    all.push(...times);
    const { n, p50, p95 } = summary(times);
    console.log(`  ${page.name}: n ${n}, p50 ${p50!.toFixed(0)}, p95 ${p95!.toFixed(0)}`);
  }
  const overall = summary(all);
  console.log(`  all: n ${overall.n}, p50 ${overall.p50!.toFixed(0)}, p95 ${overall.p95!.toFixed(0)}, ${(overall.n / seconds).toFixed(1)} requests/s`);
  // CPU time depends less on other processes than latency does, so it compares runs on a busy machine.
  const cpuPerRequest = cpuMs / overall.n;
  const clientsNote = options['clients-in-server-thread'] ? ', clients included' : '';
  const processes = webProcesses === null ? 'the server process' : 'all server processes';
  console.log(`  CPU time of ${processes}: ${cpuPerRequest.toFixed(1)} ms per request${clientsNote}`);
  // NOTE: a backend that closed during the phase is missed, and one that opened counts its whole life.
  console.log(`  CPU time of the Postgres backends of this database: ${(postgresMs / overall.n).toFixed(1)} ms per request`);
  if (clientRun.cpuMs !== null) console.log(`  CPU time of the client process: ${(clientRun.cpuMs / overall.n).toFixed(1)} ms per request`);
  console.log(`  Cores busy on average: server ${(cpuMs / 1000 / seconds).toFixed(2)}, Postgres ${(postgresMs / 1000 / seconds).toFixed(2)} (of ${os.cpus().length})`);
  console.log(`Load average after: ${loadAverage()}`);
} finally {
  await target.stop();
  await db.$disconnect();
}
