import { Kind, type GraphQLResolveInfo } from 'graphql';
import type { Experiment, Model, ModelStatus, SelectionStep, SelectionStepModel } from '../../../generated/prisma/client.ts';
import type { ExperimentConfig, Statistic } from '../../../lib/config.ts';
import type { InstanceCounts, ModelCounts } from '../../data/experiments.ts';
import { computeProgress } from '../../experiments/progress.ts';
import { loadStepValuePages, loadSteps, type StepValuePage } from '../../data/steps.ts';
import { rankModels } from '../../experiments/model-ranking.ts';
import { rankModelsCached } from '../../experiments/ranking-cache.ts';
import type { GraphQLContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { BatchLoader } from '../loader.ts';
import { parsePage, toConnection, type PageRequest } from '../paging.ts';
import { finiteOrNull } from '../scalars.ts';

/** Returns whether the field's selection set requests nothing but `id` (and `__typename`). */
function selectsOnlyId(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.every((node) =>
    (node.selectionSet?.selections ?? []).every(
      (selection) => selection.kind === Kind.FIELD && (selection.name.value === 'id' || selection.name.value === '__typename'),
    ),
  );
}

// Per request and page: the `models` pages of all steps of an experiment are loaded with one query.
const stepValueLoaders = new WeakMap<GraphQLContext, Map<string, BatchLoader<string, StepValuePage>>>();

function loadStepValuePage(stepId: string, page: PageRequest, context: GraphQLContext): Promise<StepValuePage> {
  let byPage = stepValueLoaders.get(context);
  if (!byPage) stepValueLoaders.set(context, (byPage = new Map()));

  const key = `${page.offset}:${page.limit}`;
  let loader = byPage.get(key);
  if (!loader) {
    loader = new BatchLoader((stepIds) => loadStepValuePages({ db: context.db, stepIds, ...page }), { items: [], total: 0 });
    byPage.set(key, loader);
  }
  return loader.load(stepId);
}

function configOf(experiment: Experiment): ExperimentConfig {
  return experiment.config as unknown as ExperimentConfig;
}

// A finished experiment has no open instances left, and its model statuses and selection steps are final,
// because cancelling accepts only queued or running experiments. So its counts and steps are kept in the process.
const FINISHED_COUNTS_LIMIT = 1000;
const finishedInstanceCounts = new Map<string, InstanceCounts>();
const finishedModelCounts = new Map<string, ModelCounts>();
const finishedSteps = new Map<string, SelectionStep[]>();

// The models of an experiment are inserted in the transaction that creates it and deleted only with it,
// so the number of models of any experiment is kept in the process.
const MODEL_TOTALS_LIMIT = 10_000;
const modelTotals = new Map<string, number>();

/** Keeps `value` under the experiment's id when the experiment, read earlier in this request, is finished. */
function rememberIfFinished<V>(cache: Map<string, V>, experiment: Experiment, value: V): V {
  if (experiment.status !== 'finished') return value;
  if (cache.size >= FINISHED_COUNTS_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(experiment.id, value);
  return value;
}

async function instanceCounts(experiment: Experiment, { loaders }: GraphQLContext): Promise<InstanceCounts> {
  const cached = finishedInstanceCounts.get(experiment.id);
  if (cached) return cached;

  const counts = await loaders.instanceCounts.load(experiment.id);
  if (!counts) throw new Error(`Instance counts of experiment ${experiment.id} are missing`);
  return rememberIfFinished(finishedInstanceCounts, experiment, counts);
}

async function modelCounts(experiment: Experiment, { loaders }: GraphQLContext): Promise<ModelCounts> {
  const cached = finishedModelCounts.get(experiment.id);
  if (cached) return cached;

  const counts = await loaders.modelCounts.load(experiment.id);
  if (!counts) throw new Error(`Model counts of experiment ${experiment.id} are missing`);
  return rememberIfFinished(finishedModelCounts, experiment, counts);
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
    async modelCount(experiment: Experiment, _: unknown, context: GraphQLContext) {
      const cached = modelTotals.get(experiment.id);
      if (cached !== undefined) return cached;

      const { total } = await modelCounts(experiment, context);
      if (modelTotals.size >= MODEL_TOTALS_LIMIT) modelTotals.delete(modelTotals.keys().next().value!);
      modelTotals.set(experiment.id, total);
      return total;
    },

    async models(experiment: Experiment, args: ModelsArgs, context: GraphQLContext) {
      const { db, loaders } = context;
      const page = parsePage(args);
      const statistic = args.statistic ?? configOf(experiment).selection.statistic;
      // Model statuses change at step ends without a new finished instance, so a status filter is ranked afresh.
      const { ids, total } = args.status
        ? await rankModels({ db, experimentId: experiment.id, statistic, status: args.status, ...page })
        : await rankModelsCached({ db, experimentId: experiment.id, statistic, finishedInstances: (await instanceCounts(experiment, context)).finished, ...page });
      // Through the loader, so that the selected model of the same request is read in the same statement.
      const loaded = await Promise.all(ids.map((id) => loaders.model.load(id)));
      const models = loaded.map((model, i) => {
        if (!model) throw new Error(`Model ${ids[i]} of experiment ${experiment.id} is missing`);
        return model;
      });
      return toConnection(models, page, total);
    },

    async steps(experiment: Experiment, _: unknown, { db }: GraphQLContext) {
      const cached = finishedSteps.get(experiment.id);
      if (cached) return cached;
      return rememberIfFinished(finishedSteps, experiment, await loadSteps({ db, experimentId: experiment.id }));
    },

    durationMs(experiment: Experiment) {
      if (!experiment.startedAt) return null;
      const end = experiment.finishedAt ?? new Date();
      return end.getTime() - experiment.startedAt.getTime();
    },
  },

  SelectionStep: {
    threshold: (step: SelectionStep) => finiteOrNull(step.threshold),
    async models(step: SelectionStep, args: { first?: number | null; after?: string | null }, context: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await loadStepValuePage(step.id, page, context);
      return toConnection(items, page, total);
    },
  },

  StepModelValue: {
    async model(value: SelectionStepModel, _: unknown, { loaders }: GraphQLContext, info: GraphQLResolveInfo): Promise<Model | { id: string }> {
      // The experiment page requests only the id of thousands of step models, so the rows are loaded only when other fields are requested.
      if (selectsOnlyId(info)) return { id: value.modelId };
      const model = await loaders.model.load(value.modelId);
      if (!model) throw new Error(`Model ${value.modelId} of a selection step is missing`);
      return model;
    },
    value: (value: SelectionStepModel) => finiteOrNull(value.value),
    ciLow: (value: SelectionStepModel) => finiteOrNull(value.ciLow),
    ciHigh: (value: SelectionStepModel) => finiteOrNull(value.ciHigh),
  },

};
