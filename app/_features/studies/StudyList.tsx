'use client';

import Link from 'next/link';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { enumLabel, formatDateTime } from '../../_components/format.ts';
import { NewStudyForm } from './NewStudyForm.tsx';

const STUDIES_QUERY = /* GraphQL */ `
  query Studies {
    studies(first: 100) {
      totalCount
      edges {
        node {
          id
          name
          description
          role
          createdAt
          experiments(first: 0) { totalCount }
        }
      }
    }
  }
`;

type StudiesData = {
  studies: {
    totalCount: number;
    edges: {
      node: {
        id: string;
        name: string;
        description: string;
        role: string;
        createdAt: string;
        experiments: { totalCount: number };
      };
    }[];
  };
};

/** Table of the studies the signed-in user is a member of. */
export function StudyList() {
  const { data, error, loading } = useGraphQLQuery<StudiesData>(STUDIES_QUERY, {});

  return (
    <>
      <div className="page-title">
        <h1>Studies</h1>
      </div>
      {error && <ErrorMessage error={error} what="studies" />}
      {!data && loading && <Loading what="studies" />}
      {data && data.studies.edges.length === 0 && (
        <p className="empty">You are not a member of any study yet. Create one below, or ask a study owner to add you.</p>
      )}
      {data && data.studies.edges.length > 0 && (
        <div className="table-wrap card">
          <table className="data-table">
            <caption className="visually-hidden">Your studies</caption>
            <thead>
              <tr>
                <th scope="col">Study</th>
                <th scope="col">Your role</th>
                <th scope="col" className="numeric">Experiments</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {data.studies.edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row">
                    <Link href={`/studies/${node.id}`}>{node.name}</Link>
                    {node.description && <div className="muted small">{node.description}</div>}
                  </th>
                  <td>{enumLabel(node.role)}</td>
                  <td className="numeric">{node.experiments.totalCount}</td>
                  <td>{formatDateTime(node.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewStudyForm />
    </>
  );
}
