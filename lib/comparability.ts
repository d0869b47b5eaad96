/**
 * Comparability of compared experiments or models. Test losses share a scale
 * only on the same dataset version (the same test set and target scaling) and
 * under the same training loss, so a comparison that mixes them gets a warning.
 */
import { defaultLoss, lossSchema, type Loss, type Task } from './config.ts';

/** Dataset and training losses of a compared column: the two things that fix the scale of its test losses. */
export interface ComparedColumn {
  /** Dataset key and version, such as `mnist v1`. */
  dataset: string;
  /** Names of the training losses of the column; more than one only for experiments stored before one loss per experiment was enforced. */
  losses: string[];
}

/** Returns the display name of a loss: `mse`, `mae`, `cross_entropy` or `huber (delta 1)`. */
export function lossName(loss: Loss): string {
  return loss.kind === 'huber' ? `huber (delta ${loss.delta})` : loss.kind;
}

/**
 * Names the training losses of a stored model space (`space.losses`) or model
 * spec (`[spec.loss]`): an absent or empty list means the task's default loss.
 */
export function lossNames(losses: readonly unknown[] | undefined, task: Task): string[] {
  const parsed = (losses ?? []).filter((loss) => loss !== undefined).map((loss) => lossSchema.parse(loss));
  return (parsed.length > 0 ? parsed : [defaultLoss(task)]).map(lossName);
}

/**
 * Returns a warning when the columns' test losses are not comparable: they
 * use different datasets, different losses, or a column mixes losses. Null
 * when all columns share one dataset and one loss.
 */
export function comparabilityWarning(columns: readonly ComparedColumn[]): string | null {
  const datasets = [...new Set(columns.map((column) => column.dataset))];
  const losses = [...new Set(columns.flatMap((column) => column.losses))];
  const mixedColumn = columns.some((column) => column.losses.length > 1);

  const reasons: string[] = [];
  if (datasets.length > 1) reasons.push(`different datasets (${datasets.join(', ')})`);
  if (losses.length > 1) reasons.push(`different losses (${losses.join(', ')})`);
  if (reasons.length === 0) return null;

  const mixed = mixedColumn ? ' An experiment stored with several losses mixes them within its column.' : '';
  return `Test losses are not comparable here: the columns use ${reasons.join(' and ')}, so their loss scales differ.${mixed} Compare columns of one dataset and one loss.`;
}
