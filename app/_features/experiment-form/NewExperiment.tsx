'use client';

import Link from 'next/link';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { ExperimentForm } from './ExperimentForm.tsx';
import type { DatasetOption } from './SpaceFields.tsx';

const NEW_EXPERIMENT_QUERY = /* GraphQL */ `
  query NewExperiment($studyId: ID!) {
    study(id: $studyId) { id name role }
    datasets(first: 1000) { edges { node { key name version task trainCount inputShape } } }
  }
`;

type NewExperimentData = {
  study: { id: string; name: string; role: string } | null;
  datasets: { edges: { node: DatasetOption }[] };
};

/** Loads the study and the datasets, then shows the new-experiment form. */
export function NewExperiment({ studyId }: { studyId: string }) {
  const { data, error, loading } = useGraphQLQuery<NewExperimentData>(NEW_EXPERIMENT_QUERY, { studyId });

  if (error) return <ErrorMessage error={error} what="the form" />;
  if (!data) return loading ? <Loading what="datasets" /> : null;
  if (!data.study) return <p className="empty">Study {studyId} was not found.</p>;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={`/studies/${data.study.id}`}>{data.study.name}</Link> <span aria-hidden="true">/</span> New experiment
      </nav>
      <div className="page-title">
        <h1>New experiment</h1>
      </div>
      {data.study.role === 'VIEWER' ? (
        <p className="notice" role="status">
          Viewers cannot create experiments; ask an owner or editor of this study.
        </p>
      ) : (
        <ExperimentForm studyId={data.study.id} datasets={data.datasets.edges.map((edge) => edge.node)} />
      )}
    </>
  );
}
