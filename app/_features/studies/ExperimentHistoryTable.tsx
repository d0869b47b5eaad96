import Link from 'next/link';
import { StatusBadge } from '../../_components/StatusBadge.tsx';
import { formatDateTime, formatDuration, formatValue, statisticLabel } from '../../_components/format.ts';

/** Fields of one experiment in the study's history table. */
export type ExperimentRow = {
  id: string;
  name: string;
  status: string;
  statistic: string;
  startedAt: string | null;
  durationMs: number | null;
  modelCount: number;
  /** Present when the query asks for tags. */
  tags?: string[];
  dataset: { key: string; name: string; version: number };
  selectedModel: {
    id: string;
    label: string;
    robustnessValues: { statistic: string; value: number | null }[];
  } | null;
};

function SelectedModelCell({ experiment }: { experiment: ExperimentRow }) {
  const model = experiment.selectedModel;
  if (!model) return <span className="muted">—</span>;

  const value = model.robustnessValues.find((entry) => entry.statistic === experiment.statistic)?.value;
  return (
    <>
      <span className="model-label">{model.label}</span>
      <div className="muted small">
        {statisticLabel(experiment.statistic)} {formatValue(value)}
      </div>
    </>
  );
}

/** Ticked experiments for the comparison page, with the toggle of one row. */
export type CompareChoice = { selected: readonly string[]; onToggle: (experimentId: string) => void };

/** Renders the experiments of a study, newest first. With `compare`, each row gets a checkbox that picks it for comparison. */
export function ExperimentHistoryTable({ experiments, compare }: { experiments: ExperimentRow[]; compare?: CompareChoice }) {
  return (
    <div className="table-wrap card">
      <table className="data-table">
        <caption className="visually-hidden">Experiment history</caption>
        <thead>
          <tr>
            {compare && (
              <th scope="col">
                <span className="visually-hidden">Compare</span>
              </th>
            )}
            <th scope="col">Experiment</th>
            <th scope="col">Status</th>
            <th scope="col">Dataset</th>
            <th scope="col" className="numeric">Models</th>
            <th scope="col">Started</th>
            <th scope="col" className="numeric">Duration</th>
            <th scope="col">Selected model</th>
          </tr>
        </thead>
        <tbody>
          {experiments.map((experiment) => (
            <tr key={experiment.id}>
              {compare && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Compare ${experiment.name}`}
                    checked={compare.selected.includes(experiment.id)}
                    onChange={() => compare.onToggle(experiment.id)}
                  />
                </td>
              )}
              <th scope="row">
                <Link href={`/experiments/${experiment.id}`}>{experiment.name}</Link>
                {experiment.tags && experiment.tags.length > 0 && (
                  <ul className="tag-list" aria-label={`Tags of ${experiment.name}`}>
                    {experiment.tags.map((tag) => (
                      <li key={tag} className="tag">
                        {tag}
                      </li>
                    ))}
                  </ul>
                )}
              </th>
              <td>
                <StatusBadge status={experiment.status} />
              </td>
              <td>
                {experiment.dataset.name} <span className="muted small">v{experiment.dataset.version}</span>
              </td>
              <td className="numeric">{experiment.modelCount}</td>
              <td>{formatDateTime(experiment.startedAt)}</td>
              <td className="numeric">{formatDuration(experiment.durationMs)}</td>
              <td>
                <SelectedModelCell experiment={experiment} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
