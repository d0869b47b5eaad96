'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatCount, formatDateTime } from '../../_components/format.ts';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { CANCEL_TEMPLATE_RUN_MUTATION, TEMPLATE_RUN_QUERY, type RunExperimentData, type TemplateRunData } from './template-query.ts';
import { TemplateSummaryView } from './TemplateSummaryView.tsx';
import './templates.css';

/** Milliseconds between reloads while the run is going. */
const POLL_INTERVAL_MS = 3000;

/** Shows a template run: progress of its experiments while it runs, then its finding. */
export function TemplateRunView({ runId }: { runId: string }) {
  const { data, error, loading, refetch } = useGraphQLQuery<TemplateRunData>(TEMPLATE_RUN_QUERY, { id: runId });
  const [cancelError, setCancelError] = useState<string | null>(null);
  const running = data?.templateRun?.status === 'RUNNING';

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refetch(), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [running, refetch]);

  if (error && !data) return <ErrorMessage error={error} what="the template run" />;
  if (!data) return loading ? <Loading what="the template run" /> : null;
  if (!data.templateRun) return <p className="empty">Template run {runId} was not found.</p>;

  const run = data.templateRun;
  const canEdit = run.study.role === 'OWNER' || run.study.role === 'EDITOR';
  const percent = Math.round(run.fraction * 100);
  const cancel = async () => {
    setCancelError(null);
    try {
      await graphqlRequest(CANCEL_TEMPLATE_RUN_MUTATION, { id: run.id });
      await refetch();
    } catch (caught) {
      setCancelError((caught as Error).message);
    }
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span> <Link href={`/studies/${run.study.id}`}>{run.study.name}</Link>{' '}
        <span aria-hidden="true">/</span> <Link href={`/studies/${run.study.id}/templates`}>Templates</Link> <span aria-hidden="true">/</span> {run.name}
      </nav>
      <div className="page-title">
        <div>
          <h1>{run.name}</h1>
          <p className="muted">
            {run.title} template · <StatusBadge status={run.status} /> · started {formatDateTime(run.createdAt)}
            {run.createdBy ? ` by ${run.createdBy.name}` : ''}
            {run.finishedAt ? ` · ended ${formatDateTime(run.finishedAt)}` : ''}
          </p>
        </div>
        {canEdit && running && (
          <button type="button" className="button button-danger" onClick={() => void cancel()}>
            Cancel run
          </button>
        )}
      </div>
      {cancelError && (
        <p className="form-error" role="alert">
          {cancelError}
        </p>
      )}
      {run.error && (
        <p className="form-error" role="alert">
          {run.error}
        </p>
      )}
      <section className="card" aria-labelledby="run-progress-label">
        <div className="progress">
          <div className="progress-label">
            <span id="run-progress-label">Run progress</span>
            <span className="progress-figures">
              {percent}% of the planned instances of {run.experiments.length} {run.experiments.length === 1 ? 'experiment' : 'experiments'}
            </span>
          </div>
          <div className="progress-track" role="progressbar" aria-labelledby="run-progress-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className={`progress-fill progress-${run.status.toLowerCase()}`} style={{ width: `${percent}%` }} />
          </div>
        </div>
        <RunExperimentsTable experiments={run.experiments} />
      </section>
      {run.summary ? (
        <TemplateSummaryView summary={run.summary} runName={run.name} />
      ) : (
        run.status === 'RUNNING' && <p className="muted">The finding appears here when every experiment has finished.</p>
      )}
      <details className="card">
        <summary>Params</summary>
        <pre className="template-params">{JSON.stringify(run.params, null, 2)}</pre>
      </details>
    </>
  );
}

function RunExperimentsTable({ experiments }: { experiments: RunExperimentData[] }) {
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Experiment</th>
          <th scope="col">Status</th>
          <th scope="col">Instances ended</th>
        </tr>
      </thead>
      <tbody>
        {experiments.map(({ key, experiment }) => {
          const ended = experiment.progress.finishedInstances + experiment.progress.divergedInstances + experiment.progress.failedInstances;
          return (
            <tr key={key}>
              <td className="model-label">{key}</td>
              <td>
                <Link href={`/experiments/${experiment.id}`}>{experiment.name}</Link>
              </td>
              <td>
                <StatusBadge status={experiment.status} />
              </td>
              <td>
                {formatCount(ended)} of {formatCount(experiment.progress.plannedInstances)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
