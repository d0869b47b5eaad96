/**
 * Robustness values for the API. The bootstrap is seeded from the model id,
 * so a model's confidence interval is the same on every request.
 */
import type { Statistic } from '../../lib/config.ts';
import { robustnessValue, type RobustnessValue } from '../../lib/statistics.ts';

/** Reason reported with a null value, which needs at least two finished instances. */
export const UNDEFINED_REASON = 'fewer than 2 finished instances';

/** A robustness value as the API returns it. */
export interface ModelRobustness extends RobustnessValue {
  statistic: Statistic;
  undefinedReason: string | null;
}

/** Maps a model id to a 32-bit bootstrap seed (FNV-1a). */
export function bootstrapSeed(modelId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < modelId.length; i++) {
    hash ^= modelId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// Finished instances never change, so (model, statistic, count) identifies a value.
const CACHE_LIMIT = 20_000;
const cache = new Map<string, ModelRobustness>();

/** Computes a model's robustness value with its bootstrap confidence interval. */
export function computeRobustness(modelId: string, losses: readonly number[], statistic: Statistic): ModelRobustness {
  const key = `${modelId}:${statistic}:${losses.length}`;
  const cached = cache.get(key);
  if (cached) return cached;

  const value = robustnessValue(losses, statistic, { seed: bootstrapSeed(modelId) });
  const result = { ...value, statistic, undefinedReason: value.value === null ? UNDEFINED_REASON : null };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}

/** Computes only the value (no bootstrap), for sorting many models. */
export function computeValue(losses: readonly number[], statistic: Statistic): number | null {
  return robustnessValue(losses, statistic, { bootstrap: 0 }).value;
}

/**
 * Sorts models by robustness value, lowest (best) first. Models with an
 * undefined value come last, ties keep the id order so pages are stable.
 */
export function sortByRobustness<T extends { id: string }>(models: T[], lossesByModel: Map<string, number[]>, statistic: Statistic): T[] {
  const values = new Map(models.map((model) => [model.id, computeValue(lossesByModel.get(model.id) ?? [], statistic)]));
  return [...models].sort((a, b) => {
    const va = values.get(a.id) ?? null;
    const vb = values.get(b.id) ?? null;
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else if (va !== vb) {
      return va - vb;
    }
    return a.id.localeCompare(b.id);
  });
}
