/**
 * Rankings of whole experiments, kept in the server process so that paging
 * through a large experiment or reloading its page does not rank every model
 * again in Postgres.
 */
import type { Statistic } from '../../lib/config.ts';
import type { DbOrTx } from '../db.ts';
import { rankModels } from './model-ranking.ts';

// Rankings of 50 experiments under all eight statistics fit; each entry is one id per model.
const CACHE_LIMIT = 400;
const MAX_MODELS = 1_000_000_000;
const rankings = new Map<string, Promise<string[]>>();

/**
 * Returns one page of an experiment's models in the order of rankModels.
 * A robustness value depends only on the finished instances' test losses, so
 * the experiment's number of finished instances is part of the cache key. A
 * new finished instance makes a new key, and a finished experiment keeps its
 * ranking until the cache drops it.
 * The worker writes a result only to an instance that has not ended
 * (worker/instance-store.ts), so a finished test loss never changes.
 */
export async function rankModelsCached({
  db,
  experimentId,
  statistic,
  finishedInstances,
  offset,
  limit,
}: {
  db: DbOrTx;
  experimentId: string;
  statistic: Statistic;
  finishedInstances: number;
  offset: number;
  limit: number;
}): Promise<{ ids: string[]; total: number }> {
  const key = `${experimentId}:${statistic}:${finishedInstances}`;
  let ranking = rankings.get(key);
  if (!ranking) {
    ranking = rankModels({ db, experimentId, statistic, offset: 0, limit: MAX_MODELS }).then((result) => result.ids);
    if (rankings.size >= CACHE_LIMIT) rankings.delete(rankings.keys().next().value!);
    rankings.set(key, ranking);
    ranking.catch(() => rankings.delete(key));
  }

  const ids = await ranking;
  return { ids: ids.slice(offset, offset + limit), total: ids.length };
}
