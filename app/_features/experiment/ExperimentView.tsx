'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { EliminationPathChart } from '../charts/EliminationPathChart.tsx';
import { LossDistributionChart } from '../charts/LossDistributionChart.tsx';
import { ExperimentCollaboration } from '../collaboration/ExperimentCollaboration.tsx';
import { EXPERIMENT_QUERY, isLive, sortModels, toExperimentData, valueOf, MODEL_PAGE_SIZE, type ExperimentResult } from './experiment-query.ts';
import { ExperimentHeader } from './ExperimentHeader.tsx';
import { LossCurvesSection } from './LossCurvesSection.tsx';
import { ModelPager } from './ModelPager.tsx';
import { ModelsTable } from './ModelsTable.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { SelectedModelCard } from './SelectedModelCard.tsx';
import { highlightTitle } from './status-wording.ts';
import { useExperimentProgress } from './use-experiment-progress.ts';

/** Renders the experiment page: header, live progress, selected model, models table and charts. */
export function ExperimentView({ experimentId }: { experimentId: string }) {
  const [tableStatistic, setTableStatistic] = useState<string | null>(null);
  // Cursors of the pages before the one shown, so that "Previous" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const variables = { id: experimentId, statistic: tableStatistic, after: cursors[cursors.length - 1] };
  const { data, error, loading, refetch } = useGraphQLQuery<{ experiment: ExperimentResult | null }>(EXPERIMENT_QUERY, variables);
  const experiment = useMemo(() => (data?.experiment ? toExperimentData(data.experiment) : null), [data]);
  const { progress: liveProgress, connectionError } = useExperimentProgress(experimentId, experiment?.status, refetch);
  const [curvesModelId, setCurvesModelId] = useState<string | null>(null);

  // The table shows the statistic of the data on screen, so that the column never mixes two statistics while a new ranking loads.
  const statistic = experiment?.tableStatistic ?? experiment?.statistic ?? 'MEDIAN';
  const models = useMemo(() => experiment?.models.nodes ?? [], [experiment]);
  const sortedModels = useMemo(() => sortModels(models, statistic), [models, statistic]);
  // The selected model is ranked and drawn in the elimination path also when it is not on the page.
  const bySelectionStatistic = useMemo(() => {
    if (!experiment) return [];
    const selected = experiment.selectedModel;
    const withSelected = selected && !models.some((model) => model.id === selected.id) ? [...models, selected] : models;
    return sortModels(withSelected, experiment.statistic);
  }, [models, experiment]);

  if (error && !experiment) return <ErrorMessage error={error} what="the experiment" />;
  if (!data) return loading ? <Loading what="the experiment" /> : null;
  if (!experiment) return <p className="empty">Experiment {experimentId} was not found.</p>;

  // While the experiment runs, the subscription event is newer than the page data. After it ends, the page data are final.
  const progress = isLive(experiment.status) && liveProgress ? liveProgress : experiment.progress;
  const selectedId = experiment.selectedModel?.id ?? null;
  // Without a selected model, the best model left is shown, and only when its robustness value is defined.
  const bestLeft = bySelectionStatistic.find((model) => model.status === 'ACTIVE');
  const bestLeftDefined = bestLeft && valueOf(bestLeft, experiment.statistic)?.value != null ? bestLeft : null;
  const highlightModel = models.find((model) => model.id === selectedId) ?? experiment.selectedModel ?? bestLeftDefined;
  const curvesModel = models.find((model) => model.id === curvesModelId) ?? highlightModel;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={`/studies/${experiment.study.id}`}>{experiment.study.name}</Link> <span aria-hidden="true">/</span>{' '}
        {experiment.name}
      </nav>
      <ExperimentHeader experiment={experiment} status={progress.status} onChanged={() => void refetch()} />
      <section className="card progress-card" aria-label="Progress">
        <ProgressBar progress={progress} />
        {connectionError && <p className="muted small">{connectionError}</p>}
        {error && <p className="error-text small">Refreshing failed: {error.message}</p>}
      </section>
      <div className="overview-grid">
        {highlightModel && (
          <SelectedModelCard
            model={highlightModel}
            statistic={experiment.statistic}
            status={experiment.status}
            final={selectedId !== null}
            modelCount={experiment.modelCount}
            stepCount={experiment.steps.length}
          />
        )}
        <section className="card chart-card" aria-labelledby="distribution-title">
          <h2 id="distribution-title">Test loss per instance</h2>
          <LossDistributionChart
            models={sortedModels}
            highlightId={highlightModel?.id ?? null}
            highlightName={highlightTitle(experiment.status, selectedId !== null)}
          />
        </section>
      </div>
      <ModelsTable
        models={sortedModels}
        rankOffset={(cursors.length - 1) * MODEL_PAGE_SIZE}
        statistic={statistic}
        selectedModelId={selectedId}
        curvesModelId={curvesModel?.id ?? null}
        onStatisticChange={(next) => {
          setTableStatistic(next);
          setCursors([null]);
        }}
        onShowCurves={setCurvesModelId}
      />
      <ModelPager
        offset={(cursors.length - 1) * MODEL_PAGE_SIZE}
        pageCount={models.length}
        total={experiment.models.totalCount}
        loading={loading}
        onPrevious={cursors.length > 1 ? () => setCursors(cursors.slice(0, -1)) : null}
        onNext={experiment.models.hasNextPage ? () => setCursors([...cursors, experiment.models.endCursor]) : null}
      />
      <div className="chart-grid">
        <section className="card chart-card" aria-labelledby="path-title">
          <h2 id="path-title">Elimination path</h2>
          <EliminationPathChart models={bySelectionStatistic} steps={experiment.steps} highlightId={highlightModel?.id ?? null} />
        </section>
        <section className="card chart-card" aria-labelledby="curves-title">
          <h2 id="curves-title">Loss curves{curvesModel ? `: ${curvesModel.label}` : ''}</h2>
          {curvesModel ? <LossCurvesSection modelId={curvesModel.id} instanceCount={curvesModel.instanceCount} /> : <p className="muted">No model yet.</p>}
        </section>
      </div>
      <ExperimentCollaboration experimentId={experiment.id} />
    </>
  );
}
