/**
 * The comparison selection as it lives in the URL of
 * /studies/[id]/compare: `experiments=<id>,<id>` or `models=<id>,<id>`, the
 * statistic, and the two models of the pairwise comparison (`a`, `b`).
 */

/** Maximum experiments or models of one comparison, the same limit as the API's. */
export const MAX_COMPARED = 12;

export type CompareMode = 'experiments' | 'models';

export type CompareSelection = {
  mode: CompareMode;
  /** Experiment ids in `experiments` mode, model ids in `models` mode, in display order. */
  ids: string[];
  /** GraphQL Statistic value such as `MEDIAN`, or null for each experiment's own. */
  statistic: string | null;
  /** Models of the pairwise comparison. Null picks the first two shown. */
  a: string | null;
  b: string | null;
};

const STATISTIC_VALUES = new Set(['MEAN', 'MEDIAN', 'Q3', 'Q3_IQR', 'MAX', 'MIN', 'STD', 'IQR']);

function parseIdList(value: string | null): string[] {
  if (!value) return [];
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  return [...new Set(ids)];
}

/** Reads the selection from URL parameters. `models` wins when both lists are present, and unknown statistics are ignored. */
export function parseCompareParams(params: URLSearchParams): CompareSelection {
  const models = parseIdList(params.get('models'));
  const mode: CompareMode = models.length > 0 ? 'models' : 'experiments';
  const statistic = params.get('statistic');
  return {
    mode,
    ids: mode === 'models' ? models : parseIdList(params.get('experiments')),
    statistic: statistic && STATISTIC_VALUES.has(statistic) ? statistic : null,
    a: params.get('a') || null,
    b: params.get('b') || null,
  };
}

/** Writes the selection as URL parameters, leaving out empty parts and keeping the commas readable. */
export function compareQueryString(selection: CompareSelection): string {
  const parts: string[] = [];
  if (selection.ids.length > 0) parts.push(`${selection.mode}=${selection.ids.map(encodeURIComponent).join(',')}`);
  if (selection.statistic) parts.push(`statistic=${selection.statistic}`);
  if (selection.a) parts.push(`a=${encodeURIComponent(selection.a)}`);
  if (selection.b) parts.push(`b=${encodeURIComponent(selection.b)}`);
  return parts.join('&');
}

/** Returns the link to the comparison of some experiments of a study. */
export function compareExperimentsHref(studyId: string, experimentIds: readonly string[]): string {
  const query = compareQueryString({ mode: 'experiments', ids: [...experimentIds], statistic: null, a: null, b: null });
  return `/studies/${encodeURIComponent(studyId)}/compare${query ? `?${query}` : ''}`;
}
