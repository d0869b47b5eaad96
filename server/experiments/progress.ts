import type { Experiment } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import { countInstances, countModels, type InstanceCounts, type ModelCounts } from '../data/experiments.ts';

/** Instance counts of an experiment by status, as the `ExperimentProgress` type. */
export interface ExperimentProgress {
  experimentId: string;
  status: Experiment['status'];
  currentStep: number;
  activeModels: number;
  finishedInstances: number;
  divergedInstances: number;
  failedInstances: number;
  runningInstances: number;
  queuedInstances: number;
  plannedInstances: number;
  fraction: number;
}

/** Reads the instance cap from a stored configuration (validated when the experiment was created). */
export function maxInstancesOf(experiment: Pick<Experiment, 'config'>): number {
  const config = experiment.config as { selection?: { maxInstances?: number } } | null;
  return config?.selection?.maxInstances ?? 0;
}

/**
 * Computes the progress of an experiment. While the selection goes on, the
 * plan is the instances created so far plus one per active model for every
 * step left. Afterwards it is the instances created, cancelled ones excluded.
 */
export function computeProgress(
  experiment: Pick<Experiment, 'id' | 'status' | 'currentStep' | 'config'>,
  instances: InstanceCounts,
  models: ModelCounts,
): ExperimentProgress {
  const created = instances.queued + instances.running + instances.finished + instances.diverged + instances.failed;
  const ended = instances.finished + instances.diverged + instances.failed;
  const ongoing = experiment.status === 'queued' || experiment.status === 'running';
  const stepsLeft = Math.max(0, maxInstancesOf(experiment) - experiment.currentStep);
  const plannedInstances = ongoing ? created + models.active * stepsLeft : created;

  return {
    experimentId: experiment.id,
    status: experiment.status,
    currentStep: experiment.currentStep,
    activeModels: models.active,
    finishedInstances: instances.finished,
    divergedInstances: instances.diverged,
    failedInstances: instances.failed,
    runningInstances: instances.running,
    queuedInstances: instances.queued,
    plannedInstances,
    fraction: plannedInstances > 0 ? Math.min(1, ended / plannedInstances) : 0,
  };
}

/** Loads the progress of one experiment; null when it does not exist. */
export async function loadProgress({ db, experimentId }: { db: DbOrTx; experimentId: string }): Promise<ExperimentProgress | null> {
  const experiment = await db.experiment.findUnique({
    where: { id: experimentId },
    select: { id: true, status: true, currentStep: true, config: true },
  });
  if (!experiment) return null;

  const [instances, models] = await Promise.all([
    countInstances({ db, experimentIds: [experimentId] }),
    countModels({ db, experimentIds: [experimentId] }),
  ]);
  return computeProgress(experiment, instances.get(experimentId)!, models.get(experimentId)!);
}
