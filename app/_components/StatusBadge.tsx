import { enumLabel } from './format.ts';

/** Renders a coloured label for an experiment, model or instance status. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{enumLabel(status)}</span>;
}
