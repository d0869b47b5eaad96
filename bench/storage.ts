/**
 * Times the storage of per-sample test predictions on a fresh database:
 * 100 models x 20 instances x 10,000 test samples, written through the
 * worker's `storeInstanceResult` and read through the GraphQL schema that the
 * API serves (execution without the HTTP layer). Prints the figures and the
 * machine. The database and its migrated template are dropped at the end.
 *
 * Run: npm run bench:storage   (Postgres at 127.0.0.1:5432, or the server of
 * TEST_DATABASE_URL, else of DATABASE_URL)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { graphql } from 'graphql';
import type { PgBoss } from 'pg-boss';
import pino from 'pino';
import { createRng } from '../lib/seeds.ts';
import { quantile } from '../lib/statistics.ts';
import { DEFAULT_SIGN_IN_LIMITS, SignInLimiter } from '../server/auth/sign-in-limiter.ts';
import { DEFAULT_SIGN_UP_SETTINGS, SignUpPolicy } from '../server/auth/sign-up-policy.ts';
import { computeSampleSpread, loadFinishedPredictions, sortSampleSpread } from '../server/data/predictions.ts';
import type { Db } from '../server/db.ts';
import { createSqlPool } from '../server/data/sql.ts';
import { createLoaders, type GraphQLContext } from '../server/graphql/context.ts';
import { encodeCursor } from '../server/graphql/paging.ts';
import type { ProgressHub } from '../server/graphql/progress-hub.ts';
import { createSchema } from '../server/graphql/schema.ts';
import type { InstanceResult } from '../worker/engine/train.ts';
import { storeInstanceResult } from '../worker/instance-store.ts';
import { createTestDatabase, dropRunDatabases, testRunId, testServerUrl } from '../test/helpers/database.ts';

const MODELS = 100;
const INSTANCES_PER_MODEL = 20;
const SAMPLES = 10_000;
const CLASSES = 10;
const SPREAD_READS = 50;
const PAGE_READS = 200;
const PAGE_SIZE = 100;

const SPREAD_QUERY = `query ($id: ID!) { model(id: $id) { sampleSpread(first: 50, orderBy: LOSS_STD_DESC) {
  totalCount edges { node { sampleIndex meanLoss lossStd disagreement instanceCount } } } } }`;
const PAGE_QUERY = `query ($id: ID!, $after: String) { instance(id: $id) { predictions(first: ${PAGE_SIZE}, after: $after) {
  totalCount edges { node { sampleIndex predictedClass trueClassProbability loss } } } } }`;

/** Draws a standard normal value (Box-Muller) from the seeded generator. */
function standardNormal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Creates the labels and a per-sample difficulty that all models share, so
 * instances agree on hard samples as real ones do. A true-class logit of mean
 * 4 and standard deviation 2.5, plus the model offsets and instance noise of
 * `simulateInstance`, gives about 92% mean test accuracy. Each sample also has
 * one class that wrong predictions mostly pick.
 */
function createTestSet(rng: () => number) {
  const label = Uint8Array.from({ length: SAMPLES }, () => Math.floor(rng() * CLASSES));
  const confusedWith = label.map((value) => (value + 1 + Math.floor(rng() * (CLASSES - 1))) % CLASSES);
  const logit = Float64Array.from({ length: SAMPLES }, () => 4 + 2.5 * standardNormal(rng));
  return { label, confusedWith, logit };
}

function simulateInstance(testSet: ReturnType<typeof createTestSet>, modelOffset: number, rng: () => number): InstanceResult {
  const predictedClass = new Uint8Array(SAMPLES);
  const trueClassProb = new Float32Array(SAMPLES);
  const loss = new Float32Array(SAMPLES);
  let lossSum = 0;
  let correct = 0;
  for (let s = 0; s < SAMPLES; s++) {
    const p = 1 / (1 + Math.exp(-(testSet.logit[s] + modelOffset + standardNormal(rng))));
    trueClassProb[s] = p;
    loss[s] = -Math.log(Math.max(p, 1e-7));

    const isCorrect = p >= 0.5 || rng() < p;
    predictedClass[s] = isCorrect ? testSet.label[s] : rng() < 0.7 ? testSet.confusedWith[s] : Math.floor(rng() * CLASSES);
    lossSum += loss[s];
    correct += predictedClass[s] === testSet.label[s] ? 1 : 0;
  }

  const testLoss = lossSum / SAMPLES;
  return {
    status: 'finished',
    divergedEpoch: null,
    trainLoss: [0.9, 0.4, 0.25, 0.2, 0.17].map((value) => value * (1 + 0.05 * standardNormal(rng))),
    valLoss: [0.5, 0.3, 0.24, 0.21, 0.2].map((value) => value * (1 + 0.05 * standardNormal(rng))),
    testLoss,
    testAccuracy: correct / SAMPLES,
    durationMs: 20_000 + 2000 * rng(),
    parameterCount: 20_000,
    predictions: { predictedClass, trueClassProb, loss },
  };
}

