/**
 * The experiment filter of the study page, kept in the URL's search params so
 * that a link shows a colleague the same view. Parameters: q (name text),
 * tag (repeatable), dataset, status (repeatable), from and to (YYYY-MM-DD,
 * creation date, inclusive), stat (statistic), vmin and vmax (selected model's value).
 */

/** The filter as the form edits it: strings, empty meaning "any". */
export type FilterForm = {
  q: string;
  tags: string[];
  dataset: string;
  statuses: string[];
  from: string;
  to: string;
  stat: string;
  vmin: string;
  vmax: string;
};

export const EMPTY_FILTER: FilterForm = { q: '', tags: [], dataset: '', statuses: [], from: '', to: '', stat: '', vmin: '', vmax: '' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the filter from search params; unknown or malformed values are ignored. */
export function parseFilterParams(params: URLSearchParams): FilterForm {
  const date = (name: string) => {
    const value = params.get(name) ?? '';
    return DATE.test(value) ? value : '';
  };
  const number = (name: string) => {
    const value = params.get(name) ?? '';
    return value !== '' && Number.isFinite(Number(value)) ? value : '';
  };
  return {
    q: params.get('q') ?? '',
    tags: params.getAll('tag').filter((tag) => tag !== ''),
    dataset: params.get('dataset') ?? '',
    statuses: params.getAll('status').filter((status) => /^[A-Z]+$/.test(status)),
    from: date('from'),
    to: date('to'),
    stat: /^[A-Z0-9_]+$/.test(params.get('stat') ?? '') ? params.get('stat')! : '',
    vmin: number('vmin'),
    vmax: number('vmax'),
  };
}

/** Writes the filter as search params, leaving out empty fields, in a fixed order so equal filters give equal URLs. */
export function filterToParams(filter: FilterForm): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q.trim()) params.set('q', filter.q.trim());
  for (const tag of filter.tags) params.append('tag', tag);
  if (filter.dataset) params.set('dataset', filter.dataset);
  for (const status of filter.statuses) params.append('status', status);
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  if (filter.stat) params.set('stat', filter.stat);
  if (filter.vmin) params.set('vmin', filter.vmin);
  if (filter.vmax) params.set('vmax', filter.vmax);
  return params;
}

/** Builds the `ExperimentFilter` input of `Study.searchExperiments`; dates cover whole UTC days. */
export function filterToInput(filter: FilterForm): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (filter.q.trim()) input.text = filter.q.trim();
  if (filter.tags.length > 0) input.tags = filter.tags;
  if (filter.dataset) input.dataset = filter.dataset;
  if (filter.statuses.length > 0) input.statuses = filter.statuses;
  if (filter.from) input.createdFrom = `${filter.from}T00:00:00.000Z`;
  if (filter.to) input.createdTo = `${filter.to}T23:59:59.999Z`;
  if (filter.stat) input.statistic = filter.stat;
  if (filter.vmin) input.selectedValueMin = Number(filter.vmin);
  if (filter.vmax) input.selectedValueMax = Number(filter.vmax);
  return input;
}
