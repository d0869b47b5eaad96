/** Dataset baselines as the dashboard queries them, and the mean test metrics shown beside them. */
import { formatValue } from '../../_components/format.ts';

/** A reference method's metric on the test set, as Dataset.baselines returns it. */
export type DatasetBaseline = { name: string; metric: string; value: number; unit: string };

/** A test metric of one instance, as Instance.testMetrics returns it. */
export type InstanceTestMetric = { name: string; value: number | null; unit: string };

/** Mean of one test metric over the finished instances that report it, with the baselines of the same metric. */
export type MeanTestMetric = { name: string; unit: string; mean: number; count: number; baselines: DatasetBaseline[] };

/** Formats a metric value with its unit: accuracy as a percentage, an empty unit as a plain number. */
export function formatMetricValue(name: string, value: number | null, unit: string): string {
  if (value == null) return '—';
  if (name === 'accuracy') return `${(value * 100).toFixed(1)}%`;
  return `${formatValue(value)}${unit ? ` ${unit}` : ''}`;
}

/** Formats a baseline as `Sum of deposits: 0.02475` for display beside a model's metric. */
export function formatBaseline(baseline: DatasetBaseline): string {
  return `${baseline.name}: ${formatMetricValue(baseline.metric, baseline.value, baseline.unit)}`;
}

/**
 * Averages each test metric over the finished instances, in the order the
 * instances report them. Null values (NaN or infinite) are left out of the
 * mean, and a metric whose every value is null is left out of the result.
 */
export function meanTestMetrics(
  instances: { status: string; testMetrics: InstanceTestMetric[] }[],
  baselines: DatasetBaseline[],
): MeanTestMetric[] {
  const sums = new Map<string, { unit: string; sum: number; count: number }>();
  for (const instance of instances) {
    if (instance.status !== 'FINISHED') continue;
    for (const { name, value, unit } of instance.testMetrics) {
      const entry = sums.get(name) ?? { unit, sum: 0, count: 0 };
      sums.set(name, entry);
      if (value == null) continue;
      entry.sum += value;
      entry.count += 1;
    }
  }

  return [...sums]
    .filter(([, entry]) => entry.count > 0)
    .map(([name, { unit, sum, count }]) => ({
      name,
      unit,
      mean: sum / count,
      count,
      baselines: baselines.filter((baseline) => baseline.metric === name),
    }));
}