async function createRows(db: Db) {
  const user = await db.user.create({ data: { email: 'bench@example.com', name: 'Bench', passwordHash: 'unused' } });
  const study = await db.study.create({ data: { name: 'Storage benchmark', memberships: { create: { userId: user.id, role: 'owner' } } } });
  const dataset = await db.dataset.create({
    data: { key: 'mnist', version: 1, name: 'MNIST', task: 'classification', inputShape: [28, 28, 1], classes: CLASSES, trainCount: 60_000, testCount: SAMPLES, checksum: 'bench' },
  });
  const experiment = await db.experiment.create({
    data: {
      studyId: study.id,
      datasetId: dataset.id,
      createdById: user.id,
      name: 'Storage benchmark',
      config: { name: 'Storage benchmark', dataset: 'mnist', space: {} },
      status: 'running',
      exhaustiveTrainings: MODELS * INSTANCES_PER_MODEL,
    },
  });
  await db.model.createMany({
    data: Array.from({ length: MODELS }, (_, m) => ({
      experimentId: experiment.id, hash: `model-${m}`, label: `model ${m}`, config: {}, parameterCount: 20_000,
    })),
  });
  const models = await db.model.findMany({ where: { experimentId: experiment.id }, orderBy: { hash: 'asc' } });
  await db.instance.createMany({
    data: models.flatMap((model) => Array.from({ length: INSTANCES_PER_MODEL }, (_, i) => ({
      modelId: model.id, instanceIndex: i, step: i + 1, initSeed: i, sampleSeed: i, shuffleSeed: i, trainSize: 2000, status: 'running' as const,
    }))),
  });
  const instances = await db.instance.findMany({ where: { modelId: { in: models.map((model) => model.id) } }, orderBy: [{ modelId: 'asc' }, { instanceIndex: 'asc' }] });
  return { user, experiment, models, instances };
}

/** Times the worker's write of every instance's result, one after another as one worker would. */
async function writeAll(db: Db, rows: Awaited<ReturnType<typeof createRows>>): Promise<number[]> {
  const rng = createRng(20261204);
  const testSet = createTestSet(rng);
  const offsets = new Map(rows.models.map((model) => [model.id, 1.5 * standardNormal(rng)]));
  const durations: number[] = [];
  for (const instance of rows.instances) {
    const result = simulateInstance(testSet, offsets.get(instance.modelId) ?? 0, rng);
    const start = performance.now();
    const stored = await storeInstanceResult({ db, experimentId: rows.experiment.id, instanceId: instance.id, backend: 'wasm', result });
    durations.push(performance.now() - start);
    if (!stored) throw new Error(`storeInstanceResult skipped instance ${instance.id}: expected an open instance.`);
  }
  return durations;
}

