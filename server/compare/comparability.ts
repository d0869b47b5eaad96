/** Dataset and loss of compared experiments and models, for the comparability warning. */
import type { Experiment, Model } from '../../generated/prisma/client.ts';
import { lossNames, type ComparedColumn } from '../../lib/comparability.ts';
import type { ExperimentConfig, ModelSpec, Task } from '../../lib/config.ts';
import type { GraphQLContext } from '../graphql/context.ts';

async function datasetOf(experiment: Experiment, { loaders }: GraphQLContext): Promise<{ name: string; task: Task }> {
  const dataset = await loaders.dataset.load(experiment.datasetId);
  if (!dataset) throw new Error(`Dataset ${experiment.datasetId} of experiment ${experiment.id} is missing`);
  return { name: `${dataset.key} v${dataset.version}`, task: dataset.task };
}

/** Returns the dataset and the losses of an experiment's models. */
export async function experimentColumn(experiment: Experiment, context: GraphQLContext): Promise<ComparedColumn> {
  const dataset = await datasetOf(experiment, context);
  const config = experiment.config as unknown as ExperimentConfig;
  return { dataset: dataset.name, losses: lossNames(config.space.losses, dataset.task) };
}

/** Returns the dataset and the loss of a model of `experiment`. */
export async function modelColumn(model: Model, experiment: Experiment, context: GraphQLContext): Promise<ComparedColumn> {
  const dataset = await datasetOf(experiment, context);
  const spec = model.config as unknown as ModelSpec;
  return { dataset: dataset.name, losses: lossNames([spec.loss], dataset.task) };
}
