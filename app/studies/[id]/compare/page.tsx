import { Suspense } from 'react';
import { CompareView } from '../../../_features/compare/CompareView.tsx';

export default async function ComparePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // CompareView reads the selection from the URL with useSearchParams, which needs a Suspense boundary.
  return (
    <Suspense>
      <CompareView studyId={id} />
    </Suspense>
  );
}
