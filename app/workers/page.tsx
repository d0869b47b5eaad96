import { WorkersView } from '../_features/workers/WorkersView.tsx';

export default function WorkersPage() {
  return <WorkersView />;
}
