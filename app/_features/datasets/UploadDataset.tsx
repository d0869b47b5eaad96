'use client';

import Link from 'next/link';
import { ErrorMessage, Loading } from '../../_components/PageState.tsx';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { UploadDatasetForm } from './UploadDatasetForm.tsx';

const UPLOAD_STUDY_QUERY = /* GraphQL */ `
  query UploadStudy($studyId: ID!) {
    study(id: $studyId) { id name role }
  }
`;

type UploadStudyData = { study: { id: string; name: string; role: string } | null };

/** Loads the study and shows the upload form to owners and editors; viewers get a notice in its place. */
export function UploadDataset({ studyId }: { studyId: string }) {
  const { data, error, loading } = useGraphQLQuery<UploadStudyData>(UPLOAD_STUDY_QUERY, { studyId });

  if (error) return <ErrorMessage error={error} what="the study" />;
  if (!data) return loading ? <Loading what="the study" /> : null;
  if (!data.study) return <p className="empty">Study {studyId} was not found.</p>;
  if (data.study.role !== 'VIEWER') return <UploadDatasetForm studyId={data.study.id} />;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/">Studies</Link> <span aria-hidden="true">/</span>{' '}
        <Link href={`/studies/${data.study.id}`}>{data.study.name}</Link> <span aria-hidden="true">/</span> Upload dataset
      </nav>
      <h1>Upload dataset</h1>
      <p className="notice" role="status">
        Viewers cannot upload datasets; ask an owner or editor of this study.
      </p>
    </>
  );
}
