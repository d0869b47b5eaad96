import { TemplatesView } from '../../../_features/templates/TemplatesView.tsx';

export default async function StudyTemplatesPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TemplatesView studyId={id} />;
}
