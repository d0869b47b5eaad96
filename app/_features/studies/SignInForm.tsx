'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { useSession, type SessionUser } from '../../_components/session.tsx';

const SIGN_IN_MUTATION = /* GraphQL */ `
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) { id email name }
  }
`;

/** Returns `next` when it is a path on this site, so that sign-in cannot redirect elsewhere. */
function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/sign-in')) return '/';
  return next;
}

/** Email and password form; on success it stores the session user and goes back to `next`. */
export function SignInForm() {
  const router = useRouter();
  const nextPath = safeNextPath(useSearchParams().get('next'));
  const { user, setUser } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (user) router.replace(nextPath);
  }, [user, nextPath, router]);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const data = await graphqlRequest<{ signIn: SessionUser }>(SIGN_IN_MUTATION, { email, password });
      setUser(data.signIn);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="sign-in card">
      <h1>Sign in to Robustlab</h1>
      <form onSubmit={handleSubmit} className="form-stack" aria-describedby={error ? 'sign-in-error' : undefined}>
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p id="sign-in-error" role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
