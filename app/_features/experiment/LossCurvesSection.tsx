'use client';

import { useEffect, useRef } from 'react';
import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { LossCurvesChart } from '../charts/LossCurvesChart.tsx';
import { CURVES_QUERY, type ModelCurves } from './experiment-query.ts';

/** Loads and draws the loss curves of one model; loads again when the model's finished instance count changes. */
export function LossCurvesSection({ modelId, instanceCount }: { modelId: string; instanceCount: number }) {
  const { data, error, refetch } = useGraphQLQuery<{ model: ModelCurves | null }>(CURVES_QUERY, { id: modelId });
  const seenCount = useRef(instanceCount);

  useEffect(() => {
    if (seenCount.current === instanceCount) return;
    seenCount.current = instanceCount;
    void refetch();
  }, [instanceCount, refetch]);

  if (error) return <p className="error-text">Could not load the loss curves: {error.message}</p>;
  if (!data?.model) return <p className="muted">Loading loss curves…</p>;
  return <LossCurvesChart model={data.model} />;
}
