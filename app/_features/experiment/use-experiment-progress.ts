'use client';

import { useEffect, useRef, useState } from 'react';
import { getSubscriptionClient } from '../../_components/graphql-client.ts';
import { PROGRESS_FIELDS, isLive, type Progress } from './experiment-query.ts';

const PROGRESS_SUBSCRIPTION = /* GraphQL */ `
  subscription ExperimentProgress($id: ID!) {
    experimentProgress(id: $id) { ...ProgressFields }
  }
  ${PROGRESS_FIELDS}
`;

/** Minimum time between two page refetches caused by progress events. */
const REFETCH_INTERVAL_MS = 1500;

/** Refetch period while live, so that an event missed before the subscription started cannot stall the page. */
const FALLBACK_POLL_MS = 10_000;

/**
 * Subscribes to `experimentProgress` while the experiment is queued or running.
 * Returns the latest progress event. It calls `refetch` after events, at most
 * once per REFETCH_INTERVAL_MS but always after the last event of a burst, and
 * at once when an event reports that the experiment ended.
 */
export function useExperimentProgress(experimentId: string, status: string | undefined, refetch: () => Promise<void>) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [connectionError, setConnectionError] = useState<string | null>(null);
  const refetchRef = useRef(refetch);
  useEffect(() => {
    refetchRef.current = refetch;
  }, [refetch]);
  const live = status !== undefined && isLive(status);

  useEffect(() => {
    if (!live) return;

    let lastRefetch = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const scheduleRefetch = (immediately: boolean) => {
      if (timer && !immediately) return;
      if (timer) clearTimeout(timer);
      const wait = immediately ? 0 : Math.max(0, lastRefetch + REFETCH_INTERVAL_MS - Date.now());
      timer = setTimeout(() => {
        timer = null;
        lastRefetch = Date.now();
        void refetchRef.current();
      }, wait);
    };

    const unsubscribe = getSubscriptionClient().subscribe<{ experimentProgress: Progress }>(
      { query: PROGRESS_SUBSCRIPTION, variables: { id: experimentId } },
      {
        next: (message) => {
          const event = message.data?.experimentProgress;
          if (!event) return;
          setProgress(event);
          setConnectionError(null);
          scheduleRefetch(!isLive(event.status));
        },
        error: (error) => {
          const message = error instanceof Error ? error.message : 'the connection closed';
          setConnectionError(`Live updates stopped: ${message}`);
        },
        complete: () => {},
      },
    );

    const poll = setInterval(() => scheduleRefetch(false), FALLBACK_POLL_MS);

    return () => {
      unsubscribe();
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    };
  }, [experimentId, live]);

  return { progress, connectionError };
}
