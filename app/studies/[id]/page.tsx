import { StudyExperiments } from '../../_features/studies/StudyExperiments.tsx';

export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StudyExperiments studyId={id} />;
}
