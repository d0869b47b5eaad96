import { Suspense } from 'react';
import { SignInForm } from '../_features/studies/SignInForm.tsx';

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
