import { MembersPanel } from '../../_features/members/MembersPanel.tsx';
import { StudyDatasets } from '../../_features/datasets/StudyDatasets.tsx';
import { StudyExperiments } from '../../_features/studies/StudyExperiments.tsx';

export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <StudyExperiments studyId={id} />
      <StudyDatasets studyId={id} />
      <MembersPanel studyId={id} />
    </>
  );
}
