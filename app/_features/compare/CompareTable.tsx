import Link from 'next/link';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatCount, formatValue, statisticLabel } from '../../_components/format.ts';
import { seriesColor } from '../charts/palette.ts';
import type { CompareEntry } from './compare-query.ts';

type CompareTableProps = {
  entries: CompareEntry[];
  mode: 'experiments' | 'models';
  onRemove: (id: string) => void;
};

function RobustnessCell({ entry }: { entry: CompareEntry }) {
  const robustness = entry.robustness;
  if (!robustness || robustness.value == null) {
    return <span className="muted">{robustness?.undefinedReason ?? 'no model yet'}</span>;
  }
  return (
    <>
      {formatValue(robustness.value)}
      <span className="ci">
        95% CI {robustness.ciLow == null ? '—' : `[${formatValue(robustness.ciLow)}, ${formatValue(robustness.ciHigh)}]`} · n = {robustness.count}
      </span>
    </>
  );
}

/** Renders one row per compared experiment or model: robustness value with CI, loss quartiles and trainings spent. */
export function CompareTable({ entries, mode, onRemove }: CompareTableProps) {
  return (
    <div className="table-wrap card">
      <table className="data-table">
        <caption className="visually-hidden">Compared {mode}</caption>
        <thead>
          <tr>
            <th scope="col">{mode === 'experiments' ? 'Experiment' : 'Model'}</th>
            <th scope="col">{mode === 'experiments' ? 'Selected or best model' : 'Experiment'}</th>
            <th scope="col">Status</th>
            <th scope="col">Loss</th>
            <th scope="col" className="numeric">Robustness value</th>
            <th scope="col" className="numeric">Instances</th>
            <th scope="col" className="numeric">Loss Q1 · median · Q3</th>
            <th scope="col" className="numeric">Trainings spent</th>
            <th scope="col"><span className="visually-hidden">Remove</span></th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, index) => (
            <tr key={entry.id}>
              <th scope="row">
                <span aria-hidden="true" className="series-swatch" style={{ background: seriesColor(index) }} />{' '}
                <Link href={mode === 'experiments' ? `/experiments/${entry.id}` : `/models/${entry.id}`}>{entry.name}</Link>
              </th>
              <td>
                {mode === 'experiments' && entry.model ? (
                  <Link className="model-label" href={`/models/${entry.model.id}`}>{entry.detail}</Link>
                ) : mode === 'models' ? (
                  <Link href={`/experiments/${entry.experiment.id}`}>{entry.detail}</Link>
                ) : (
                  <span className="muted">{entry.detail}</span>
                )}
              </td>
              <td>
                <StatusBadge status={mode === 'experiments' ? entry.experiment.status : entry.model?.status ?? ''} />
              </td>
              <td>{entry.loss}</td>
              <td className="numeric">
                <div className="muted small">{statisticLabel(entry.statistic)}</div>
                <RobustnessCell entry={entry} />
              </td>
              <td className="numeric">{formatCount(entry.summary?.count ?? 0)}</td>
              <td className="numeric">
                {entry.summary
                  ? `${formatValue(entry.summary.q1)} · ${formatValue(entry.summary.median)} · ${formatValue(entry.summary.q3)}`
                  : '—'}
              </td>
              <td className="numeric">
                {formatCount(entry.experiment.trainingsSpent)}
                <span className="ci">of {formatCount(entry.experiment.exhaustiveTrainings)} exhaustive</span>
              </td>
              <td>
                <button type="button" className="button button-small button-quiet" onClick={() => onRemove(entry.id)} aria-label={`Remove ${entry.name}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
