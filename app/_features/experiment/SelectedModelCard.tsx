import { formatCount, formatValue, statisticLabel } from '../../_components/format.ts';
import { valueOf, type ModelData } from './experiment-query.ts';
import { highlightNote, highlightTitle } from './status-wording.ts';

type SelectedModelCardProps = {
  model: ModelData;
  statistic: string;
  /** Experiment status, such as RUNNING or CANCELLED. */
  status: string;
  /** Whether the selection ended with this model. */
  final: boolean;
  modelCount: number;
  stepCount: number;
};

/** Highlighted summary of the selected model, or of the best model left when no model was selected. */
export function SelectedModelCard({ model, statistic, status, final, modelCount, stepCount }: SelectedModelCardProps) {
  const robustness = valueOf(model, statistic);
  const title = highlightTitle(status, final);
  const lowest = model.testLosses.length > 0 ? Math.min(...model.testLosses) : null;
  const highest = model.testLosses.length > 0 ? Math.max(...model.testLosses) : null;

  return (
    <section className={`selected-card card${final ? ' selected-card-final' : ''}`} aria-labelledby="selected-title">
      <h2 id="selected-title">{title}</h2>
      <p className="selected-label">{model.label}</p>
      <dl className="figure-grid compact">
        <div>
          <dt>{statisticLabel(statistic)}</dt>
          <dd>{formatValue(robustness?.value)}</dd>
        </div>
        <div>
          <dt>95% CI</dt>
          <dd>
            {robustness?.ciLow != null && robustness.ciHigh != null
              ? `${formatValue(robustness.ciLow)} – ${formatValue(robustness.ciHigh)}`
              : '—'}
          </dd>
        </div>
        <div>
          <dt>Instances</dt>
          <dd>{model.instanceCount}</dd>
        </div>
        <div>
          <dt>Parameters</dt>
          <dd>{formatCount(model.parameterCount)}</dd>
        </div>
        <div>
          <dt>Test loss range</dt>
          <dd>{lowest === null ? '—' : `${formatValue(lowest)} – ${formatValue(highest)}`}</dd>
        </div>
        <div>
          <dt>Selection steps</dt>
          <dd>{stepCount}</dd>
        </div>
      </dl>
      <p className="muted small selected-note">
        {highlightNote({ status, final, statistic: statisticLabel(statistic), modelCount, stepCount })}
      </p>
    </section>
  );
}
