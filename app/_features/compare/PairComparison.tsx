'use client';

import { useGraphQLQuery } from '../../_components/use-graphql-query.ts';
import { formatValue } from '../../_components/format.ts';
import { COMPARE_PAIR_QUERY, type CompareEntry, type PairResult } from './compare-query.ts';

type PairComparisonProps = {
  /** Columns with a model, in display order. */
  entries: CompareEntry[];
  a: string;
  b: string;
  onChange: (pair: { a: string; b: string }) => void;
};

function optionLabel(entry: CompareEntry): string {
  return entry.model && entry.model.label !== entry.name ? `${entry.name} — ${entry.model.label}` : entry.name;
}

/** Tells how a probability with its CI reads: which model tends to the lower loss, and whether the CI excludes 0.5. */
function verdict(result: PairResult, nameA: string, nameB: string): string {
  if (result.probabilityALower == null) return `Undefined: ${result.undefinedReason ?? 'no finished instances'}.`;
  if (result.ciLow == null || result.ciHigh == null) return `No confidence interval: ${result.undefinedReason}.`;
  if (result.ciLow > 0.5) return `${nameA} tends to the lower test loss; the CI excludes 0.5.`;
  if (result.ciHigh < 0.5) return `${nameB} tends to the lower test loss; the CI excludes 0.5.`;
  return 'The CI contains 0.5: no model tends to the lower test loss at this confidence.';
}

/** Renders the probability that an instance of model A has a lower test loss than one of model B, with its bootstrap CI. */
export function PairComparison({ entries, a, b, onChange }: PairComparisonProps) {
  const entryA = entries.find((entry) => entry.model?.id === a);
  const entryB = entries.find((entry) => entry.model?.id === b);
  const { data, error, loading } = useGraphQLQuery<{ compareModelPair: PairResult }>(COMPARE_PAIR_QUERY, { a, b });
  const result = data?.compareModelPair;

  const picker = (name: 'a' | 'b', label: string, value: string) => (
    <div className="field">
      <label htmlFor={`pair-${name}`}>{label}</label>
      <select id={`pair-${name}`} value={value} onChange={(event) => onChange({ a, b, [name]: event.target.value })}>
        {entries.map((entry) => (
          <option key={entry.model!.id} value={entry.model!.id}>
            {optionLabel(entry)}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section className="card" aria-labelledby="pair-title">
      <h2 id="pair-title">Two models head to head</h2>
      <div className="pair-pickers">
        {picker('a', 'Model A', a)}
        {picker('b', 'Model B', b)}
      </div>
      {a === b ? (
        <p className="muted">Choose two different models.</p>
      ) : error ? (
        <p role="alert" className="error-text">Comparing the models failed: {error.message}</p>
      ) : !result ? (
        <p className="muted" role="status">{loading ? 'Comparing…' : ''}</p>
      ) : (
        <div role="status" aria-live="polite">
          {result.comparabilityWarning && (
            <p role="note" aria-label="Pair comparability" className="compare-warning">
              {result.comparabilityWarning}
            </p>
          )}
          <p className="pair-result">
            P(loss of A &lt; loss of B) = <strong>{formatValue(result.probabilityALower)}</strong>{' '}
            <span className="muted">
              {Math.round(result.confidence * 100)}% CI {result.ciLow == null ? '—' : `[${formatValue(result.ciLow)}, ${formatValue(result.ciHigh)}]`}
            </span>
          </p>
          <p>{verdict(result, entryA?.name ?? 'A', entryB?.name ?? 'B')}</p>
          <p className="muted small">
            Over all {result.countA} × {result.countB} pairs of finished instances, ties counting one half; the CI is a percentile
            bootstrap that resamples the instances of each model.
          </p>
        </div>
      )}
    </section>
  );
}
