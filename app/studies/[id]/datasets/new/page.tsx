import { UploadDataset } from '../../../../_features/datasets/UploadDataset.tsx';

export default async function UploadDatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UploadDataset studyId={id} />;
}
