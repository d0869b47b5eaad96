'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { EliminationPathChart } from '../charts/EliminationPathChart.tsx';
import { LossDistributionChart } from '../charts/LossDistributionChart.tsx';
import { ExperimentCollaboration } from '../collaboration/ExperimentCollaboration.tsx';
import { EXPERIMENT_QUERY, isLive, sortModels, valueOf, type ExperimentData } from './experiment-query.ts';
import { ExperimentHeader } from './ExperimentHeader.tsx';
import { LossCurvesSection } from './LossCurvesSection.tsx';
import { ModelsTable } from './ModelsTable.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { SelectedModelCard } from './SelectedModelCard.tsx';
import { highlightTitle } from './status-wording.ts';
import { useExperimentProgress } from './use-experiment-progress.ts';

/** Renders the experiment page: header, live progress, selected model, models table and charts. */
export function ExperimentView({ experimentId }: { experimentId: string }) {
  const { data, error, loading, refetch } = useGraphQLQuery<{ experiment: ExperimentData | null }>(EXPERIMENT_QUERY, { id: experimentId });
  const experiment = data?.experiment ?? null;
  const { progress: liveProgress, connectionError } = useExperimentProgress(experimentId, experiment?.status, refetch);
  const [tableStatistic, setTableStatistic] = useState<string | null>(null);
  const [curvesModelId, setCurvesModelId] = useState<string | null>(null);

  const statistic = tableStatistic ?? experiment?.statistic ?? 'MEDIAN';
  const models = useMemo(() => (experiment ? experiment.models.edges.map((edge) => edge.node) : []), [experiment]);
  const sortedModels = useMemo(() => sortModels(models, statistic), [models, statistic]);
  const bySelectionStatistic = useMemo(() => (experiment ? sortModels(models, experiment.statistic) : []), [models, experiment]);

  if (error && !experiment) return <ErrorMessage error={error} what="the experiment" />;
  if (!data) return loading ? <Loading what="the experiment" /> : null;
  if (!experiment) return <p className="empty">Experiment {experimentId} was not found.</p>;

  // While the experiment runs, the subscription event is newer than the page data. After it ends, the page data are final.
  const progress = isLive(experiment.status) && liveProgress ? liveProgress : experiment.progress;
  const selectedId = experiment.selectedModel?.id ?? null;
  // Without a selected model, the best model left is shown, and only when its robustness value is defined.
  const bestLeft = bySelectionStatistic.find((model) => model.status === 'ACTIVE');
  const bestLeftDefined = bestLeft && valueOf(bestLeft, experiment.statistic)?.value != null ? bestLeft : null;
  const highlightModel = models.find((model) => model.id === selectedId) ?? bestLeftDefined;
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
        statistic={statistic}
        selectedModelId={selectedId}
        curvesModelId={curvesModel?.id ?? null}
        onStatisticChange={setTableStatistic}
        onShowCurves={setCurvesModelId}
      />
      {experiment.models.totalCount > models.length && (
        <p className="muted small">Showing {models.length} of {experiment.models.totalCount} models.</p>
      )}
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
