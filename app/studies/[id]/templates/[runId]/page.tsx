import { TemplateRunView } from '../../../../_features/templates/TemplateRunView.tsx';

export default async function TemplateRunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  return <TemplateRunView runId={runId} />;
}
