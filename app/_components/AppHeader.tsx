'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useSession } from './session.tsx';

/** Top bar with the product name, the signed-in user's email and a sign-out button. */
export function AppHeader() {
  const { user, signOut } = useSession();
  const [signOutError, setSignOutError] = useState<string | null>(null);

  async function handleSignOut() {
    try {
      await signOut();
    } catch (error) {
      setSignOutError(`Sign-out failed: ${(error as Error).message}`);
    }
  }

  return (
    <header className="app-header">
      <Link href="/" className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Robustlab
      </Link>
      {user && (
        <div className="app-header-user">
          <Link href="/workers">Workers</Link>
          <Link href="/settings">Settings</Link>
          <span className="user-email">{user.email}</span>
          <button type="button" className="button button-quiet" onClick={handleSignOut}>
            Sign out
          </button>
          {signOutError && <span role="alert" className="error-text">{signOutError}</span>}
        </div>
      )}
    </header>
  );
}
