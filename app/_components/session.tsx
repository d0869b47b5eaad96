'use client';

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { graphqlRequest } from './graphql-client.ts';

export type SessionUser = { id: string; email: string; name: string };

type SessionState = {
  /** The signed-in user; null when anonymous, undefined while loading. */
  user: SessionUser | null | undefined;
  setUser: (user: SessionUser | null) => void;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionState | null>(null);

const ME_QUERY = /* GraphQL */ `query Me { me { id email name } }`;
const SIGN_OUT_MUTATION = /* GraphQL */ `mutation SignOut { signOut }`;

/**
 * Loads `me` once, in parallel with the page's own query, and sends anonymous
 * visitors to /sign-in. Pages render at once so that no query waits for `me`.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);

  useEffect(() => {
    graphqlRequest<{ me: SessionUser | null }>(ME_QUERY)
      .then((data) => setUser(data.me))
      .catch(() => setUser(null));
  }, []);

  useEffect(() => {
    if (user === null && pathname !== '/sign-in') {
      router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
    }
  }, [user, pathname, router]);

  const signOut = useCallback(async () => {
    await graphqlRequest<{ signOut: boolean }>(SIGN_OUT_MUTATION);
    setUser(null);
    router.replace('/sign-in');
  }, [router]);

  return <SessionContext.Provider value={{ user, setUser, signOut }}>{children}</SessionContext.Provider>;
}

/** Returns the session state of the nearest SessionProvider. */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside SessionProvider');
  return session;
}
