/**
 * Times the dashboard's GraphQL queries on the scale database of
 * bench/seed-scale.ts: the study page (experiment list), the experiment page
 * of the experiment with 2,000 models and the model page of the model with
 * 100 instances, each loaded 50 times one after another; then the same
 * queries from 20 concurrent clients. The query strings are the ones the
 * pages send, imported from app/_features. Server time is measured inside
 * the HTTP server, from the request's arrival to the end of the response.
 *
 * Run: npx tsx bench/seed-scale.ts && npx tsx bench/api-latency.ts
 * Options: --database NAME (default robustlab_scale), --loads N (default 50),
 * --clients N (default 20), --rounds N (requests per client, default 15),
 * --concurrent-without-experiment-page (leave the heaviest query out of the concurrent phase).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
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
import { LARGE_MODEL_INSTANCES, SCALE_USER } from './seed-scale.ts';

const { values: options } = parseArgs({
  options: {
    database: { type: 'string', default: 'robustlab_scale' },
    loads: { type: 'string', default: '50' },
    clients: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '15' },
    'concurrent-without-experiment-page': { type: 'boolean', default: false },
  },
});

type Page = { name: string; query: string; variables: Record<string, unknown> };

const serverTimes = new Map<string, number[]>();

function record(label: string, ms: number): void {
  const times = serverTimes.get(label) ?? [];
  times.push(ms);
  serverTimes.set(label, times);
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] };
}

async function request(url: string, token: string, page: Page): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-bench-label': page.name },
    body: JSON.stringify({ query: page.query, variables: page.variables }),
  });
  const body = (await response.json()) as { errors?: { message: string }[] };
  if (body.errors) throw new Error(`${page.name} failed: ${body.errors.map((error) => error.message).join('; ')}`);
}

const url = databaseUrl(testServerUrl(), options.database);
const db = createPrisma(url);
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
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}${GRAPHQL_PATH}`;

try {
  const user = await db.user.findUniqueOrThrow({ where: { email: SCALE_USER.email } });
  const { token } = await createSession({ db, userId: user.id });
  const study = await db.study.findFirstOrThrow({ where: { memberships: { some: { userId: user.id } } } });
  const largest = await db.experiment.findFirstOrThrow({ where: { studyId: study.id }, orderBy: { createdAt: 'asc' } });
  const largeModel = await db.model.findFirstOrThrow({ where: { experimentId: largest.id, instances: { some: { instanceIndex: LARGE_MODEL_INSTANCES - 1 } } } });
  const modelCount = await db.model.count({ where: { experimentId: largest.id } });

  const pages: Page[] = [
    { name: 'experiment list (study page)', query: STUDY_QUERY, variables: { id: study.id, filter: filterToInput(EMPTY_FILTER) } },
    { name: `experiment page (${modelCount} models)`, query: EXPERIMENT_QUERY, variables: { id: largest.id } },
    { name: `model page (${LARGE_MODEL_INSTANCES} instances)`, query: MODEL_QUERY, variables: { id: largeModel.id } },
    { name: 'experiment notes and tags', query: EXPERIMENT_NOTES_QUERY, variables: { id: largest.id } },
  ];

  console.log(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, Node ${process.version}, database ${options.database}`);
  console.log(`\nSequential: ${options.loads} loads of each page (server time, ms)`);
  for (const page of pages) {
    await request(endpoint, token, page); // The first load fills caches; it is reported separately.
    const first = serverTimes.get(page.name)![0];
    serverTimes.set(page.name, []);
    for (let i = 0; i < Number(options.loads); i++) await request(endpoint, token, page);
    const { p50, p95, max } = summary(serverTimes.get(page.name)!);
    console.log(`  ${page.name}: first ${first.toFixed(0)}, p50 ${p50!.toFixed(0)}, p95 ${p95!.toFixed(0)}, max ${max.toFixed(0)}`);
  }

  serverTimes.clear();
  const clients = Number(options.clients);
  const rounds = Number(options.rounds);
  const concurrentPages = options['concurrent-without-experiment-page'] ? pages.filter((page) => page.query !== EXPERIMENT_QUERY) : pages;
  console.log(`\nConcurrent: ${clients} clients x ${rounds} requests, each client cycling through ${concurrentPages.length} pages (server time, ms)`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let round = 0; round < rounds; round++) await request(endpoint, token, concurrentPages[(client + round) % concurrentPages.length]);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const all: number[] = [];
  for (const page of concurrentPages) {
    const times = serverTimes.get(page.name) ?? [];
    all.push(...times);
    const { n, p50, p95 } = summary(times);
    console.log(`  ${page.name}: n ${n}, p50 ${p50!.toFixed(0)}, p95 ${p95!.toFixed(0)}`);
  }
  const overall = summary(all);
  console.log(`  all: n ${overall.n}, p50 ${overall.p50!.toFixed(0)}, p95 ${overall.p95!.toFixed(0)}, ${(overall.n / seconds).toFixed(1)} requests/s`);
} finally {
  server.closeAllConnections();
  server.close();
  await graphql.stop();
  await boss.stop({ graceful: false, close: true });
  await db.$disconnect();
}
