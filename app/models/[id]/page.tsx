import { ModelView } from '../../_features/model/ModelView.tsx';

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ModelView modelId={id} />;
}
