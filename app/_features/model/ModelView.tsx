'use client';

import Link from 'next/link';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatCount, formatDuration, formatValue, statisticLabel } from '../../_components/format.ts';
import { NotesPanel } from '../collaboration/NotesPanel.tsx';
import { formatMetricValue } from '../datasets/baselines.ts';
import { TagEditor } from '../collaboration/TagEditor.tsx';
import { MODEL_QUERY, type ModelInstanceRow, type ModelPageData } from './model-query.ts';
import { TestMetricsCard } from './TestMetricsCard.tsx';

/** Formats test metrics as `accuracy 97.1%` or `RMSE(E) 1.23 GeV, RMSE(E)/E 0.0412`; an em dash when there are none. */
function formatMetrics(metrics: ModelInstanceRow['testMetrics']): string {
  if (metrics.length === 0) return '—';
  return metrics.map(({ name, value, unit }) => `${name} ${formatMetricValue(name, value, unit)}`).join(', ');
}

/** Renders the model page: robustness values, instances, tags and comments. */
export function ModelView({ modelId }: { modelId: string }) {
  const { data, error, loading, refetch } = useGraphQLQuery<ModelPageData>(MODEL_QUERY, { id: modelId });
  if (error && !data) return <ErrorMessage error={error} what="the model" />;
  if (!data) return loading ? <Loading what="the model" /> : null;
  const { model } = data;
  if (!model) return <p className="empty">Model {modelId} was not found.</p>;

  const { experiment } = model;
  const canEdit = experiment.study.role === 'OWNER' || experiment.study.role === 'EDITOR';
  const instances = model.instances.edges.map((edge) => edge.node);
  const reload = () => void refetch();

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={`/studies/${experiment.study.id}`}>{experiment.study.name}</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={`/experiments/${experiment.id}`}>{experiment.name}</Link> <span aria-hidden="true">/</span> {model.label}
      </nav>
      <div className="page-title">
        <h1>
          {model.label} <StatusBadge status={model.status} />
        </h1>
        <Link className="button" href={`/models/${model.id}/instability`}>
          Per-sample instability
        </Link>
      </div>
      <TagEditor kind="model" id={model.id} tags={model.tags} canEdit={canEdit} onChanged={reload} />
      <section className="card" aria-labelledby="values-title">
        <h2 id="values-title">Robustness values</h2>
        <dl className="figure-grid compact">
          {model.robustnessValues.map((value) => (
            <div key={value.statistic}>
              <dt>{statisticLabel(value.statistic)}</dt>
              <dd title={value.undefinedReason ?? undefined}>
                {formatValue(value.value)}
                {value.ciLow != null && value.ciHigh != null && (
                  <span className="ci">
                    [{formatValue(value.ciLow)}, {formatValue(value.ciHigh)}]
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
        <p className="muted small">
          {model.instanceCount} finished instances · {formatCount(model.parameterCount)} parameters
          {model.eliminatedAtStep != null ? ` · eliminated at step ${model.eliminatedAtStep}` : ''}
        </p>
      </section>
      <TestMetricsCard instances={instances} baselines={experiment.dataset.baselines} partial={model.instances.totalCount > instances.length} />
      <section className="card" aria-labelledby="instances-title">
        <h2 id="instances-title">Instances</h2>
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Instances of {model.label}</caption>
            <thead>
              <tr>
                <th scope="col" className="numeric">Instance</th>
                <th scope="col" className="numeric">Step</th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">Test loss</th>
                <th scope="col">Test metrics</th>
                <th scope="col" className="numeric">Stopped early at epoch</th>
                <th scope="col" className="numeric">Duration</th>
                <th scope="col">Seeds (init, sample, shuffle)</th>
              </tr>
            </thead>
            <tbody>
              {instances.map((instance) => (
                <tr key={instance.id}>
                  <td className="numeric">{instance.instanceIndex}</td>
                  <td className="numeric">{instance.step}</td>
                  <td>
                    <StatusBadge status={instance.status} />
                  </td>
                  <td className="numeric">{formatValue(instance.testLoss)}</td>
                  <td className="small">{formatMetrics(instance.testMetrics)}</td>
                  <td className="numeric">{instance.stoppedEpoch ?? '—'}</td>
                  <td className="numeric">{formatDuration(instance.durationMs)}</td>
                  <td className="small">
                    {instance.seeds.init}, {instance.seeds.sample}, {instance.seeds.shuffle}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {model.instances.totalCount > instances.length && (
          <p className="muted small">
            Showing the first {instances.length} of {model.instances.totalCount} instances.
          </p>
        )}
      </section>
      <NotesPanel title="Comments" target={{ kind: 'model', modelId: model.id }} notes={model.comments} canEditAll={canEdit} onChanged={reload} />
    </>
  );
}
