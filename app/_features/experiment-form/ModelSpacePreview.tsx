'use client';

import { useEffect, useState } from 'react';
import { graphqlRequest } from '../../_components/graphql-client.ts';
import { formatCount } from '../../_components/format.ts';

const PREVIEW_QUERY = /* GraphQL */ `
  query PreviewModelSpace($dataset: String!, $config: JSON!) {
    previewModelSpace(dataset: $dataset, config: $config) {
      modelCount
      overBudget
      exhaustiveTrainings
    }
  }
`;

type Preview = { modelCount: number; overBudget: number; exhaustiveTrainings: number };

/** Waits this long after the last edit before asking the server for a preview. */
const PREVIEW_DEBOUNCE_MS = 300;

/**
 * Live summary of the model space: model count, models over the parameter
 * budget and the trainings of an exhaustive search. `config` is null while the
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
          <div>
            <dt>Over parameter budget</dt>
            <dd>{formatCount(preview.overBudget)}</dd>
          </div>
          <div>
            <dt>Exhaustive trainings</dt>
            <dd>{formatCount(preview.exhaustiveTrainings)}</dd>
          </div>
        </dl>
      )}
      {configKey !== null && !error && !preview && <p className="muted">Computing…</p>}
    </aside>
  );
}
