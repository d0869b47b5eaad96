/** Resolvers of uploaded datasets, their samples and per-sample instability. */
import type { Dataset, Model } from '../../../generated/prisma/client.ts';
import { readDatasetSamples, readTestTargets } from '../../data/dataset-samples.ts';
import { datasetBaselines } from '../../datasets.ts';
import { findModelForMember } from '../../data/access.ts';
import { computeInstability, loadInstabilityInput, sortInstability, type InstabilityOrder, type SampleInstability } from '../../data/instability.ts';
import type { DatasetSummary } from '../../uploads/summary.ts';
import type { GraphQLContext, StudyWithRole } from '../context.ts';
import { badUserInput, notFound } from '../errors.ts';
import { requireUser, requireUuid } from '../guards.ts';
import { parsePage, sliceConnection, toConnection, totalOfPage } from '../paging.ts';

type PageArgs = { first?: number | null; after?: string | null };
import { finiteOrNull } from '../scalars.ts';

/** Most samples one `samples` page returns. */
const MAX_SAMPLES_PAGE = 200;

function classNamesOf(dataset: Dataset): string[] | null {
  const summary = dataset.summary as DatasetSummary | null;
  return summary?.notes.classNames ?? null;
}

/** Returns the dataset if it is built-in or the user is a member of its study. Any other id is NOT_FOUND, as in the other reads by id. */
async function findVisibleDataset(context: GraphQLContext, id: string): Promise<Dataset> {
  const user = requireUser(context);
  requireUuid(id, 'id');
  const dataset = await context.db.dataset.findFirst({ where: { id, OR: [{ studyId: null }, { study: { memberships: { some: { userId: user.id } } } }] } });
  if (!dataset) throw notFound(`Dataset ${id} not found.`);
  return dataset;
}

// Instabilities are computed once per model and request, whatever the order and page.
const instabilityCache = new WeakMap<GraphQLContext, Map<string, Promise<SampleInstability[]>>>();

async function computeForModel(model: Model, context: GraphQLContext): Promise<SampleInstability[]> {
  const experiment = await context.loaders.experiment.load(model.experimentId);
  const dataset = experiment === null ? null : await context.loaders.dataset.load(experiment.datasetId);
  if (dataset === null) throw new Error(`Dataset of model ${model.id} is missing`);
  const predictions = await loadInstabilityInput({ db: context.db, modelId: model.id });
  const targets = dataset.task === 'regression' && predictions.length > 0 ? await readTestTargets({ db: context.db, dataset }) : null;
  return computeInstability(predictions, { kind: dataset.task, classes: dataset.classes, targets });
}

function instabilityOf(model: Model, context: GraphQLContext): Promise<SampleInstability[]> {
  let byModel = instabilityCache.get(context);
  if (!byModel) instabilityCache.set(context, (byModel = new Map()));
  let items = byModel.get(model.id);
  if (!items) {
    items = computeForModel(model, context);
    byModel.set(model.id, items);
  }
  return items;
}

async function comparedModel(model: Model, compareModelId: string, context: GraphQLContext): Promise<Model> {
  requireUuid(compareModelId, 'compareModelId');
  const other = await findModelForMember({ db: context.db, modelId: compareModelId, userId: requireUser(context).id });
  if (!other) throw notFound(`Model ${compareModelId} not found.`);
  const [mine, theirs] = await Promise.all([context.loaders.experiment.load(model.experimentId), context.loaders.experiment.load(other.experimentId)]);
  if (mine?.datasetId !== theirs?.datasetId) {
    throw badUserInput(`Invalid compareModelId ${compareModelId}: that model was trained on another dataset, so its test samples do not match.`, 'compareModelId');
  }
  return other;
}

export const datasetResolvers = {
  Query: {
    dataset: (_: unknown, args: { id: string }, context: GraphQLContext) => findVisibleDataset(context, args.id),
  },

  Study: {
    async datasets(study: StudyWithRole, args: PageArgs, { db, loaders }: GraphQLContext) {
      const page = parsePage(args);
      const where = { studyId: study.id };
      const items = await db.dataset.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: page.offset, take: page.limit });
      const total = await totalOfPage(page, items.length, () => db.dataset.count({ where }));
      for (const dataset of items) loaders.dataset.prime(dataset.id, dataset);
      return toConnection(items, page, total);
    },
  },

  Dataset: {
    classNames: (dataset: Dataset) => classNamesOf(dataset),

    baselines: (dataset: Dataset) => datasetBaselines(dataset),

    async samples(dataset: Dataset, args: { part?: 'TRAIN' | 'TEST' | null; offset?: number | null; limit?: number | null }, { db }: GraphQLContext) {
      const part = args.part === 'TRAIN' ? 'train' : 'test';
      const offset = args.offset ?? 0;
      const limit = args.limit ?? 20;
      const totalCount = part === 'train' ? dataset.trainCount : dataset.testCount;
      if (!Number.isInteger(offset) || offset < 0 || offset >= Math.max(totalCount, 1)) {
        throw badUserInput(`Invalid offset ${offset}: expected a sample index from 0 to ${totalCount - 1}.`, 'offset');
      }
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SAMPLES_PAGE) {
        throw badUserInput(`Invalid limit ${limit}: expected 1 to ${MAX_SAMPLES_PAGE}.`, 'limit');
      }
      const names = classNamesOf(dataset);
      const items = await readDatasetSamples({ db, dataset, part, offset, limit });
      return {
        offset,
        totalCount,
        items: items.map((sample) => ({ ...sample, label: dataset.task === 'regression' ? null : (names?.[sample.target] ?? String(sample.target)) })),
      };
    },

    async experiments(dataset: Dataset, args: PageArgs, context: GraphQLContext) {
      const user = requireUser(context);
      const page = parsePage(args);
      const where = { datasetId: dataset.id, study: { memberships: { some: { userId: user.id } } } };
      const items = await context.db.experiment.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: page.offset, take: page.limit });
      const total = await totalOfPage(page, items.length, () => context.db.experiment.count({ where }));
      for (const experiment of items) context.loaders.experiment.prime(experiment.id, experiment);
      return toConnection(items, page, total);
    },
  },

  Model: {
    async sampleInstability(
      model: Model,
      args: { first?: number | null; after?: string | null; orderBy?: InstabilityOrder | null; compareModelId?: string | null },
      context: GraphQLContext,
    ) {
      const page = parsePage(args);
      const items = sortInstability([...(await instabilityOf(model, context))], args.orderBy ?? 'LOSS_STD_DESC');
      let compared: SampleInstability[] | null = null;
      if (args.compareModelId) compared = await instabilityOf(await comparedModel(model, args.compareModelId, context), context);
      const connection = sliceConnection(items, page);
      return {
        ...connection,
        edges: connection.edges.map((edge) => ({ ...edge, node: { ...edge.node, compared: compared?.[edge.node.sampleIndex] ?? null } })),
      };
    },
  },

  SampleInstability: {
    lossStd: (item: SampleInstability) => finiteOrNull(item.lossStd),
    meanLoss: (item: SampleInstability) => finiteOrNull(item.meanLoss) ?? 0,
    averagedLoss: (item: SampleInstability) => finiteOrNull(item.averagedLoss) ?? 0,
  },
};
