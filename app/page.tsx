import { StudyList } from './_features/studies/StudyList.tsx';

export default function HomePage() {
  return <StudyList />;
}
