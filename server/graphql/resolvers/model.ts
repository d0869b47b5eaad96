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
import { listModelInstances } from '../../data/rows.ts';
import type { ModelStepValue } from '../../data/steps.ts';
import { computeRobustness, type ModelRobustness } from '../../experiments/robustness.ts';
import type { GraphQLContext } from '../context.ts';
import { parsePage, sliceConnection, toConnection } from '../paging.ts';
import { finiteOrNull } from '../scalars.ts';

type PageArgs = { first?: number | null; after?: string | null };

function finishedLosses(model: Model, { loaders }: GraphQLContext): Promise<number[]> {
  return loaders.modelTestLosses.load(model.id);
}

// computeRobustness returns one cached object per model, statistic and instance count, so its API form is kept next to it.
const apiValues = new WeakMap<ModelRobustness, ModelRobustness>();

function apiRobustness(model: Model, losses: number[], statistic: Statistic): ModelRobustness {
  const value = computeRobustness(model.id, losses, statistic);
  let apiValue = apiValues.get(value);
  if (!apiValue) {
    apiValue = { ...value, value: finiteOrNull(value.value), ciLow: finiteOrNull(value.ciLow), ciHigh: finiteOrNull(value.ciHigh) };
    apiValues.set(value, apiValue);
  }
  return apiValue;
}

async function robustness(model: Model, statistic: Statistic, context: GraphQLContext): Promise<ModelRobustness> {
  return apiRobustness(model, await finishedLosses(model, context), statistic);
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

// The step values of a finished experiment's models are final, so they are kept in the process.
// By estimate, 20,000 models of about 10 step values each take a few MB.
const FINISHED_STEP_VALUES_LIMIT = 20_000;
const finishedStepValues = new Map<string, ModelStepValue[]>();

async function stepValuesOf(model: Model, { loaders }: GraphQLContext): Promise<ModelStepValue[]> {
  const cached = finishedStepValues.get(model.id);
  if (cached) return cached;

  // The experiment is read before the values, so values read after it was finished are final.
  const experiment = await loaders.experiment.load(model.experimentId);
  const values = await loaders.modelStepValues.load(model.id);
  if (experiment?.status !== 'finished') return values;
  if (finishedStepValues.size >= FINISHED_STEP_VALUES_LIMIT) finishedStepValues.delete(finishedStepValues.keys().next().value!);
  finishedStepValues.set(model.id, values);
  return values;
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
    async robustnessValues(model: Model, _: unknown, context: GraphQLContext) {
      const losses = await finishedLosses(model, context);
      return STATISTICS.map((statistic) => apiRobustness(model, losses, statistic));
    },
    testLosses: (model: Model, _: unknown, context: GraphQLContext) => finishedLosses(model, context),
    stepValues: (model: Model, _: unknown, context: GraphQLContext) => stepValuesOf(model, context),

    async instances(model: Model, args: PageArgs, { sql }: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await listModelInstances({ db: sql, modelId: model.id, ...page });
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
