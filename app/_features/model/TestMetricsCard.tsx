import { formatBaseline, formatMetricValue, meanTestMetrics, type DatasetBaseline, type InstanceTestMetric } from '../datasets/baselines.ts';

/**
 * Renders the mean test metrics of a model's finished instances, each with the
 * dataset's baselines for the same metric beside it. Renders nothing before
 * an instance reports a metric.
 */
export function TestMetricsCard({
  instances,
  baselines,
  partial,
}: {
  instances: { status: string; testMetrics: InstanceTestMetric[] }[];
  baselines: DatasetBaseline[];
  /** Whether `instances` is only the first page of the model's instances. */
  partial: boolean;
}) {
  const metrics = meanTestMetrics(instances, baselines);
  if (metrics.length === 0) return null;
  const count = Math.max(...metrics.map((metric) => metric.count));

  return (
    <section className="card" aria-labelledby="test-metrics-title">
      <h2 id="test-metrics-title">Test metrics</h2>
      <dl className="figure-grid compact">
        {metrics.map((metric) => (
          <div key={metric.name}>
            <dt>{metric.name}</dt>
            <dd>
              {formatMetricValue(metric.name, metric.mean, metric.unit)}
              {metric.baselines.map((baseline) => (
                <span key={baseline.name} className="muted small">
                  {' '}
                  ({formatBaseline(baseline)})
                </span>
              ))}
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        Mean over {count} finished {count === 1 ? 'instance' : 'instances'}
        {partial ? ' of the instances listed below' : ''}
        {baselines.length > 0 ? '; in brackets the baseline on the same test set' : ''}.
      </p>
    </section>
  );
}
