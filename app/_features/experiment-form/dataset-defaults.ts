/**
 * Defaults of the new-experiment form that depend on the dataset. Switching
 * the dataset replaces a field only while it still contains the previous
 * dataset's default, so that user edits stay.
 */
import { initialFormState, type ArchitectureRow, type FormState } from './form-state.ts';

/** The dataset fields that the defaults depend on. */
export type DatasetShape = { inputShape: number[]; trainCount: number; task?: string };

/** Returns true for a dataset of feature vectors, which convolution layers cannot take. */
export function isTabular(dataset: DatasetShape): boolean {
  return dataset.inputShape.length === 1;
}

/** Returns the default architectures for a dataset: the image defaults with their conv layers dropped on tabular data. */
export function defaultArchitectures(dataset: DatasetShape | undefined): ArchitectureRow[] {
  const rows = initialFormState().architectures;
  if (!dataset || !isTabular(dataset)) return rows;
  return rows.map((row) => ({ ...row, conv: '' }));
}

/** Returns the default train size for a dataset: the form's default, at most the dataset's training pool. */
export function defaultTrainSize(dataset: DatasetShape | undefined): string {
  const fallback = initialFormState().trainSize;
  if (!dataset) return fallback;
  return String(Math.min(Number(fallback), dataset.trainCount));
}

function sameArchitectures(left: ArchitectureRow[], right: ArchitectureRow[]): boolean {
  if (left.length !== right.length) return false;
  return left.every((row, index) => row.conv.trim() === right[index].conv && row.dense.trim() === right[index].dense);
}

/**
 * Returns the form changes for switching from `previous` to `next`: fields that
 * still contain the previous dataset's default get the next dataset's default.
 */
export function datasetSwitchPatch(state: FormState, previous: DatasetShape | undefined, next: DatasetShape | undefined): Partial<FormState> {
  const patch: Partial<FormState> = {};
  if (sameArchitectures(state.architectures, defaultArchitectures(previous))) {
    patch.architectures = defaultArchitectures(next);
  }
  if (state.trainSize.trim() === defaultTrainSize(previous)) {
    patch.trainSize = defaultTrainSize(next);
  }
  // Losses of one task do not fit the other, so a task change falls back to the new task's default loss.
  if (previous?.task !== next?.task) patch.losses = [];
  return patch;
}
