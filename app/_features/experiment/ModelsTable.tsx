'use client';

import Link from 'next/link';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { STATISTICS, formatCount, formatValue, statisticLabel } from '../../_components/format.ts';
import { valueOf, type ModelData } from './experiment-query.ts';

type ModelsTableProps = {
  models: ModelData[];
  /** Rank of the first model on the page, 0-based. */
  rankOffset: number;
  statistic: string;
  selectedModelId: string | null;
  curvesModelId: string | null;
  onStatisticChange: (statistic: string) => void;
  onShowCurves: (modelId: string) => void;
};

function ValueCell({ model, statistic }: { model: ModelData; statistic: string }) {
  const robustness = valueOf(model, statistic);
  if (!robustness || robustness.value == null) {
    return <span className="muted" title={robustness?.undefinedReason ?? undefined}>undefined</span>;
  }
  return (
    <>
      {formatValue(robustness.value)}
      {robustness.ciLow != null && robustness.ciHigh != null && (
        <span className="ci">
          [{formatValue(robustness.ciLow)}, {formatValue(robustness.ciHigh)}]
        </span>
      )}
    </>
  );
}

/** Models sorted by robustness value under a chosen statistic; the selected model is highlighted. */
export function ModelsTable({ models, rankOffset, statistic, selectedModelId, curvesModelId, onStatisticChange, onShowCurves }: ModelsTableProps) {
  return (
    <section className="card" aria-labelledby="models-title">
      <div className="section-head">
        <h2 id="models-title">Models</h2>
        <div className="field field-inline">
          <label htmlFor="table-statistic">Sort by statistic</label>
          <select id="table-statistic" value={statistic} onChange={(event) => onStatisticChange(event.target.value)}>
            {STATISTICS.map((key) => (
              <option key={key} value={key}>
                {statisticLabel(key)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="table-wrap">
        <table className="data-table models-table">
          <caption className="visually-hidden">Models sorted by {statisticLabel(statistic)}, lowest first</caption>
          <thead>
            <tr>
              <th scope="col" className="numeric">Rank</th>
              <th scope="col">Model</th>
              <th scope="col" className="numeric">{statisticLabel(statistic)} (95% CI)</th>
              <th scope="col" className="numeric">Instances</th>
              <th scope="col">Status</th>
              <th scope="col" className="numeric">Eliminated at step</th>
              <th scope="col" className="numeric">Parameters</th>
              <th scope="col">Loss curves</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model, index) => {
              const selected = model.id === selectedModelId;
              return (
                <tr key={model.id} className={selected ? 'row-selected' : undefined} aria-current={selected ? 'true' : undefined}>
                  <td className="numeric">{rankOffset + index + 1}</td>
                  <th scope="row" className="model-label">
                    <Link href={`/models/${model.id}`}>{model.label}</Link>
                    {selected && <span className="selected-tag">Selected model</span>}
                  </th>
                  <td className="numeric">
                    <ValueCell model={model} statistic={statistic} />
                  </td>
                  <td className="numeric">{model.instanceCount}</td>
                  <td>
                    <StatusBadge status={model.status} />
                  </td>
                  <td className="numeric">{model.eliminatedAtStep ?? '—'}</td>
                  <td className="numeric">{formatCount(model.parameterCount)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      aria-pressed={model.id === curvesModelId}
                      aria-label={`Show loss curves of ${model.label}`}
                      onClick={() => onShowCurves(model.id)}
                    >
                      Curves
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
