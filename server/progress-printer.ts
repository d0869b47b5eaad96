import type { Db } from './db.ts';
import { loadProgress, type ExperimentProgress } from './experiments/progress.ts';

export interface ProgressPrinter {
  stop(): void;
}

/**
 * Prints a line about an experiment's progress every `intervalMs` while it
 * runs (only when something changed), and its selected model once it
 * finishes. Query errors are reported through `onError` and retried on the
 * next tick.
 */
export function printExperimentProgress({
  db,
  experimentId,
  label,
  print,
  onError,
  intervalMs = 5000,
}: {
  db: Db;
  experimentId: string;
  label: string;
  print: (line: string) => void;
  onError: (error: unknown) => void;
  intervalMs?: number;
}): ProgressPrinter {
  let lastLine = '';
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = async () => {
    try {
      const { line, done } = await describeProgress(db, experimentId, label);
      if (line !== lastLine) print(line);
      lastLine = line;
      if (done) stopped = true;
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void tick();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Builds one progress line; `done` is true once the experiment reached a final status. */
export async function describeProgress(db: Db, experimentId: string, label: string): Promise<{ line: string; done: boolean }> {
  const experiment = await db.experiment.findUniqueOrThrow({
    where: { id: experimentId },
    select: {
      status: true,
      currentStep: true,
      config: true,
      error: true,
      selectedModel: { select: { label: true, parameterCount: true } },
    },
  });
  const maxInstances = (experiment.config as { selection?: { maxInstances?: number } }).selection?.maxInstances;

  switch (experiment.status) {
    case 'finished': {
      const selected = experiment.selectedModel;
      const selectedText = selected ? `${selected.label} (${selected.parameterCount} parameters)` : 'none';
      return { line: `${label} finished after ${experiment.currentStep} selection steps. Selected model: ${selectedText}`, done: true };
    }
    case 'failed':
      return { line: `${label} failed: ${experiment.error ?? 'no error message stored'}`, done: true };
    case 'cancelled':
      return { line: `${label} was cancelled`, done: true };
    case 'queued':
    case 'running': {
      const progress = await loadProgress({ db, experimentId });
      if (progress === null) throw new Error(`Experiment ${experimentId} was deleted.`);
      return { line: describeOngoing(label, progress, maxInstances), done: false };
    }
    default: {
      const unreachable: never = experiment.status;
      throw new Error(`Unknown experiment status ${String(unreachable)}`);
    }
  }
}

/** Describes a queued or running experiment with the plan that the dashboard's progress bar uses. */
function describeOngoing(label: string, progress: ExperimentProgress, maxInstances: number | undefined): string {
  const ended = progress.finishedInstances + progress.divergedInstances + progress.failedInstances;
  const trainings = `${ended} of ${progress.plannedInstances} planned trainings done (${Math.round(progress.fraction * 100)}%)`;
  const models = `${progress.activeModels} ${progress.activeModels === 1 ? 'model' : 'models'} in the selection`;
  if (progress.currentStep === 0) return `${label} queued: ${progress.plannedInstances} trainings planned, ${models}; waiting for a worker`;

  const cap = maxInstances ? ` of at most ${maxInstances}` : '';
  return `${label} running: selection step ${progress.currentStep}${cap}, ${trainings}, ${models}`;
}
