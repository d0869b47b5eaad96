/**
 * Runs all five experiment templates with their default params at once, on a
 * fresh database with a pool of worker processes, and prints the wall time
 * of each run, its trainings and its finding.
 *
 * Run: npx tsx bench/templates.ts [--workers 2] [--backend wasm]
 *        [--extra 'inductive_bias={"trainSize":8000}'] [--keep-database]
 *
 * --extra starts one more run of a template with the given JSON params after
 * the five default runs (repeatable). Its time is printed, but the total for
 * the defaults counts only the default runs. The extra runs share the workers,
 * so they can only lengthen that total.
 *
 * It creates database rl_bench_templates_<random> on the server of
 * TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
 * and drops it at the end, also after an error or Ctrl-C. With
 * --keep-database it keeps the database after a successful run and prints
 * its URL and the bench user's login, so that the dashboard can be started
 * on it (`DATABASE_URL=<url> WORKER_CONCURRENCY=0 ROBUSTLAB_DEMO=0 npm start`).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { TEMPLATE_KINDS } from '../lib/templates.ts';
import { createUser } from '../server/auth/users.ts';
import { ensureBuiltinDatasets } from '../server/datasets.ts';
import { createPrisma } from '../server/db.ts';
import { runMigrations } from '../server/migrate.ts';
import { finalizeTemplateRun } from '../server/templates/runs.ts';
import { startTemplateRun } from '../server/templates/start.ts';
import { startWorkerPool } from '../worker/pool.ts';
import { createQueue } from '../worker/queue.ts';

const { values: options } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    backend: { type: 'string', default: 'wasm' },
    extra: { type: 'string', multiple: true, default: [] },
    'keep-database': { type: 'boolean', default: false },
  },
});
const extraRuns = options.extra.map((option) => {
  const separator = option.indexOf('=');
  const template = option.slice(0, separator);
  if (separator < 0 || !(TEMPLATE_KINDS as readonly string[]).includes(template)) {
    throw new RangeError(`Invalid --extra ${JSON.stringify(option)}: expected KIND=JSON with KIND one of ${TEMPLATE_KINDS.join(', ')}.`);
  }
  return { template, params: JSON.parse(option.slice(separator + 1)) as unknown };
});
const workers = Number(options.workers);
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const name = `rl_bench_templates_${randomBytes(4).toString('hex')}`;
const databaseUrl = (() => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
})();
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const benchLogin = { email: 'bench@robustlab.test', password: 'bench-password-2026' };
let keepDatabase = false;

async function withServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

await withServer((client) => client.query(`CREATE DATABASE ${name}`));
const db = createPrisma(databaseUrl, { max: 4 });
let pool: ReturnType<typeof startWorkerPool> | null = null;
let boss: Awaited<ReturnType<typeof createQueue>> | null = null;

async function cleanUp(): Promise<void> {
  await pool?.stop();
  await boss?.stop({ graceful: false, close: true });
  await db.$disconnect();
  if (keepDatabase) {
    console.log(`\nKept database ${databaseUrl}; dashboard login ${benchLogin.email} / ${benchLogin.password}`);
    return;
  }
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

try {
  await runMigrations({ connectionString: databaseUrl });
  await ensureBuiltinDatasets(db);
  boss = await createQueue(databaseUrl, { logger });
  const user = await createUser({ db, name: 'Bench', ...benchLogin });
  const study = await db.study.create({ data: { name: 'Template bench', memberships: { create: { userId: user.id, role: 'owner' } } } });

  console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  console.log(`${workers} worker processes, backend ${options.backend}`);
  const started = Date.now();
  const runs = [];
  for (const kind of TEMPLATE_KINDS) {
    runs.push(await startTemplateRun({ db, boss, logger, studyId: study.id, userId: user.id, template: kind, params: {} }));
  }
  const defaultRunCount = runs.length;
  for (const extra of extraRuns) {
    runs.push(await startTemplateRun({ db, boss, logger, studyId: study.id, userId: user.id, ...extra }));
  }
  pool = startWorkerPool({ databaseUrl, concurrency: workers, logger, env: { TFJS_BACKEND: options.backend }, onLogLine: () => {} });

  const ended = new Map<string, number>();
  while (ended.size < runs.length) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    for (const run of runs) {
      if (ended.has(run.id)) continue;
      const current = await finalizeTemplateRun({ db, run: await db.templateRun.findUniqueOrThrow({ where: { id: run.id } }), logger });
      if (current.finishedAt !== null) ended.set(run.id, Date.now() - started);
    }
    const instances = await db.instance.groupBy({ by: ['status'], _count: true });
    const counts = instances.map((row) => `${row._count} ${row.status}`).join(', ');
    console.log(`${((Date.now() - started) / 1000).toFixed(0)} s: ${ended.size} of ${runs.length} runs ended; instances ${counts}`);
  }

  const defaultsEnded = Math.max(...runs.slice(0, defaultRunCount).map((run) => ended.get(run.id) ?? 0));
  console.log(`\nThe ${defaultRunCount} default runs ended after ${(defaultsEnded / 60_000).toFixed(1)} min`);
  console.log(`All runs ended after ${((Date.now() - started) / 60_000).toFixed(1)} min; load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  for (const run of runs) {
    const stored = await db.templateRun.findUniqueOrThrow({ where: { id: run.id } });
    const trainings = await db.instance.count({ where: { model: { experiment: { templateRun: { templateRunId: run.id } } } } });
    const durations = await db.instance.aggregate({
      where: { model: { experiment: { templateRun: { templateRunId: run.id } } }, status: 'finished' },
      _avg: { durationMs: true },
    });
    console.log(`\n## ${stored.template} (${stored.name}, run ${stored.id}): ended after ${((ended.get(run.id) ?? 0) / 1000).toFixed(0)} s, ${trainings} trainings, mean training ${durations._avg.durationMs?.toFixed(0)} ms`);
    console.log(stored.error ?? (stored.summary as { finding: string }).finding);
  }
  keepDatabase = options['keep-database'];
} finally {
  await cleanUp();
}
