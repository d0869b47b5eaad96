import { DatasetView } from '../../_features/datasets/DatasetView.tsx';

export default async function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DatasetView datasetId={id} />;
}
