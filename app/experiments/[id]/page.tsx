import { ExperimentView } from '../../_features/experiment/ExperimentView.tsx';

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ExperimentView experimentId={id} />;
}
