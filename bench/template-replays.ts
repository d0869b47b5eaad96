/**
 * Replays the selection over the exhaustive reference of the latest finished
 * model-search template run with other warm-up steps and instance caps
 * (n_max), and prints each replay's selected-model rank, trainings and saving
 * factor. It trains nothing: a cap below the run's n_max replays over the
 * first instances of every model, as a run with that cap would have trained.
 *
 * Run: npx tsx bench/template-replays.ts --database-url postgresql://… [--warmups 1,2,3] [--caps 12,16,20]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Statistic, ThresholdRule } from '../lib/config.ts';
import { replaySelection, type ReplayModel } from '../lib/templates-replay.ts';
import { modelSearchParamsSchema } from '../lib/templates.ts';

const { values: options } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    warmups: { type: 'string', default: '1,2,3' },
    caps: { type: 'string', default: '12,16,20' },
  },
});
if (!options['database-url']) throw new Error('Missing --database-url: the Postgres URL of the database that contains the template run.');
const parseList = (text: string, option: string) =>
  text.split(',').map((entry) => {
    const value = Number(entry);
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`Invalid --${option} entry ${JSON.stringify(entry)}: expected a positive integer.`);
    return value;
  });
const warmups = parseList(options.warmups, 'warmups');
const caps = parseList(options.caps, 'caps');

const client = new pg.Client({ connectionString: options['database-url'] });
await client.connect();
try {
  const { rows: runs } = await client.query(
    `SELECT tr.id, tr.params, tre.experiment_id FROM template_runs tr
       JOIN template_run_experiments tre ON tre.template_run_id = tr.id AND tre.key = 'reference'
      WHERE tr.template = 'model_search' AND tr.finished_at IS NOT NULL
      ORDER BY tr.created_at DESC LIMIT 1`,
  );
  if (runs.length === 0) throw new Error('No finished model-search template run found in this database.');
  const params = modelSearchParamsSchema.parse(runs[0].params);

  const { rows: instances } = await client.query(
    `SELECT m.id AS model_id, i.instance_index, i.status, i.test_loss FROM models m
       LEFT JOIN instances i ON i.model_id = m.id
      WHERE m.experiment_id = $1`,
    [runs[0].experiment_id],
  );
  const lossesByModel = new Map<string, (number | null)[]>();
  for (const row of instances) {
    const losses = lossesByModel.get(row.model_id) ?? Array.from({ length: params.maxInstances }, () => null);
    if (row.status === 'finished' && row.instance_index < params.maxInstances) losses[row.instance_index] = row.test_loss;
    lossesByModel.set(row.model_id, losses);
  }
  const models: ReplayModel[] = [...lossesByModel].map(([id, losses]) => ({ id, losses }));
  console.log(`Template run ${runs[0].id}: ${models.length} models x ${params.maxInstances} instances, quantile ${params.quantile}`);

  const replays: { statistic: Statistic; rule: ThresholdRule }[] = params.statistics.map((statistic) => ({ statistic, rule: { kind: 'quantile', q: params.quantile } }));
  if (params.racing) replays.push({ statistic: params.racing.statistic, rule: { kind: 'racing', confidence: params.racing.confidence } });

  console.log('| n_max | warm-up | statistic | rule | rank | trainings | saving factor |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const cap of caps.filter((candidate) => candidate <= params.maxInstances)) {
    for (const warmupSteps of warmups.filter((candidate) => candidate < cap)) {
      for (const { statistic, rule } of replays) {
        const result = replaySelection({ models, statistic, rule, warmupSteps, maxInstances: cap });
        console.log(`| ${cap} | ${warmupSteps} | ${statistic} | ${rule.kind} | ${result.rank} of ${models.length} | ${result.trainings} | ${result.savingFactor.toFixed(2)} |`);
      }
    }
  }
} finally {
  await client.end();
}
