'use client';

import Link from 'next/link';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';

/** Datasets listed per study page, newest first. */
const DATASET_PAGE_SIZE = 200;

const STUDY_DATASETS_QUERY = `query StudyDatasets($id: ID!) {
  study(id: $id) { id role datasets(first: ${DATASET_PAGE_SIZE}) { totalCount edges { node { id key name task inputShape trainCount testCount } } } }
}`;

type DatasetRow = { id: string; key: string; name: string; task: string; inputShape: number[]; trainCount: number; testCount: number };
type StudyDatasetsData = {
  study: { id: string; role: string; datasets: { totalCount: number; edges: { node: DatasetRow }[] } } | null;
};

/** Lists the datasets uploaded to a study, with a link to upload another. */
export function StudyDatasets({ studyId }: { studyId: string }) {
  const { data } = useGraphQLQuery<StudyDatasetsData>(STUDY_DATASETS_QUERY, { id: studyId });
  if (!data?.study) return null;
  const canEdit = data.study.role === 'OWNER' || data.study.role === 'EDITOR';
  const datasets = data.study.datasets.edges.map((edge) => edge.node);
  return (
    <section aria-label="Datasets">
      <div className="page-title">
        <h2>Datasets</h2>
        {canEdit && (
          <Link className="button" href={`/studies/${studyId}/datasets/new`}>
            Upload dataset
          </Link>
        )}
      </div>
      {datasets.length === 0 ? (
        <p className="empty">No uploaded datasets. Experiments can use the built-in MNIST.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr><th>Name</th><th>Key (for experiment configs)</th><th>Task</th><th>Input shape</th><th>Training / test samples</th></tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => (
              <tr key={dataset.id}>
                <td><Link href={`/datasets/${dataset.id}`}>{dataset.name}</Link></td>
                <td><code>{dataset.key}</code></td>
                <td>{dataset.task}</td>
                <td>[{dataset.inputShape.join(', ')}]</td>
                <td>{dataset.trainCount} / {dataset.testCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.study.datasets.totalCount > datasets.length && (
        <p className="muted small" role="status">
          Showing the newest {datasets.length} of {data.study.datasets.totalCount} datasets.
        </p>
      )}
    </section>
  );
}
