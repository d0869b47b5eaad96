'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ChartCanvas } from '../charts/ChartCanvas.tsx';
import { INSTABILITY_QUERY, SAMPLE_QUERY, type InstabilityData, type InstabilityNode } from './instability-query.ts';
import { SampleView } from './SampleView.tsx';

const ORDERS = [
  ['LOSS_STD_DESC', 'Loss spread'],
  ['DISAGREEMENT_DESC', 'Class disagreement'],
  ['MEAN_LOSS_DESC', 'Mean loss'],
  ['AVERAGED_LOSS_DESC', 'Loss of the averaged prediction'],
] as const;

function format(value: number | null): string {
  return value === null ? '—' : value.toPrecision(3);
}

function correctness(value: boolean | null): string {
  if (value === null) return 'undetermined';
  return value ? 'right' : 'wrong';
}

function SampleCell({ datasetId, index, shape, featureNames }: { datasetId: string; index: number; shape: number[]; featureNames?: string[] }) {
  const { data } = useGraphQLQuery<{ dataset: { samples: { items: { values: number[]; label: string | null; target: number }[] } } | null }>(SAMPLE_QUERY, { id: datasetId, index });
  const sample = data?.dataset?.samples.items[0];
  if (!sample) return <span className="muted small">…</span>;
  return (
    <>
      <SampleView values={sample.values} shape={shape} featureNames={featureNames} label={`Test sample ${index}`} />{' '}
      <span className="small">target {sample.label ?? sample.target.toPrecision(4)}</span>
    </>
  );
}

/** Shows the test samples of a model with the largest instability, optionally next to another model, and a chart of instability against mean loss. */
export function InstabilityView({ modelId }: { modelId: string }) {
  const [orderBy, setOrderBy] = useState<string>('LOSS_STD_DESC');
  const [compare, setCompare] = useState<string>('');
  const { data, error, loading } = useGraphQLQuery<InstabilityData>(INSTABILITY_QUERY, { id: modelId, orderBy, compare: compare || null });

  const chart = useMemo((): ChartConfiguration<'scatter'> => {
    const points = (data?.model?.all.edges ?? []).filter((edge) => edge.node.lossStd !== null).map((edge) => ({ x: edge.node.meanLoss, y: edge.node.lossStd! }));
    return {
      type: 'scatter',
      data: { datasets: [{ label: 'Test samples', data: points, backgroundColor: '#7a5af8', pointRadius: 2.5 }] },
      options: { scales: { x: { title: { display: true, text: 'Mean loss' } }, y: { title: { display: true, text: 'Loss std across instances' } } } },
    };
  }, [data]);

  if (error) return <ErrorMessage error={error} what="the per-sample instability" />;
  if (!data) return loading ? <Loading what="the per-sample instability" /> : null;
  if (!data.model) return <p className="empty">Model {modelId} was not found.</p>;
  const { model } = data;
  const { dataset } = model.experiment;
  const rows: InstabilityNode[] = model.top.edges.map((edge) => edge.node);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/experiments/${model.experiment.id}`}>{model.experiment.name}</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={`/models/${model.id}`}>{model.label}</Link> <span aria-hidden="true">/</span> Per-sample instability
      </nav>
      <h1>Per-sample instability of {model.label}</h1>
      <p className="muted">
        Test set of <Link href={`/datasets/${dataset.id}`}>{dataset.name}</Link>, {model.top.totalCount} samples. Spread is the standard deviation of a sample&apos;s loss across the
        model&apos;s finished instances; disagreement is the share of instances whose predicted class differs from the most frequent one.
      </p>
      <div className="field-inline">
        <label className="field">
          <span>Sort by</span>
          <select value={orderBy} onChange={(event) => setOrderBy(event.target.value)}>
            {ORDERS.map(([value, text]) => (
              <option key={value} value={value}>{text}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Compare with</span>
          <select value={compare} onChange={(event) => setCompare(event.target.value)}>
            <option value="">No other model</option>
            {model.experiment.models.edges.filter((edge) => edge.node.id !== model.id).map((edge) => (
              <option key={edge.node.id} value={edge.node.id}>{edge.node.label}</option>
            ))}
          </select>
        </label>
      </div>
      <ChartCanvas label="Instability against mean loss" config={chart} />
      <table className="data-table" aria-label="Most unstable samples">
        <thead>
          <tr>
            <th>Index</th><th>Sample</th><th>Loss std</th><th>Disagreement</th><th>Mean loss</th><th>Averaged prediction</th>
            {compare && <th>Compared: loss std / disagreement / averaged</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.sampleIndex}>
              <td>{row.sampleIndex}</td>
              <td><SampleCell datasetId={dataset.id} index={row.sampleIndex} shape={dataset.inputShape} featureNames={dataset.summary?.notes.featureNames} /></td>
              <td>{format(row.lossStd)}</td>
              <td>{(row.disagreement * 100).toFixed(0)}%</td>
              <td>{format(row.meanLoss)}</td>
              <td>{dataset.task === 'regression' ? `squared error ${format(row.averagedLoss)}` : `${correctness(row.averagedCorrect)} (loss ${format(row.averagedLoss)})`}</td>
              {compare && <td>{row.compared ? `${format(row.compared.lossStd)} / ${(row.compared.disagreement * 100).toFixed(0)}% / ${correctness(row.compared.averagedCorrect)}` : '—'}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