/** Runs a query through the API's schema with a fresh per-request context, as each HTTP request gets. */
async function runQuery(db: Db, user: { id: string; email: string; name: string; isAdmin: boolean }, source: string, variables: Record<string, unknown>) {
  const context: GraphQLContext = {
    db, sql, user, boss: null as unknown as PgBoss, hub: null as unknown as ProgressHub, logger: pino({ level: 'silent' }),
    requestId: 'bench', sessionToken: null, clientAddress: '127.0.0.1', signInLimiter: new SignInLimiter({ db, limits: DEFAULT_SIGN_IN_LIMITS }),
    signUpPolicy: new SignUpPolicy({ db, settings: DEFAULT_SIGN_UP_SETTINGS }),
    secureCookies: false, setCookie: () => {}, loaders: createLoaders(db, sql, user),
  };
  const result = await graphql({ schema, source, variableValues: variables, contextValue: context });
  if (result.errors) throw new Error(`GraphQL query failed: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.data as Record<string, any>;
}

async function time<T>(work: () => Promise<T>, check: (value: T) => void): Promise<number> {
  const start = performance.now();
  const value = await work();
  const milliseconds = performance.now() - start;
  check(value);
  return milliseconds;
}

function expectEqual(actual: unknown, expected: unknown, quantity: string): void {
  if (actual !== expected) throw new Error(`Unexpected ${quantity} ${String(actual)}: expected ${String(expected)}.`);
}

function percentiles(milliseconds: number[]): string {
  const sorted = [...milliseconds].sort((a, b) => a - b);
  return `p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms (n=${sorted.length})`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const schema = createSchema();
if (!process.env.TEST_DATABASE_URL && process.env.DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
// A run id of our own, so that dropping the run's databases removes only this benchmark's template.
process.env.ROBUSTLAB_TEST_RUN_ID = `bench${process.pid}`;

const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
const loadBefore = os.loadavg();
const database = await createTestDatabase();
const db = database.prisma;
const sql = createSqlPool(database.url);
try {
  const [{ version }] = await db.$queryRaw<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
  const rows = await createRows(db);
  const user = { id: rows.user.id, email: rows.user.email, name: rows.user.name, isAdmin: false };

  const writeStart = performance.now();
  const writes = await writeAll(db, rows);
  const writeSeconds = (performance.now() - writeStart) / 1000;

  const [size] = await db.$queryRaw<{ total: bigint; heap: bigint; toast: bigint; indexes: bigint }[]>`
    SELECT pg_total_relation_size('instance_predictions') AS total,
           pg_relation_size('instance_predictions') AS heap,
           pg_table_size('instance_predictions') - pg_relation_size('instance_predictions') AS toast,
           pg_indexes_size('instance_predictions') AS indexes`;
  const [columns] = await db.$queryRaw<{ classes: number; probs: number; losses: number }[]>`
    SELECT avg(pg_column_size(predicted_class))::float AS classes, avg(pg_column_size(true_class_prob))::float AS probs,
           avg(pg_column_size(loss))::float AS losses FROM instance_predictions`;
  const [quality] = await db.$queryRaw<{ accuracy: number; loss: number }[]>`
    SELECT avg(test_accuracy)::float AS accuracy, avg(test_loss)::float AS loss FROM instances`;
  const storedCount = rows.instances.length;

  // One untimed read first, so JIT warm-up is not counted.
  const lastModel = rows.models[rows.models.length - 1];
  await runQuery(db, user, SPREAD_QUERY, { id: lastModel.id });
  const spreadReads: number[] = [];
  const loadReads: number[] = [];
  const computeReads: number[] = [];
  for (const model of rows.models.slice(0, SPREAD_READS)) {
    spreadReads.push(await time(() => runQuery(db, user, SPREAD_QUERY, { id: model.id }), (data) => {
      expectEqual(data.model.sampleSpread.totalCount, SAMPLES, 'sample spread count');
      expectEqual(data.model.sampleSpread.edges[0].node.instanceCount, INSTANCES_PER_MODEL, 'instance count of a sample spread');
    }));
    let predictions: Awaited<ReturnType<typeof loadFinishedPredictions>> = [];
    loadReads.push(await time(() => loadFinishedPredictions({ db, modelId: model.id }), (loaded) => {
      expectEqual(loaded.length, INSTANCES_PER_MODEL, 'loaded predictions');
      predictions = loaded;
    }));
    computeReads.push(await time(async () => sortSampleSpread(computeSampleSpread(predictions), 'LOSS_STD_DESC'), (spreads) => expectEqual(spreads.length, SAMPLES, 'spread count')));
  }

  const pageRng = createRng(7);
  await runQuery(db, user, PAGE_QUERY, { id: rows.instances[0].id, after: null });
  const pageReads: number[] = [];
  for (let read = 0; read < PAGE_READS; read++) {
    const instance = rows.instances[Math.floor(pageRng() * rows.instances.length)];
    const offset = PAGE_SIZE * Math.floor(pageRng() * (SAMPLES / PAGE_SIZE));
    const after = offset === 0 ? null : encodeCursor(offset - 1);
    pageReads.push(await time(() => runQuery(db, user, PAGE_QUERY, { id: instance.id, after }), (data) => {
      expectEqual(data.instance.predictions.edges.length, PAGE_SIZE, 'prediction page size');
      expectEqual(data.instance.predictions.edges[0].node.sampleIndex, offset, 'first sample index of the page');
    }));
  }
  const loadAfter = os.loadavg();

  const rawBytes = SAMPLES * (1 + 4 + 4);
  const table: [string, string][] = [
    ['machine', `${os.availableParallelism()} CPUs, ${cpuModel}, Postgres ${version}, Node ${process.version}`],
    ['load average (1/5/15 min)', `before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${loadAfter.map((value) => value.toFixed(2)).join(' ')}`],
    ['data', `${MODELS} models x ${INSTANCES_PER_MODEL} instances x ${SAMPLES} test samples`],
    ['simulated instances', `mean test accuracy ${(quality.accuracy * 100).toFixed(1)}%, mean test loss ${quality.loss.toFixed(3)}`],
    ['write one instance (storeInstanceResult)', percentiles(writes)],
    ['write all instances, one writer', `${writeSeconds.toFixed(1)} s for ${storedCount} instances`],
    ['table size (pg_total_relation_size)', `${megabytes(Number(size.total))}: heap ${megabytes(Number(size.heap))}, TOAST ${megabytes(Number(size.toast))}, indexes ${megabytes(Number(size.indexes))}`],
    ['table size per instance', `${(Number(size.total) / storedCount / 1024).toFixed(1)} KiB (raw arrays ${(rawBytes / 1024).toFixed(1)} KiB)`],
    ['stored column size per instance', `class ${(columns.classes / 1024).toFixed(1)} KiB, probability ${(columns.probs / 1024).toFixed(1)} KiB, loss ${(columns.losses / 1024).toFixed(1)} KiB`],
    ['read sampleSpread (GraphQL, first 50 by loss std)', percentiles(spreadReads)],
    ['  of which loadFinishedPredictions', percentiles(loadReads)],
    ['  of which computeSampleSpread + sort', percentiles(computeReads)],
    [`read predictions page of ${PAGE_SIZE} (GraphQL)`, percentiles(pageReads)],
  ];
  const width = Math.max(...table.map(([name]) => name.length));
  for (const [name, value] of table) console.log(`${name.padEnd(width)}  ${value}`);
} finally {
  await sql.end();
  await database.drop();
  await dropRunDatabases(testServerUrl(), testRunId());
}
