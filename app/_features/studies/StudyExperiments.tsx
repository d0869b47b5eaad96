'use client';

import Link from 'next/link';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { enumLabel } from '../../_components/format.ts';
import { ExperimentHistoryTable, type ExperimentRow } from './ExperimentHistoryTable.tsx';

const STUDY_QUERY = /* GraphQL */ `
  query StudyExperiments($id: ID!) {
    study(id: $id) {
      id
      name
      description
      role
      experiments(first: 100) {
        totalCount
        edges {
          node {
            id
            name
            status
            statistic
            startedAt
            durationMs
            modelCount
            dataset { key name version }
            selectedModel {
              id
              label
              robustnessValues { statistic value }
            }
          }
        }
      }
    }
  }
`;

type StudyData = {
  study: {
    id: string;
    name: string;
    description: string;
    role: string;
    experiments: { totalCount: number; edges: { node: ExperimentRow }[] };
  } | null;
};

/** Renders the experiment history of one study with a button to start a new experiment. */
export function StudyExperiments({ studyId }: { studyId: string }) {
  const { data, error, loading } = useGraphQLQuery<StudyData>(STUDY_QUERY, { id: studyId });

  if (error) return <ErrorMessage error={error} what="the study" />;
  if (!data) return loading ? <Loading what="the study" /> : null;
  if (!data.study) return <p className="empty">Study {studyId} was not found.</p>;

  const { study } = data;
  const canEdit = study.role === 'OWNER' || study.role === 'EDITOR';
  const experiments = study.experiments.edges.map((edge) => edge.node);

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
        {canEdit && (
          <Link className="button button-primary" href={`/studies/${study.id}/experiments/new`}>
            New experiment
          </Link>
        )}
      </div>
      <h2>Experiments</h2>
      {experiments.length === 0 ? (
        <p className="empty">No experiments yet.</p>
      ) : (
        <ExperimentHistoryTable experiments={experiments} />
      )}
      {study.experiments.totalCount > experiments.length && (
        <p className="muted small">
          Showing the newest {experiments.length} of {study.experiments.totalCount} experiments.
        </p>
      )}
    </>
  );
}
