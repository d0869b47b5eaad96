import { NewExperiment } from '../../../../_features/experiment-form/NewExperiment.tsx';

export default async function NewExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <NewExperiment studyId={id} />;
}
