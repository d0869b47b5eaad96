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
const SIGN_UP_MUTATION = /* GraphQL */ `
  mutation SignUp($email: String!, $name: String!, $password: String!) {
    signUp(email: $email, name: $name, password: $password) { id email name }
  }
`;
const SIGN_UP_OPEN_QUERY = /* GraphQL */ `
  query SignUpOpen {
    signUpOpen
  }
`;

/** Returns `next` when it is a path on this site, so that sign-in cannot redirect elsewhere. */
function safeNextPath(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/sign-in')) return '/';
  return next;
}

/** Email and password form to sign in or create an account; on success it stores the session user and goes back to `next`. */
export function SignInForm() {
  const router = useRouter();
  const nextPath = safeNextPath(useSearchParams().get('next'));
  const { user, setUser } = useSession();
  const [mode, setMode] = useState<'signIn' | 'signUp'>('signIn');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Hidden until the server reports sign-up as open (ROBUSTLAB_SIGNUP), so a closed server never shows it.
  const [signUpOpen, setSignUpOpen] = useState(false);

  useEffect(() => {
    if (user) router.replace(nextPath);
  }, [user, nextPath, router]);

  useEffect(() => {
    graphqlRequest<{ signUpOpen: boolean }>(SIGN_UP_OPEN_QUERY, {})
      .then((data) => setSignUpOpen(data.signUpOpen))
      .catch(() => setSignUpOpen(false));
  }, []);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      if (mode === 'signUp') {
        const data = await graphqlRequest<{ signUp: SessionUser }>(SIGN_UP_MUTATION, { email, name, password });
        setUser(data.signUp);
      } else {
        const data = await graphqlRequest<{ signIn: SessionUser }>(SIGN_IN_MUTATION, { email, password });
        setUser(data.signIn);
      }
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <section className="sign-in card">
      <h1>{mode === 'signUp' ? 'Create a Robustlab account' : 'Sign in to Robustlab'}</h1>
      <form onSubmit={handleSubmit} className="form-stack" aria-describedby={error ? 'sign-in-error' : undefined}>
        {mode === 'signUp' && (
          <label className="field">
            <span>Name</span>
            <input name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <label className="field">
          <span>Email</span>
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autoComplete={mode === 'signUp' ? 'new-password' : 'current-password'}
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
          {submitLabel(mode, pending)}
        </button>
      </form>
      {signUpOpen ? (
        <button type="button" className="button button-quiet" onClick={() => setMode(mode === 'signUp' ? 'signIn' : 'signUp')}>
          {mode === 'signUp' ? 'I have an account: sign in' : 'No account yet? Create one'}
        </button>
      ) : (
        <p className="hint">No account yet? Ask an administrator of this server to create one.</p>
      )}
    </section>
  );
}

function submitLabel(mode: 'signIn' | 'signUp', pending: boolean): string {
  if (mode === 'signUp') return pending ? 'Creating account…' : 'Create account';
  return pending ? 'Signing in…' : 'Sign in';
}
