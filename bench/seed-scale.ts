/**
 * Seeds a database for the scale benchmark: 1 study, 50 finished experiments,
 * 20,000 models and 200,000 finished instances without per-sample
 * predictions. Experiment 1 has 2,000 models and one of them has 100
 * instances, so the experiment page and the model page can be timed at the
 * sizes that matter. Rows are generated inside Postgres with generate_series,
 * so seeding takes seconds, not minutes.
 *
 * Run: npx tsx bench/seed-scale.ts [database name, default robustlab_scale]
 * It drops and recreates that database on the server of TEST_DATABASE_URL
 * (else 127.0.0.1:5432) and prints the URL, the sign-in and the row counts.
 */
import pg from 'pg';
import { createUser } from '../server/auth/users.ts';
import { ensureBuiltinDatasets } from '../server/datasets.ts';
import { createPrisma } from '../server/db.ts';
import { runMigrations } from '../server/migrate.ts';
import { databaseUrl, testServerUrl } from '../test/helpers/database.ts';
import { experimentConfigSchema } from '../lib/config.ts';
import { PARAMS_SQL, ROW_SQL } from './seed-scale-sql.ts';

/** Sign-in of the seeded study's owner; bench/api-latency.ts signs in with it. */
export const SCALE_USER = { email: 'scale@robustlab.test', name: 'Scale Owner', password: 'scale-password-2026' };
export const SCALE_EXPERIMENTS = 50;
export const SCALE_MODELS = 20_000;
export const SCALE_INSTANCES = 200_000;
/** Models of the first (largest) experiment. */
export const LARGE_EXPERIMENT_MODELS = 2_000;
/** Instances of the first model of the largest experiment. */
export const LARGE_MODEL_INSTANCES = 100;

const SCALE_CONFIG = experimentConfigSchema.parse({
  name: 'scale experiment',
  dataset: 'mnist',
  space: { architectures: [{ dense: [8] }, { dense: [16] }] },
  trainSize: 2000,
  selection: { statistic: 'median', warmupSteps: 2, maxInstances: 10 },
});

async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return databaseUrl(serverUrl, name);
}

/** Creates the database with every row and returns its URL. */
export async function seedScaleDatabase(name = 'robustlab_scale'): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name ${JSON.stringify(name)}: use lowercase letters, digits and _`);
  const url = await recreateDatabase(testServerUrl(), name);
  await runMigrations({ connectionString: url });

  const db = createPrisma(url, { max: 2 });
  try {
    await ensureBuiltinDatasets(db);
    const user = await createUser({ db, ...SCALE_USER, isAdmin: false });
    const study = await db.study.create({
      data: { name: 'Scale study', description: 'Seeded by bench/seed-scale.ts.', memberships: { create: { userId: user.id, role: 'owner' } } },
    });
    const dataset = await db.dataset.findFirstOrThrow({ where: { key: 'mnist' }, orderBy: { version: 'desc' } });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(PARAMS_SQL, [
        study.id,
        dataset.id,
        user.id,
        SCALE_EXPERIMENTS,
        SCALE_MODELS,
        LARGE_EXPERIMENT_MODELS,
        SCALE_INSTANCES,
        LARGE_MODEL_INSTANCES,
        JSON.stringify(SCALE_CONFIG),
      ]);
      for (const sql of ROW_SQL) await client.query(sql);
      await client.query('COMMIT');
      await client.query('ANALYZE');
    } finally {
      await client.end();
    }
  } finally {
    await db.$disconnect();
  }
  return url;
}

async function countRows(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = ['experiments', 'models', 'instances', 'selection_steps', 'selection_step_models'];
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = Number((await client.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
    return counts;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const url = await seedScaleDatabase(process.argv[2]);
  console.log(`Seeded ${url} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`Sign in as ${SCALE_USER.email} / ${SCALE_USER.password}`);
  console.log(await countRows(url));
}
