/**
 * Ranks an experiment's models by robustness value inside Postgres, computing
 * only the requested statistic, so that a page of an experiment with
 * thousands of models reads one page of models instead of every model and
 * every instance. The SQL aggregates match lib/statistics.ts: quantiles use
 * percentile_cont (linear interpolation), std is stddev_samp (ddof = 1), and
 * fewer than two finished, finite test losses give an undefined value.
 * NOTE: Postgres interpolates quantiles with another formula than lib, so two
 * values that differ only in the last bits may rank in the other order.
 */
import { Prisma, type ModelStatus } from '../../generated/prisma/client.ts';
import type { Statistic } from '../../lib/config.ts';
import type { DbOrTx } from '../db.ts';

const Q1 = 'percentile_cont(0.25) WITHIN GROUP (ORDER BY i.test_loss)';
const Q2 = 'percentile_cont(0.5) WITHIN GROUP (ORDER BY i.test_loss)';
const Q3 = 'percentile_cont(0.75) WITHIN GROUP (ORDER BY i.test_loss)';

/** SQL aggregate of each statistic over `i.test_loss`; fixed strings, never built from input. */
const AGGREGATES: Record<Statistic, string> = {
  // Summed in ascending order, as lib/statistics.ts sums.
  mean: 'avg(i.test_loss ORDER BY i.test_loss)',
  median: Q2,
  q3: Q3,
  q3_iqr: `${Q3} + (${Q3} - ${Q1})`,
  max: 'max(i.test_loss)',
  min: 'min(i.test_loss)',
  std: 'stddev_samp(i.test_loss)',
  iqr: `${Q3} - ${Q1}`,
};

/**
 * Returns the ids of one page of an experiment's models, lowest robustness
 * value first, undefined values last and ties in id order (the order of
 * sortByRobustness), with the number of models that match `status`.
 */
export async function rankModels({
  db,
  experimentId,
  statistic,
  status,
  offset,
  limit,
}: {
  db: DbOrTx;
  experimentId: string;
  statistic: Statistic;
  status?: ModelStatus | null;
  offset: number;
  limit: number;
}): Promise<{ ids: string[]; total: number }> {
  const statusCondition = status ? Prisma.sql`AND m.status = ${status}::"ModelStatus"` : Prisma.empty;
  const rows = await db.$queryRaw<{ id: string; total: number }[]>`
    WITH ranked AS (
      SELECT m.id, CASE WHEN count(i.test_loss) >= 2 THEN ${Prisma.raw(AGGREGATES[statistic])} END AS value
      FROM models m
      LEFT JOIN LATERAL (
        -- OFFSET 0 keeps this a per-model index scan: a plain join makes Postgres scan every instance of every experiment.
        SELECT test_loss FROM instances
        WHERE model_id = m.id AND status = 'finished'
          AND test_loss IS NOT NULL AND test_loss NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
        OFFSET 0
      ) i ON true
      WHERE m.experiment_id = ${experimentId}::uuid ${statusCondition}
      GROUP BY m.id
    )
    SELECT id::text AS id, (count(*) OVER ())::int AS total FROM ranked
    ORDER BY value ASC NULLS LAST, id ASC
    OFFSET ${offset} LIMIT ${limit}`;

  if (rows.length > 0) return { ids: rows.map((row) => row.id), total: rows[0].total };
  const total = await db.model.count({ where: { experimentId, ...(status ? { status } : {}) } });
  return { ids: [], total };
}
