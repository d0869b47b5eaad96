import { InstabilityView } from '../../../_features/datasets/InstabilityView.tsx';

export default async function InstabilityPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <InstabilityView modelId={id} />;
}
