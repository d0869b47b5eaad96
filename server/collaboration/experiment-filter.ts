/**
 * Search and filter of a study's experiments: name text, tags, dataset,
 * status, creation date range and the robustness value of the selected model.
 */
import type { Experiment, ExperimentStatus, Prisma } from '../../generated/prisma/client.ts';
import type { ExperimentConfig, Statistic } from '../../lib/config.ts';
import { loadModelTestLosses } from '../data/experiments.ts';
import type { DbOrTx } from '../db.ts';
import { computeValue } from '../experiments/robustness.ts';
import { badUserInput } from '../graphql/errors.ts';
import { totalOfPage } from '../graphql/paging.ts';
import { normalizeTags } from './tags.ts';

/** A filter as the API receives it; every field is optional and the fields combine with AND. */
export interface ExperimentFilter {
  /** Case-insensitive substring of the experiment name. */
  text?: string | null;
  /** Experiments carrying every one of these tags. */
  tags?: string[] | null;
  /** Dataset key, for example `mnist`. */
  dataset?: string | null;
  statuses?: ExperimentStatus[] | null;
  createdFrom?: Date | null;
  createdTo?: Date | null;
  /** Statistic of the selected-model bounds; each experiment's own statistic when null. */
  statistic?: Statistic | null;
  selectedValueMin?: number | null;
  selectedValueMax?: number | null;
}

/** Builds the Prisma condition of every part of the filter except the selected-model value. */
export function filterWhere(studyId: string, filter: ExperimentFilter): Prisma.ExperimentWhereInput {
  if (filter.createdFrom && filter.createdTo && filter.createdFrom > filter.createdTo) {
    throw badUserInput(
      `Invalid filter: createdFrom ${filter.createdFrom.toISOString()} is after createdTo ${filter.createdTo.toISOString()}.`,
      'filter',
    );
  }
  const tags = filter.tags ? normalizeTags(filter.tags, 'filter.tags') : [];
  const text = filter.text?.trim();

  return {
    studyId,
    ...(text ? { name: { contains: text, mode: 'insensitive' as const } } : {}),
    ...(filter.dataset ? { dataset: { key: filter.dataset } } : {}),
    ...(filter.statuses && filter.statuses.length > 0 ? { status: { in: filter.statuses } } : {}),
    ...(filter.createdFrom || filter.createdTo
      ? { createdAt: { ...(filter.createdFrom ? { gte: filter.createdFrom } : {}), ...(filter.createdTo ? { lte: filter.createdTo } : {}) } }
      : {}),
    ...(tags.length > 0 ? { AND: tags.map((tag) => ({ tags: { some: { tag } } })) } : {}),
  };
}

function hasValueBounds(filter: ExperimentFilter): boolean {
  return filter.selectedValueMin != null || filter.selectedValueMax != null;
}

/** Keeps the experiments whose selected model's robustness value lies within the filter's bounds. */
async function filterBySelectedValue(db: DbOrTx, experiments: Experiment[], filter: ExperimentFilter): Promise<Experiment[]> {
  const withSelected = experiments.filter((experiment) => experiment.selectedModelId !== null);
  const losses = await loadModelTestLosses({ db, modelIds: withSelected.map((experiment) => experiment.selectedModelId!) });

  return withSelected.filter((experiment) => {
    const statistic = filter.statistic ?? (experiment.config as unknown as ExperimentConfig).selection.statistic;
    const value = computeValue(losses.get(experiment.selectedModelId!) ?? [], statistic);
    if (value === null) return false;
    if (filter.selectedValueMin != null && value < filter.selectedValueMin) return false;
    return filter.selectedValueMax == null || value <= filter.selectedValueMax;
  });
}

/** Lists a study's experiments that match the filter, newest first. */
export async function searchExperiments({
  db,
  studyId,
  filter,
  offset,
  limit,
}: {
  db: DbOrTx;
  studyId: string;
  filter: ExperimentFilter;
  offset: number;
  limit: number;
}): Promise<{ items: Experiment[]; total: number }> {
  const where = filterWhere(studyId, filter);
  const orderBy = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

  if (!hasValueBounds(filter)) {
    const items = limit === 0 ? [] : await db.experiment.findMany({ where, orderBy, skip: offset, take: limit });
    const total = await totalOfPage({ offset, limit }, items.length, () => db.experiment.count({ where }));
    return { items, total };
  }

  // NOTE: the value is computed from the instances, so this branch loads every experiment that matches the rest of the filter.
  const matching = await filterBySelectedValue(db, await db.experiment.findMany({ where: { ...where, selectedModelId: { not: null } }, orderBy }), filter);
  return { items: matching.slice(offset, offset + limit), total: matching.length };
}
