'use client';

import { useEffect, useState } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { formatCount } from '../../_components/format.ts';

const PREVIEW_QUERY = /* GraphQL */ `
  query PreviewModelSpace($dataset: String!, $config: JSON!) {
    previewModelSpace(dataset: $dataset, config: $config) {
      modelCount
      overBudget
      spaceSize
      withinBudget
      sampling
      exhaustiveTrainings
      trainings { min expected max }
    }
  }
`;

type Preview = {
  modelCount: number;
  overBudget: number;
  spaceSize: number;
  withinBudget: number;
  sampling: 'GRID' | 'RANDOM';
  exhaustiveTrainings: number;
  trainings: { min: number; expected: number | null; max: number };
};

/** Formats the training estimate as `1,200 (1,000–4,000)`, or the range alone when there is no expected value. */
function formatEstimate({ min, expected, max }: Preview['trainings']): string {
  const range = min === max ? formatCount(min) : `${formatCount(min)}–${formatCount(max)}`;
  if (expected === null) return range;
  return min === max ? range : `${formatCount(expected)} (${range})`;
}

/** Waits this long after the last edit before asking the server for a preview. */
const PREVIEW_DEBOUNCE_MS = 300;

/**
 * Live summary of the model space: model count (sampled or the grid), models
 * over the parameter budget and the estimated trainings of selection between
 * their lower bound and exhaustive search. `config` is null while the
 * form has client-side errors. `onErrorChange` receives the server's error
 * for the latest previewed config, or null once a preview succeeds.
 */
export function ModelSpacePreview({
  dataset,
  config,
  onErrorChange,
}: {
  dataset: string;
  config: Record<string, unknown> | null;
  onErrorChange?: (error: string | null) => void;
}) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const configKey = config ? JSON.stringify(config) : null;

  useEffect(() => {
    if (configKey === null || !dataset) return;

    let cancelled = false;
    const timer = setTimeout(() => {
      graphqlRequest<{ previewModelSpace: Preview }>(PREVIEW_QUERY, { dataset, config: JSON.parse(configKey) })
        .then((data) => {
          if (cancelled) return;
          setPreview(data.previewModelSpace);
          setError(null);
          onErrorChange?.(null);
        })
        .catch((caught: Error) => {
          if (cancelled) return;
          setError(caught.message);
          onErrorChange?.(caught.message);
        });
    }, PREVIEW_DEBOUNCE_MS);

    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [dataset, configKey, onErrorChange]);

  return (
    <aside className="preview card" aria-labelledby="preview-title" aria-live="polite">
      <h2 id="preview-title">Model space</h2>
      {configKey === null && <p className="muted">Fix the highlighted fields to see the preview.</p>}
      {configKey !== null && error && <p className="error-text">{error}</p>}
      {configKey !== null && !error && preview && (
        <dl className="stat-list">
          <div>
            <dt>Models</dt>
            <dd>{formatCount(preview.modelCount)}</dd>
          </div>
          {preview.sampling === 'RANDOM' && (
            <div>
              <dt>Sampled from</dt>
              <dd>{formatCount(preview.withinBudget)} models within budget</dd>
            </div>
          )}
          <div>
            <dt>Over parameter budget</dt>
            <dd>{formatCount(preview.overBudget)}</dd>
          </div>
          <div>
            <dt>Estimated trainings</dt>
            <dd>{formatEstimate(preview.trainings)}</dd>
          </div>
          <div>
            <dt>Exhaustive trainings</dt>
            <dd>{formatCount(preview.exhaustiveTrainings)}</dd>
          </div>
        </dl>
      )}
      {configKey !== null && !error && preview && (
        <p className="muted small">
          The estimate assumes every instance finishes and no two robustness values tie. The range runs from every model
          trained k + 1 times to exhaustive search.
        </p>
      )}
      {configKey !== null && !error && !preview && <p className="muted">Computing…</p>}
    </aside>
  );
}
