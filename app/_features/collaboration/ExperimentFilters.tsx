'use client';

import { useState, type FormEvent } from 'react';
import { STATISTICS, enumLabel, statisticLabel } from '../../_components/format.ts';
import { EMPTY_FILTER, type FilterForm } from './filter-params.ts';
import { parseTagInput } from './TagEditor.tsx';

const STATUSES = ['QUEUED', 'RUNNING', 'FINISHED', 'CANCELLED', 'FAILED'];

/** Search and filter form of the study's experiments. `onApply` receives the new filter, which the page writes to the URL. */
export function ExperimentFilters({ filter, knownTags, onApply }: { filter: FilterForm; knownTags: string[]; onApply: (filter: FilterForm) => void }) {
  const [form, setForm] = useState<FilterForm>(filter);
  const [tagText, setTagText] = useState(filter.tags.join(', '));
  const set = (patch: Partial<FilterForm>) => setForm((current) => ({ ...current, ...patch }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply({ ...form, tags: parseTagInput(tagText.toLowerCase()) });
  }

  function clear() {
    setForm(EMPTY_FILTER);
    setTagText('');
    onApply(EMPTY_FILTER);
  }

  return (
    <form className="card filter-form" role="search" aria-label="Filter experiments" onSubmit={submit}>
      <label className="field">
        <span>Name contains</span>
        <input type="search" value={form.q} onChange={(event) => set({ q: event.target.value })} />
      </label>
      <label className="field">
        <span>Tags</span>
        <input value={tagText} list="study-tags" placeholder="all of, comma-separated" onChange={(event) => setTagText(event.target.value)} />
        <datalist id="study-tags">
          {knownTags.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Dataset key</span>
        <input value={form.dataset} placeholder="for example mnist" onChange={(event) => set({ dataset: event.target.value.trim() })} />
      </label>
      <label className="field">
        <span>Status</span>
        <select value={form.statuses[0] ?? ''} onChange={(event) => set({ statuses: event.target.value ? [event.target.value] : [] })}>
          <option value="">Any</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {enumLabel(status)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Created from</span>
        <input type="date" value={form.from} onChange={(event) => set({ from: event.target.value })} />
      </label>
      <label className="field">
        <span>Created to</span>
        <input type="date" value={form.to} onChange={(event) => set({ to: event.target.value })} />
      </label>
      <label className="field">
        <span>Selected model statistic</span>
        <select value={form.stat} onChange={(event) => set({ stat: event.target.value })}>
          <option value="">Experiment&apos;s own</option>
          {STATISTICS.map((key) => (
            <option key={key} value={key}>
              {statisticLabel(key)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Selected value from</span>
        <input type="number" step="any" value={form.vmin} onChange={(event) => set({ vmin: event.target.value })} />
      </label>
      <label className="field">
        <span>Selected value to</span>
        <input type="number" step="any" value={form.vmax} onChange={(event) => set({ vmax: event.target.value })} />
      </label>
      <div className="note-actions">
        <button type="submit" className="button button-primary">
          Apply filter
        </button>
        <button type="button" className="button" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
