/** Wording of the experiment page that depends on the experiment status (QUEUED, RUNNING, FINISHED, CANCELLED, FAILED). */
import { formatCount } from '../../_components/format.ts';

/** Describes how many models are left, in the tense of the experiment's status. */
export function describeModelsLeft(status: string, activeModels: number): string {
  const models = `${formatCount(activeModels)} ${activeModels === 1 ? 'model' : 'models'}`;
  switch (status) {
    case 'QUEUED':
    case 'RUNNING':
      return `${models} in selection`;
    case 'FINISHED':
      // The selected model is no longer active, so it is the one model left.
      return '1 model left';
    case 'CANCELLED':
      return `${models} left when cancelled`;
    case 'FAILED':
      return `${models} left when it failed`;
    default:
      return `${models} active`;
  }
}

/** Title of the highlighted model: the selected one, or the best one by robustness value when none was selected. */
export function highlightTitle(status: string, final: boolean): string {
  if (final) return 'Selected model';
  if (status === 'CANCELLED') return 'Best model when cancelled';
  if (status === 'FAILED') return 'Best model before the failure';
  return 'Current best model';
}

/** Note under the highlighted model; `statistic` is the statistic's display name, such as "Median". */
export function highlightNote(input: { status: string; final: boolean; statistic: string; modelCount: number; stepCount: number }): string {
  const { status, final, statistic, modelCount, stepCount } = input;
  const steps = `${stepCount} selection ${stepCount === 1 ? 'step' : 'steps'}`;
  if (final) return `Kept from ${formatCount(modelCount)} ${modelCount === 1 ? 'model' : 'models'} after ${steps}.`;

  const lowest = `Lowest ${statistic} among the models left`;
  if (status === 'CANCELLED') return `${lowest} when the experiment was cancelled after ${steps}; no model was selected.`;
  if (status === 'FAILED') return `${lowest} when the experiment failed after ${steps}; no model was selected.`;
  return `${lowest} so far; the selection is still running.`;
}
