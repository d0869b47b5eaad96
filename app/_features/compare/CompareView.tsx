'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { STATISTICS, statisticLabel } from '../../_components/format.ts';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { compareQueryString, parseCompareParams, type CompareSelection } from './compare-params.ts';
import {
  COMPARE_EXPERIMENTS_QUERY,
  COMPARE_MODELS_QUERY,
  STUDY_EXPERIMENTS_QUERY,
  comparabilityWarningOf,
  toEntries,
  type StudyExperimentsResult,
  type ExperimentComparisonResult,
  type ModelComparisonResult,
} from './compare-query.ts';
import { CompareTable } from './CompareTable.tsx';
import { ExperimentPicker } from './ExperimentPicker.tsx';
import { LossComparisonChart } from './LossComparisonChart.tsx';
import { PairComparison } from './PairComparison.tsx';
import './compare.css';

type CompareData = { compareExperiments?: ExperimentComparisonResult[]; compareModels?: ModelComparisonResult[] };

/**
 * Renders the comparison of experiments or models of a study. The whole
 * selection lives in the URL (compare-params.ts), so a comparison can be
 * bookmarked and shared, and back and forward step through changes.
 */
export function CompareView({ studyId }: { studyId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const selection = parseCompareParams(new URLSearchParams(searchParams.toString()));
  const { data: studyData } = useGraphQLQuery<StudyExperimentsResult>(STUDY_EXPERIMENTS_QUERY, { id: studyId });
  const studyExperiments = studyData?.study?.experiments.edges.map((edge) => edge.node) ?? [];
  const navigate = (next: CompareSelection) => {
    const queryString = compareQueryString(next);
    router.replace(queryString ? `${pathname}?${queryString}` : pathname, { scroll: false });
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span> <Link href={`/studies/${studyId}`}>{studyData?.study?.name ?? 'Study'}</Link>{' '}
        <span aria-hidden="true">/</span> Compare
      </nav>
      <div className="page-title">
        <div>
          <h1>Compare {selection.mode}</h1>
          <p className="muted">
            {selection.mode === 'experiments'
              ? 'Instance test losses of every model of each experiment; the robustness value is that of its selected model, or of its best model so far.'
              : 'Instance test losses of each model.'}
          </p>
        </div>
      </div>

      <div className="compare-toolbar">
        <div className="field">
          <label htmlFor="compare-statistic">Statistic</label>
          <select
            id="compare-statistic"
            value={selection.statistic ?? ''}
            onChange={(event) => navigate({ ...selection, statistic: event.target.value || null })}
          >
            <option value="">Each experiment&apos;s own</option>
            {STATISTICS.map((statistic) => (
              <option key={statistic} value={statistic}>
                {statisticLabel(statistic)}
              </option>
            ))}
          </select>
        </div>
        {selection.mode === 'experiments' && (
          <ExperimentPicker experiments={studyExperiments} chosen={selection.ids} onAdd={(id) => navigate({ ...selection, ids: [...selection.ids, id] })} />
        )}
      </div>

      {selection.ids.length === 0 ? (
        <p className="empty">
          Nothing to compare yet. Tick experiments on the <Link href={`/studies/${studyId}`}>study page</Link> or add them above.
        </p>
      ) : (
        <CompareResults selection={selection} navigate={navigate} />
      )}
    </>
  );
}

/** Renders the chart, the table and the pairwise comparison of a non-empty selection. */
function CompareResults({ selection, navigate }: { selection: CompareSelection; navigate: (next: CompareSelection) => void }) {
  const pathname = usePathname();
  const query = selection.mode === 'models' ? COMPARE_MODELS_QUERY : COMPARE_EXPERIMENTS_QUERY;
  const { data, error, loading } = useGraphQLQuery<CompareData>(query, { ids: selection.ids, statistic: selection.statistic });
  const entries = useMemo(() => toEntries(data), [data]);
  const warning = comparabilityWarningOf(data);
  const withModels = entries.filter((entry) => entry.model !== null);
  const pairA = selection.a ?? withModels[0]?.model?.id ?? null;
  const pairB = selection.b ?? withModels.find((entry) => entry.model?.id !== pairA)?.model?.id ?? null;
  const modelsHref = `${pathname}?${compareQueryString({
    mode: 'models',
    ids: withModels.map((entry) => entry.model!.id),
    statistic: selection.statistic,
    a: null,
    b: null,
  })}`;

  return (
    <>
      {error ? (
        <ErrorMessage error={error} what="the comparison" />
      ) : !data ? (
        loading ? <Loading what="the comparison" /> : null
      ) : (
        <>
          {warning && (
            <p role="note" aria-label="Comparability" className="compare-warning">
              {warning}
            </p>
          )}
          <section className="card chart-card" aria-labelledby="compare-chart-title">
            <h2 id="compare-chart-title">Instance test losses</h2>
            <LossComparisonChart entries={entries} />
          </section>
          <CompareTable
            entries={entries}
            mode={selection.mode}
            onRemove={(id) => {
              const ids = selection.ids.filter((candidate) => candidate !== id);
              navigate({ ...selection, ids, a: null, b: null });
            }}
          />
          {selection.mode === 'experiments' && withModels.length >= 2 && (
            <p>
              <Link className="button" href={modelsHref}>
                Compare their selected models
              </Link>
            </p>
          )}
          {pairA && pairB ? (
            <PairComparison entries={withModels} a={pairA} b={pairB} onChange={(pair) => navigate({ ...selection, ...pair })} />
          ) : (
            <p className="muted">The head-to-head comparison needs two columns that have a model with finished instances.</p>
          )}
        </>
      )}
    </>
  );
}
