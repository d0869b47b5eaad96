'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { formatMetricValue } from './baselines.ts';
import { DATASET_QUERY, type DatasetData } from './dataset-query.ts';
import { DatasetSummaryPanel } from './DatasetSummaryPanel.tsx';
import { SampleView } from './SampleView.tsx';

const PAGE_SIZE = 12;

/** Renders the dataset page: summary, a sample browser with search by index, and the experiments that use the dataset. */
export function DatasetView({ datasetId }: { datasetId: string }) {
  const [part, setPart] = useState<'TEST' | 'TRAIN'>('TEST');
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState('');
  const { data, error, loading } = useGraphQLQuery<DatasetData>(DATASET_QUERY, { id: datasetId, part, offset, limit: PAGE_SIZE });

  if (error) return <ErrorMessage error={error} what="the dataset" />;
  if (!data) return loading ? <Loading what="the dataset" /> : null;
  if (!data.dataset) return <p className="empty">Dataset {datasetId} was not found.</p>;
  const { dataset } = data;
  const total = dataset.samples.totalCount;

  const jump = (event: FormEvent) => {
    event.preventDefault();
    const index = Number(search);
    if (Number.isInteger(index) && index >= 0 && index < total) setOffset(index);
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span>{' '}
        {dataset.studyId && (
          <>
            <Link href={`/studies/${dataset.studyId}`}>Study</Link> <span aria-hidden="true">/</span>{' '}
          </>
        )}
        {dataset.name}
      </nav>
      <div className="page-title">
        <div>
          <h1>{dataset.name}</h1>
          <p className="muted">
            {dataset.task === 'regression' ? 'Regression' : `Classification, ${dataset.classes} classes`} · input shape [{dataset.inputShape.join(', ')}] ·{' '}
            {dataset.trainCount} training samples · {dataset.testCount} test samples
          </p>
          <p className="muted small">Key {dataset.key} · checksum {dataset.checksum.slice(0, 16)}…</p>
        </div>
      </div>
      {dataset.summary && <DatasetSummaryPanel summary={dataset.summary} />}
      {dataset.baselines.length > 0 && (
        <section className="card" aria-labelledby="baselines-title">
          <h2 id="baselines-title">Baselines</h2>
          <dl className="figure-grid">
            {dataset.baselines.map((baseline) => (
              <div key={baseline.name}>
                <dt>{baseline.name}</dt>
                <dd>
                  {baseline.metric} {formatMetricValue(baseline.metric, baseline.value, baseline.unit)}
                </dd>
              </div>
            ))}
          </dl>
          <p className="muted small">Evaluated on the test set; each model page shows them beside the model&apos;s mean test metrics.</p>
        </section>
      )}

      <h2>Samples</h2>
      <form className="field-inline" onSubmit={jump} aria-label="Sample search">
        <select aria-label="Part" value={part} onChange={(event) => { setPart(event.target.value as 'TEST' | 'TRAIN'); setOffset(0); }}>
          <option value="TEST">Test set</option>
          <option value="TRAIN">Training pool</option>
        </select>
        <input aria-label="Sample index" type="number" min={0} max={total - 1} value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Index" />
        <button className="button button-small" type="submit">Go to index</button>
        <button className="button button-small" type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>Previous</button>
        <button className="button button-small" type="button" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>Next</button>
      </form>
      <table className="data-table" aria-label="Samples">
        <thead>
          <tr><th>Index</th><th>Target</th><th>Sample</th></tr>
        </thead>
        <tbody>
          {dataset.samples.items.map((sample) => (
            <tr key={sample.index}>
              <td>{sample.index}</td>
              <td>{sample.label ?? sample.target.toPrecision(5)}</td>
              <td><SampleView values={sample.values} shape={dataset.inputShape} featureNames={dataset.summary?.notes.featureNames} label={`Sample ${sample.index}`} /></td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Experiments using this dataset</h2>
      {dataset.experiments.totalCount === 0 ? (
        <p className="empty">No experiment uses this dataset yet.</p>
      ) : (
        <ul>
          {dataset.experiments.edges.map(({ node: experiment }) => (
            <li key={experiment.id}>
              <Link href={`/experiments/${experiment.id}`}>{experiment.name}</Link> <span className="muted small">({experiment.status.toLowerCase()})</span>
            </li>
          ))}
        </ul>
      )}
      {dataset.experiments.totalCount > dataset.experiments.edges.length && (
        <p className="muted small" role="status">
          Showing the newest {dataset.experiments.edges.length} of {dataset.experiments.totalCount} experiments.
        </p>
      )}
    </>
  );
}
