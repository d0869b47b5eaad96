import { UploadDatasetForm } from '../../../../_features/datasets/UploadDatasetForm.tsx';

export default async function UploadDatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UploadDatasetForm studyId={id} />;
}
