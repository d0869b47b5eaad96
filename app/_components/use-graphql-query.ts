'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { graphqlRequest, isUnauthenticated } from './graphql-client.ts';

export type QueryState<T> = {
  data: T | null;
  error: Error | null;
  loading: boolean;
  /** Runs the query again; the previous data stays visible until the new data arrive. */
  refetch: () => Promise<void>;
};

/**
 * Runs a GraphQL query on mount and whenever `variables` change (compared as JSON).
 * An UNAUTHENTICATED error sends the user to the sign-in page.
 */
export function useGraphQLQuery<T>(query: string, variables: Record<string, unknown>): QueryState<T> {
  const router = useRouter();
  const pathname = usePathname();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const variablesKey = JSON.stringify(variables);
  const latestRequest = useRef(0);

  const run = useCallback(async () => {
    const request = ++latestRequest.current;
    setLoading(true);
    try {
      const result = await graphqlRequest<T>(query, JSON.parse(variablesKey) as Record<string, unknown>);
      if (request !== latestRequest.current) return;
      setData(result);
      setError(null);
    } catch (caught) {
      if (request !== latestRequest.current) return;
      if (isUnauthenticated(caught)) {
        router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
        return;
      }
      setError(caught as Error);
    } finally {
      if (request === latestRequest.current) setLoading(false);
    }
  }, [query, variablesKey, router, pathname]);

  useEffect(() => {
    void run();
  }, [run]);

  return { data, error, loading, refetch: run };
}
