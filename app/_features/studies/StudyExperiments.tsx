'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { compareExperimentsHref, MAX_COMPARED } from '../compare/compare-params.ts';
import { ActivityFeed, type ActivityData } from '../collaboration/ActivityFeed.tsx';
import { ExperimentFilters } from '../collaboration/ExperimentFilters.tsx';
import { filterToInput, filterToParams, parseFilterParams, type FilterForm } from '../collaboration/filter-params.ts';
import { NotesPanel } from '../collaboration/NotesPanel.tsx';
import type { NotePage } from '../collaboration/notes-query.ts';
import { STUDY_QUERY } from './study-query.ts';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { enumLabel } from '../../_components/format.ts';
import { ExperimentHistoryTable, type ExperimentRow } from './ExperimentHistoryTable.tsx';

type StudyData = {
  study: {
    id: string;
    name: string;
    description: string;
    role: string;
    experimentTags: { edges: { node: string }[] };
    /** All experiments of the study; requested only while a filter is active. */
    experiments?: { totalCount: number };
    searchExperiments: { totalCount: number; edges: { node: ExperimentRow }[] };
    notes: NotePage;
    activity: { totalCount: number; edges: { node: ActivityData }[] };
  } | null;
};

/** Renders the experiment history of one study with a button to start a new experiment. */
export function StudyExperiments({ studyId }: { studyId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filter = parseFilterParams(new URLSearchParams(searchParams.toString()));
  const filterKey = filterToParams(filter).toString();
  const [compared, setCompared] = useState<string[]>([]);
  const toggleCompared = (id: string) =>
    setCompared((current) => (current.includes(id) ? current.filter((other) => other !== id) : [...current, id].slice(-MAX_COMPARED)));
  const filtered = filterKey !== '';
  const { data, error, loading, refetch } = useGraphQLQuery<StudyData>(STUDY_QUERY, { id: studyId, filter: filterToInput(filter), filtered });
  const applyFilter = (next: FilterForm) => {
    const query = filterToParams(next).toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  if (error) return <ErrorMessage error={error} what="the study" />;
  if (!data) return loading ? <Loading what="the study" /> : null;
  if (!data.study) return <p className="empty">Study {studyId} was not found.</p>;

  const { study } = data;
  const canEdit = study.role === 'OWNER' || study.role === 'EDITOR';
  const experiments = study.searchExperiments.edges.map((edge) => edge.node);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span> {study.name}
      </nav>
      <div className="page-title">
        <div>
          <h1>{study.name}</h1>
          <p className="muted">
            {study.description || 'No description.'} Your role: {enumLabel(study.role)}.
          </p>
        </div>
        <div className="form-actions">
          <Link className="button" href={`/studies/${study.id}/templates`}>
            Templates
          </Link>
          {canEdit && (
            <Link className="button button-primary" href={`/studies/${study.id}/experiments/new`}>
              New experiment
            </Link>
          )}
        </div>
      </div>
      <h2>Experiments</h2>
      {/* Keyed by the URL filter, so that back and forward reset the form to the URL. */}
      <ExperimentFilters key={filterKey} filter={filter} knownTags={study.experimentTags.edges.map((edge) => edge.node)} onApply={applyFilter} />
      {experiments.length === 0 ? (
        <p className="empty">{filtered ? 'No experiment matches the filter.' : 'No experiments yet.'}</p>
      ) : (
        <>
          <ExperimentHistoryTable experiments={experiments} compare={{ selected: compared, onToggle: toggleCompared }} />
          <p className="muted small">
            {compared.length === 0 ? (
              'Tick experiments to compare them side by side.'
            ) : (
              <Link className="button button-small" href={compareExperimentsHref(study.id, compared)}>
                Compare {compared.length} selected
              </Link>
            )}
          </p>
        </>
      )}
      {study.searchExperiments.totalCount > experiments.length && (
        <p className="muted small">
          Showing the newest {experiments.length} of {study.searchExperiments.totalCount} matching experiments.
        </p>
      )}
      {filtered && (
        <p className="muted small" role="status">
          {study.searchExperiments.totalCount} of {study.experiments?.totalCount} experiments match the filter.
        </p>
      )}
      <div className="study-columns">
        <NotesPanel
          title="Study notes"
          target={{ kind: 'study', studyId: study.id }}
          notes={study.notes}
          canEditAll={canEdit}
          onChanged={() => void refetch()}
        />
        <ActivityFeed events={study.activity.edges.map((edge) => edge.node)} totalCount={study.activity.totalCount} />
      </div>
    </>
  );
}
