import type { Instance, Model } from '../../../generated/prisma/client.ts';
import { STATISTICS, type ExperimentConfig, type Statistic } from '../../../lib/config.ts';
import {
  computeSampleSpread,
  loadFinishedPredictions,
  loadPredictionPage,
  sortSampleSpread,
  type SampleSpread,
  type SampleSpreadOrder,
} from '../../data/predictions.ts';
import type { ModelStepValue } from '../../data/steps.ts';
import { computeRobustness } from '../../experiments/robustness.ts';
import type { GraphQLContext } from '../context.ts';
import { parsePage, sliceConnection, toConnection, totalOfPage } from '../paging.ts';
import { finiteOrNull } from '../scalars.ts';

type PageArgs = { first?: number | null; after?: string | null };

function finishedLosses(model: Model, { loaders }: GraphQLContext): Promise<number[]> {
  return loaders.modelTestLosses.load(model.id);
}

async function robustness(model: Model, statistic: Statistic, context: GraphQLContext) {
  const value = computeRobustness(model.id, await finishedLosses(model, context), statistic);
  return { ...value, value: finiteOrNull(value.value), ciLow: finiteOrNull(value.ciLow), ciHigh: finiteOrNull(value.ciHigh) };
}

async function selectionStatistic(model: Model, { loaders }: GraphQLContext): Promise<Statistic> {
  const experiment = await loaders.experiment.load(model.experimentId);
  if (!experiment) throw new Error(`Experiment ${model.experimentId} of model ${model.id} is missing`);
  return (experiment.config as unknown as ExperimentConfig).selection.statistic;
}

// Spreads are computed once per model and request, whatever the order and page.
const spreadCache = new WeakMap<GraphQLContext, Map<string, Promise<SampleSpread[]>>>();

function sampleSpreadOf(model: Model, context: GraphQLContext): Promise<SampleSpread[]> {
  let byModel = spreadCache.get(context);
  if (!byModel) spreadCache.set(context, (byModel = new Map()));

  let spreads = byModel.get(model.id);
  if (!spreads) {
    spreads = loadFinishedPredictions({ db: context.db, modelId: model.id }).then(computeSampleSpread);
    byModel.set(model.id, spreads);
  }
  return spreads;
}

/** Reads the stored test metrics; an entry that is not { name, value, unit } is skipped. */
function parseTestMetrics(stored: unknown): { name: string; value: number | null; unit: string }[] {
  if (!Array.isArray(stored)) return [];
  return stored
    .filter((entry): entry is { name: string; value: unknown; unit: string } => typeof entry?.name === 'string' && typeof entry?.unit === 'string')
    .map((entry) => ({ name: entry.name, value: typeof entry.value === 'number' ? finiteOrNull(entry.value) : null, unit: entry.unit }));
}

export const modelResolvers = {
  Model: {
    async experiment(model: Model, _: unknown, { loaders }: GraphQLContext) {
      const experiment = await loaders.experiment.load(model.experimentId);
      if (!experiment) throw new Error(`Experiment ${model.experimentId} of model ${model.id} is missing`);
      return experiment;
    },
    instanceCount: async (model: Model, _: unknown, context: GraphQLContext) => (await finishedLosses(model, context)).length,
    async robustness(model: Model, args: { statistic?: Statistic | null }, context: GraphQLContext) {
      return robustness(model, args.statistic ?? (await selectionStatistic(model, context)), context);
    },
    robustnessValues: (model: Model, _: unknown, context: GraphQLContext) =>
      Promise.all(STATISTICS.map((statistic) => robustness(model, statistic, context))),
    testLosses: (model: Model, _: unknown, context: GraphQLContext) => finishedLosses(model, context),
    stepValues: (model: Model, _: unknown, { loaders }: GraphQLContext) => loaders.modelStepValues.load(model.id),

    async instances(model: Model, args: PageArgs, { db }: GraphQLContext) {
      const page = parsePage(args);
      const items = await db.instance.findMany({ where: { modelId: model.id }, orderBy: { instanceIndex: 'asc' }, skip: page.offset, take: page.limit });
      const total = await totalOfPage(page, items.length, () => db.instance.count({ where: { modelId: model.id } }));
      return toConnection(items, page, total);
    },

    async sampleSpread(model: Model, args: PageArgs & { orderBy?: SampleSpreadOrder | null }, context: GraphQLContext) {
      const page = parsePage(args);
      const spreads = sortSampleSpread([...(await sampleSpreadOf(model, context))], args.orderBy ?? 'LOSS_STD_DESC');
      return sliceConnection(spreads, page);
    },
  },

  ModelStepValue: {
    value: (value: ModelStepValue) => finiteOrNull(value.value),
  },

  SampleSpread: {
    lossStd: (spread: SampleSpread) => finiteOrNull(spread.lossStd),
  },

  Instance: {
    async model(instance: Instance, _: unknown, { loaders }: GraphQLContext) {
      const model = await loaders.model.load(instance.modelId);
      if (!model) throw new Error(`Model ${instance.modelId} of instance ${instance.id} is missing`);
      return model;
    },
    seeds: (instance: Instance) => ({ init: instance.initSeed, sample: instance.sampleSeed, shuffle: instance.shuffleSeed }),
    trainLoss: (instance: Instance) => instance.trainLoss.map(finiteOrNull),
    valLoss: (instance: Instance) => instance.valLoss.map(finiteOrNull),
    testLoss: (instance: Instance) => finiteOrNull(instance.testLoss),
    testAccuracy: (instance: Instance) => finiteOrNull(instance.testAccuracy),
    testMetrics: (instance: Instance) => parseTestMetrics(instance.testMetrics),

    async predictions(instance: Instance, args: PageArgs, { db }: GraphQLContext) {
      const page = parsePage(args);
      const result = await loadPredictionPage({ db, instanceId: instance.id, ...page });
      if (!result) return toConnection([], page, 0);
      return toConnection(result.items, page, result.sampleCount);
    },
  },
};
