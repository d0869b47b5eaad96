/** Formatting of numbers, dates and durations for tables and headers. */

export const STATISTICS = ['MEAN', 'MEDIAN', 'Q3', 'Q3_IQR', 'MAX', 'MIN', 'STD', 'IQR'] as const;
export type StatisticKey = (typeof STATISTICS)[number];

const STATISTIC_LABELS: Record<StatisticKey, string> = {
  MEAN: 'Mean',
  MEDIAN: 'Median',
  Q3: 'Q3',
  Q3_IQR: 'Q3 + IQR',
  MAX: 'Max',
  MIN: 'Min',
  STD: 'Std',
  IQR: 'IQR',
};

/** Returns the display name of a statistic, for example `Q3 + IQR`. */
export function statisticLabel(statistic: string): string {
  return STATISTIC_LABELS[statistic as StatisticKey] ?? statistic;
}

/** Formats a loss or robustness value with 4 significant digits; `—` for null. */
export function formatValue(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(2);
  return value.toPrecision(4);
}

/** Formats an integer with thousands separators. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Formats a duration in milliseconds as `850 ms`, `12.3 s`, `4 min 05 s` or `2 h 03 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;

  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;

  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;

  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Formats an ISO timestamp as a short local date and time; `—` for null. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Title-cases an enum value such as `RUNNING` to `Running`. */
export function enumLabel(value: string): string {
  const lower = value.toLowerCase().replaceAll('_', ' ');
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}
