/** Resolvers of the comparison queries (server/graphql/schema/compare.graphql). */
import type { Experiment, Model } from '../../generated/prisma/client.ts';
import { boxSummary } from '../../lib/compare.ts';
import { comparabilityWarning } from '../../lib/comparability.ts';
import type { ExperimentConfig, Statistic } from '../../lib/config.ts';
import { computeRobustness } from '../experiments/robustness.ts';
import type { GraphQLContext } from '../graphql/context.ts';
import { badUserInput, notFound } from '../graphql/errors.ts';
import { requireUser, requireUuid } from '../graphql/guards.ts';
import { finiteOrNull } from '../graphql/scalars.ts';
import { findExperimentsForMember, findModelsForMember } from './access.ts';
import { experimentColumn, modelColumn } from './comparability.ts';
import { compareExperiments, compareModelPair, MAX_COMPARED, type ExperimentComparisonEntry } from './compare.ts';

const MIN_CONFIDENCE = 0.5;
const MAX_CONFIDENCE = 0.999;

/** Checks a list of ids: 1 to MAX_COMPARED distinct UUIDs. */
function requireIdList(ids: readonly string[], argumentName: string): string[] {
  if (ids.length === 0 || ids.length > MAX_COMPARED) {
    throw badUserInput(`Invalid ${argumentName}: got ${ids.length} ids, expected 1 to ${MAX_COMPARED}.`, argumentName);
  }
  const seen = new Set<string>();
  for (const id of ids) {
    requireUuid(id, argumentName);
    if (seen.has(id)) throw badUserInput(`Invalid ${argumentName}: id ${id} is listed twice.`, argumentName);
    seen.add(id);
  }
  return [...ids];
}

function apiRobustness(modelId: string, losses: readonly number[], statistic: Statistic) {
  const value = computeRobustness(modelId, losses, statistic);
  return { ...value, value: finiteOrNull(value.value), ciLow: finiteOrNull(value.ciLow), ciHigh: finiteOrNull(value.ciHigh) };
}

async function experimentOfModel(model: Model, { loaders }: GraphQLContext): Promise<Experiment> {
  const experiment = await loaders.experiment.load(model.experimentId);
  if (!experiment) throw new Error(`Experiment ${model.experimentId} of model ${model.id} is missing`);
  return experiment;
}

export const compareResolvers = {
  Query: {
    async compareExperiments(_: unknown, args: { ids: string[]; statistic?: Statistic | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const experimentIds = requireIdList(args.ids, 'ids');
      const found = await findExperimentsForMember({ db: context.db, experimentIds, userId: user.id });
      if (found.missingId !== null) throw notFound(`Experiment ${found.missingId} not found.`);

      for (const experiment of found.experiments) context.loaders.experiment.prime(experiment.id, experiment);
      const [entries, columns] = await Promise.all([
        compareExperiments({ db: context.db, experiments: found.experiments, statistic: args.statistic ?? null }),
        Promise.all(found.experiments.map((experiment) => experimentColumn(experiment, context))),
      ]);
      const warning = comparabilityWarning(columns);
      return entries.map((entry, index) => ({ ...entry, loss: columns[index].losses.join(' + '), comparabilityWarning: warning }));
    },

    async compareModels(_: unknown, args: { ids: string[]; statistic?: Statistic | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const modelIds = requireIdList(args.ids, 'ids');
      const found = await findModelsForMember({ db: context.db, modelIds, userId: user.id });
      if (found.missingId !== null) throw notFound(`Model ${found.missingId} not found.`);

      const entries = await Promise.all(
        found.models.map(async (model) => {
          context.loaders.model.prime(model.id, model);
          const experiment = await experimentOfModel(model, context);
          const statistic = args.statistic ?? (experiment.config as unknown as ExperimentConfig).selection.statistic;
          const losses = [...(await context.loaders.modelTestLosses.load(model.id))].sort((x, y) => x - y);
          const column = await modelColumn(model, experiment, context);
          return {
            model,
            statistic,
            robustness: apiRobustness(model.id, losses, statistic),
            instanceLosses: losses,
            instanceLossSummary: boxSummary(losses),
            loss: column.losses.join(' + '),
            column,
          };
        }),
      );
      const warning = comparabilityWarning(entries.map((entry) => entry.column));
      return entries.map(({ column: _column, ...entry }) => ({ ...entry, comparabilityWarning: warning }));
    },

    async compareModelPair(_: unknown, args: { a: string; b: string; confidence?: number | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const a = requireUuid(args.a, 'a');
      const b = requireUuid(args.b, 'b');
      if (a === b) throw badUserInput(`Invalid b ${b}: expected a model other than a.`, 'b');
      const confidence = args.confidence ?? 0.95;
      if (!(confidence >= MIN_CONFIDENCE && confidence <= MAX_CONFIDENCE)) {
        throw badUserInput(`Invalid confidence ${confidence}: expected a number from ${MIN_CONFIDENCE} to ${MAX_CONFIDENCE}.`, 'confidence');
      }

      const found = await findModelsForMember({ db: context.db, modelIds: [a, b], userId: user.id });
      if (found.missingId !== null) throw notFound(`Model ${found.missingId} not found.`);
      const [modelA, modelB] = found.models;
      const [lossesA, lossesB] = await Promise.all([context.loaders.modelTestLosses.load(a), context.loaders.modelTestLosses.load(b)]);
      const result = compareModelPair({ a: modelA, b: modelB, lossesA, lossesB, confidence });
      const columns = await Promise.all([modelA, modelB].map(async (model) => modelColumn(model, await experimentOfModel(model, context), context)));
      return { ...result, probabilityALower: result.probability, comparabilityWarning: comparabilityWarning(columns) };
    },
  },

  ExperimentComparison: {
    model: (entry: ExperimentComparisonEntry, _: unknown, { loaders }: GraphQLContext) =>
      entry.modelId === null ? null : loaders.model.load(entry.modelId),

    async robustness(entry: ExperimentComparisonEntry, _: unknown, { loaders }: GraphQLContext) {
      if (entry.modelId === null) return null;
      return apiRobustness(entry.modelId, await loaders.modelTestLosses.load(entry.modelId), entry.statistic);
    },
  },
};
