'use client';

import Link from 'next/link';
import { formatCount, formatValue, statisticLabel } from '../../_components/format.ts';
import { chartFileName } from '../charts/chart-export.ts';
import { IntervalChart } from './IntervalChart.tsx';
import { SampleSizeChart } from './SampleSizeChart.tsx';
import { SurvivorsChart } from './SurvivorsChart.tsx';
import type {
  DifferenceData,
  InductiveBiasSummaryData,
  InitializersSummaryData,
  ModelSearchSummaryData,
  RandomnessSourcesSummaryData,
  SampleSizeSummaryData,
  SummaryData,
} from './template-query.ts';

/** Formats an estimate as `value [low, high]`. */
function withInterval(estimate: DifferenceData, format: (value: number | null) => string = formatValue): string {
  if (estimate.value === null) return '—';
  return `${format(estimate.value)} [${format(estimate.ciLow)}, ${format(estimate.ciHigh)}]`;
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function percentPoints(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} pp`;
}

function verdict(value: boolean | null, yes: string, no: string): string {
  if (value === null) return 'undefined';
  return value ? yes : no;
}

/** Returns the PNG file name of one chart of a run: the run name, then the chart name. */
type PngFileName = (chart: string) => string;

/**
 * Renders the finding of a finished template run: the sentence, a table with
 * CIs and the charts of its template. Each chart's PNG file name starts with
 * `runName`.
 */
export function TemplateSummaryView({ summary, runName }: { summary: SummaryData; runName: string }) {
  const pngFileName: PngFileName = (chart) => chartFileName([runName, chart]);
  return (
    <section className="card" aria-labelledby="finding-title">
      <h2 id="finding-title">Finding</h2>
      <p className="finding">{summary.finding}</p>
      <SummaryDetails summary={summary} pngFileName={pngFileName} />
    </section>
  );
}

function SummaryDetails({ summary, pngFileName }: { summary: SummaryData; pngFileName: PngFileName }) {
  switch (summary.__typename) {
    case 'SampleSizeSummary':
      return <SampleSizeDetails summary={summary} pngFileName={pngFileName} />;
    case 'RandomnessSourcesSummary':
      return <RandomnessDetails summary={summary} pngFileName={pngFileName} />;
    case 'InitializersSummary':
      return <InitializersDetails summary={summary} pngFileName={pngFileName} />;
    case 'InductiveBiasSummary':
      return <InductiveBiasDetails summary={summary} pngFileName={pngFileName} />;
    case 'ModelSearchSummary':
      return <ModelSearchDetails summary={summary} pngFileName={pngFileName} />;
    default: {
      const unknown: never = summary;
      return <p className="muted">Unknown summary type {(unknown as { __typename: string }).__typename}.</p>;
    }
  }
}

function SampleSizeDetails({ summary, pngFileName }: { summary: SampleSizeSummaryData; pngFileName: PngFileName }) {
  const statistic = statisticLabel(summary.statistic);
  return (
    <>
      <p className="muted small">
        Plateau: {summary.plateauSize === null ? 'not reached' : `n=${formatCount(summary.plateauSize)}`} (tolerance {percent(summary.tolerance)} per size
        step). Intervals are 95% bootstrap CIs.
      </p>
      <div className="chart-grid">
        <SampleSizeChart
          label={`${statistic} robustness value against training-sample size`}
          yTitle={`Robustness value (${statistic})`}
          points={summary.points.map((point) => ({ size: point.size, estimate: point.robustness }))}
          plateauSize={summary.plateauSize}
          pngFileName={pngFileName('robustness-value')}
        />
        <SampleSizeChart
          label="Mean test loss against training-sample size"
          yTitle="Mean test loss"
          points={summary.points.map((point) => ({ size: point.size, estimate: point.meanLoss }))}
          pngFileName={pngFileName('mean-test-loss')}
        />
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Size</th>
            <th scope="col">Instances</th>
            <th scope="col">Robustness value ({statistic})</th>
            <th scope="col">Mean test loss</th>
            <th scope="col">Experiment</th>
          </tr>
        </thead>
        <tbody>
          {summary.points.map((point) => (
            <tr key={point.size}>
              <td>{formatCount(point.size)}</td>
              <td>{point.robustness.count}</td>
              <td>{withInterval(point.robustness)}</td>
              <td>{withInterval(point.meanLoss)}</td>
              <td>
                <Link href={`/experiments/${point.experimentId}`}>Open</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RandomnessDetails({ summary, pngFileName }: { summary: RandomnessSourcesSummaryData; pngFileName: PngFileName }) {
  return (
    <>
      <p className="muted small">
        Share of a source = its variance / the sum of the three single-source variances. The variance with all sources varied minus that
        sum is the interaction term: {formatValue(summary.interactionVariance)}.
      </p>
      <div className="chart-grid">
        <IntervalChart
          label="Test-loss standard deviation per randomness source"
          yTitle="Std of the test loss"
          entries={summary.sources.map((row) => ({ label: row.source.toLowerCase(), estimate: row.std }))}
          pngFileName={pngFileName('test-loss-std')}
        />
        <IntervalChart
          label="Mean test loss per randomness source"
          yTitle="Mean test loss"
          entries={summary.sources.map((row) => ({ label: row.source.toLowerCase(), estimate: row.meanLoss }))}
          pngFileName={pngFileName('mean-test-loss')}
        />
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Varied source</th>
            <th scope="col">Instances</th>
            <th scope="col">Std of test loss</th>
            <th scope="col">Variance</th>
            <th scope="col">Share</th>
            <th scope="col">Mean test loss</th>
          </tr>
        </thead>
        <tbody>
          {summary.sources.map((row) => (
            <tr key={row.source}>
              <td>
                <Link href={`/experiments/${row.experimentId}`}>{row.source === 'ALL' ? 'all together' : `${row.source.toLowerCase()} only`}</Link>
              </td>
              <td>{row.std.count}</td>
              <td>{withInterval(row.std)}</td>
              <td>{formatValue(row.variance)}</td>
              <td>{row.source === 'ALL' ? '—' : percent(row.share)}</td>
              <td>{withInterval(row.meanLoss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function InitializersDetails({ summary, pngFileName }: { summary: InitializersSummaryData; pngFileName: PngFileName }) {
  const statistic = statisticLabel(summary.statistic);
  const rows = [...summary.rows].sort((a, b) => a.rank - b.rank);
  return (
    <>
      <div className="chart-grid">
        <IntervalChart
          label={`${statistic} robustness value per initializer`}
          yTitle={`Robustness value (${statistic})`}
          entries={summary.rows.map((row) => ({ label: row.initializer, estimate: row.robustness }))}
          pngFileName={pngFileName('robustness-value')}
        />
        <IntervalChart
          label="Mean test loss per initializer"
          yTitle="Mean test loss"
          entries={summary.rows.map((row) => ({ label: row.initializer, estimate: row.meanLoss }))}
          pngFileName={pngFileName('mean-test-loss')}
        />
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Initializer</th>
            <th scope="col">Instances</th>
            <th scope="col">Robustness value ({statistic})</th>
            <th scope="col">Mean test loss</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.initializer}>
              <td>{row.rank}</td>
              <td>
                <Link href={`/models/${row.modelId}`}>{row.initializer}</Link>
              </td>
              <td>{row.robustness.count}</td>
              <td>{withInterval(row.robustness)}</td>
              <td>{withInterval(row.meanLoss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function InductiveBiasDetails({ summary, pngFileName }: { summary: InductiveBiasSummaryData; pngFileName: PngFileName }) {
  return (
    <>
      <ul className="verdicts">
        <li className="badge">{verdict(summary.cnnBeatsFcOnOriginal, 'CNN beats FC on mnist', 'CNN does not beat FC on mnist')}</li>
        <li className="badge">{verdict(summary.advantageDisappearsOnPermuted, 'advantage gone on permuted pixels', 'advantage remains on permuted pixels')}</li>
        <li className="badge">{verdict(summary.fcUnaffected, 'FC unaffected', 'FC changes')}</li>
      </ul>
      <IntervalChart
        label="Mean test accuracy of each model on each dataset"
        yTitle="Mean test accuracy"
        entries={summary.cells.map((cell) => ({ label: `${cell.architecture.toUpperCase()} · ${cell.dataset}`, estimate: cell.accuracy }))}
        pngFileName={pngFileName('test-accuracy')}
      />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Dataset</th>
            <th scope="col">Parameters</th>
            <th scope="col">Instances</th>
            <th scope="col">Mean test accuracy</th>
            <th scope="col">Mean test loss</th>
          </tr>
        </thead>
        <tbody>
          {summary.cells.map((cell) => (
            <tr key={`${cell.dataset}-${cell.architecture}`}>
              <td>
                <Link href={`/models/${cell.modelId}`}>{cell.architecture.toUpperCase()}</Link>
              </td>
              <td>{cell.dataset}</td>
              <td>{formatCount(cell.parameterCount)}</td>
              <td>{cell.accuracy.count}</td>
              <td>{withInterval(cell.accuracy, percent)}</td>
              <td>{withInterval(cell.meanLoss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        CNN minus FC accuracy: {withInterval(summary.cnnAdvantageOriginal, percentPoints)} on mnist, {withInterval(summary.cnnAdvantagePermuted, percentPoints)} on
        mnist-permuted. FC change (permuted minus original): {withInterval(summary.fcChange, percentPoints)}.
      </p>
    </>
  );
}

function ModelSearchDetails({ summary, pngFileName }: { summary: ModelSearchSummaryData; pngFileName: PngFileName }) {
  return (
    <>
      <p className="notice replay-note">
        The rows below are replays: the selection algorithm re-run over the stored instances of the{' '}
        <Link href={`/experiments/${summary.referenceExperimentId}`}>exhaustive reference experiment</Link> ({formatCount(summary.modelCount)} models ×{' '}
        {summary.maxInstances} instances = {formatCount(summary.exhaustiveTrainings)} trainings), in instance order, with {summary.warmupSteps} warm-up
        steps. No replay trains a model again.
      </p>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Statistic</th>
            <th scope="col">Rule</th>
            <th scope="col">Selected model</th>
            <th scope="col">Rank among all</th>
            <th scope="col">Trainings used</th>
            <th scope="col">Saving factor</th>
          </tr>
        </thead>
        <tbody>
          {summary.replays.map((replay) => (
            <tr key={`${replay.statistic}-${replay.rule}`}>
              <td>{statisticLabel(replay.statistic)}</td>
              <td>{replay.rule === 'racing' ? `racing (${percent(replay.ruleParameter)} CIs)` : `quantile q=${replay.ruleParameter}`}</td>
              <td className="model-label">
                {replay.selectedModelId ? <Link href={`/models/${replay.selectedModelId}`}>{replay.selectedLabel}</Link> : '—'}
              </td>
              <td>
                {replay.rank ?? '—'} of {formatCount(summary.modelCount)} <span className="ci">top {percent(replay.rankFraction)}</span>
              </td>
              <td>{formatCount(replay.trainings)}</td>
              <td>{replay.savingFactor.toFixed(2)}×</td>
            </tr>
          ))}
        </tbody>
      </table>
      <SurvivorsChart replays={summary.replays} maxInstances={summary.maxInstances} pngFileName={pngFileName('surviving-models')} />
    </>
  );
}
