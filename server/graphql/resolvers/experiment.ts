import type { Experiment, Model, ModelStatus, SelectionStep, SelectionStepModel } from '../../../generated/prisma/client.ts';
import type { ExperimentConfig, Statistic } from '../../../lib/config.ts';
import { computeProgress } from '../../experiments/progress.ts';
import { sortByRobustness } from '../../experiments/robustness.ts';
import type { GraphQLContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { parsePage, sliceConnection } from '../paging.ts';
import { finiteOrNull } from '../scalars.ts';

function configOf(experiment: Experiment): ExperimentConfig {
  return experiment.config as unknown as ExperimentConfig;
}

async function instanceCounts(experiment: Experiment, { loaders }: GraphQLContext) {
  const counts = await loaders.instanceCounts.load(experiment.id);
  if (!counts) throw new Error(`Instance counts of experiment ${experiment.id} are missing`);
  return counts;
}

async function modelCounts(experiment: Experiment, { loaders }: GraphQLContext) {
  const counts = await loaders.modelCounts.load(experiment.id);
  if (!counts) throw new Error(`Model counts of experiment ${experiment.id} are missing`);
  return counts;
}

async function trainingsSpent(experiment: Experiment, context: GraphQLContext): Promise<number> {
  const counts = await instanceCounts(experiment, context);
  return counts.finished + counts.diverged + counts.failed + counts.running;
}

type ModelsArgs = { statistic?: Statistic | null; first?: number | null; after?: string | null; status?: ModelStatus | null };

export const experimentResolvers = {
  Experiment: {
    async study(experiment: Experiment, _: unknown, { loaders }: GraphQLContext) {
      const study = await loaders.study.load(experiment.studyId);
      if (!study) throw notFound(`Study ${experiment.studyId} not found.`);
      return study;
    },
    async dataset(experiment: Experiment, _: unknown, { loaders }: GraphQLContext) {
      const dataset = await loaders.dataset.load(experiment.datasetId);
      if (!dataset) throw new Error(`Dataset ${experiment.datasetId} of experiment ${experiment.id} is missing`);
      return dataset;
    },
    statistic: (experiment: Experiment) => configOf(experiment).selection.statistic,
    warmupSteps: (experiment: Experiment) => configOf(experiment).selection.warmupSteps,
    maxInstances: (experiment: Experiment) => configOf(experiment).selection.maxInstances,

    async progress(experiment: Experiment, _: unknown, context: GraphQLContext) {
      const [instances, models] = await Promise.all([instanceCounts(experiment, context), modelCounts(experiment, context)]);
      return computeProgress(experiment, instances, models);
    },
    selectedModel: (experiment: Experiment, _: unknown, { loaders }: GraphQLContext) =>
      experiment.selectedModelId ? loaders.model.load(experiment.selectedModelId) : null,
    trainingsSpent: (experiment: Experiment, _: unknown, context: GraphQLContext) => trainingsSpent(experiment, context),

    async savingFactor(experiment: Experiment, _: unknown, context: GraphQLContext) {
      if (experiment.status !== 'finished') return null;
      const spent = await trainingsSpent(experiment, context);
      return spent > 0 ? experiment.exhaustiveTrainings / spent : null;
    },
    modelCount: async (experiment: Experiment, _: unknown, context: GraphQLContext) => (await modelCounts(experiment, context)).total,

    async models(experiment: Experiment, args: ModelsArgs, { db, loaders }: GraphQLContext) {
      const page = parsePage(args);
      const statistic = args.statistic ?? configOf(experiment).selection.statistic;
      const [models, losses] = await Promise.all([
        db.model.findMany({ where: { experimentId: experiment.id, ...(args.status ? { status: args.status } : {}) } }),
        loaders.testLosses.load(experiment.id),
      ]);
      for (const model of models) loaders.model.prime(model.id, model);
      return sliceConnection(sortByRobustness(models, losses, statistic), page);
    },

    steps: (experiment: Experiment, _: unknown, { db }: GraphQLContext) =>
      db.selectionStep.findMany({ where: { experimentId: experiment.id }, orderBy: { step: 'asc' }, include: { models: true } }),

    durationMs(experiment: Experiment) {
      if (!experiment.startedAt) return null;
      const end = experiment.finishedAt ?? new Date();
      return end.getTime() - experiment.startedAt.getTime();
    },
  },

  SelectionStep: {
    threshold: (step: SelectionStep) => finiteOrNull(step.threshold),
    models: (step: SelectionStep & { models: SelectionStepModel[] }) => step.models,
  },

  StepModelValue: {
    async model(value: SelectionStepModel, _: unknown, { loaders }: GraphQLContext): Promise<Model> {
      const model = await loaders.model.load(value.modelId);
      if (!model) throw new Error(`Model ${value.modelId} of a selection step is missing`);
      return model;
    },
    value: (value: SelectionStepModel) => finiteOrNull(value.value),
    ciLow: (value: SelectionStepModel) => finiteOrNull(value.ciLow),
    ciHigh: (value: SelectionStepModel) => finiteOrNull(value.ciHigh),
  },

};
