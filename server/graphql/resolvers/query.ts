import { z } from 'zod';
import { newModelSpaceSchema, selectionPolicySchema } from '../../../lib/config.ts';
import { findInstanceForMember } from '../../data/access.ts';
import { findVisibleExperimentRow, findVisibleModelRow } from '../../data/rows.ts';
import { listStudiesOfUser } from '../../data/studies.ts';
import { estimateTrainings } from '../../../lib/space.ts';
import { findLatestDataset, summarizeForDataset } from '../../experiments/create.ts';
import { zodToUserInputError } from '../../experiments/validation.ts';
import type { GraphQLContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { requireUser, requireUuid } from '../guards.ts';
import { parsePage, toConnection, totalOfPage } from '../paging.ts';

/** Models listed by `previewModelSpace`; the counts cover the whole space. */
const PREVIEW_MODEL_LIMIT = 200;

/** The preview accepts a whole experiment configuration or only its `space`. */
const previewConfigSchema = z.object({
  space: newModelSpaceSchema,
  selection: selectionPolicySchema.default({ statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 3, maxInstances: 8 }),
});

function parsePreviewConfig(config: unknown) {
  const input = config !== null && typeof config === 'object' && 'space' in config ? config : { space: config };
  const result = previewConfigSchema.safeParse(input);
  if (!result.success) throw zodToUserInputError(result.error, input, 'config');
  return result.data;
}

export const queryResolvers = {
  Query: {
    me: (_: unknown, __: unknown, { user }: GraphQLContext) => user,

    async studies(_: unknown, args: { first?: number | null; after?: string | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const page = parsePage(args);
      const { items, total } = await listStudiesOfUser({ db: context.db, userId: user.id, ...page });
      for (const study of items) context.loaders.study.prime(study.id, study);
      return toConnection(items, page, total);
    },

    async study(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      requireUser(context);
      const study = await context.loaders.study.load(requireUuid(id, 'id'));
      if (!study) throw notFound(`Study ${id} not found.`);
      return study;
    },

    async experiment(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findVisibleExperimentRow({ db: context.sql, experimentId: requireUuid(id, 'id'), userId: user.id });
      if (!found) throw notFound(`Experiment ${id} not found.`);
      context.loaders.experiment.prime(found.experiment.id, found.experiment);
      context.loaders.dataset.prime(found.dataset.id, found.dataset);
      context.loaders.study.prime(found.study.id, found.study);
      return found.experiment;
    },

    async model(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findVisibleModelRow({ db: context.sql, modelId: requireUuid(id, 'id'), userId: user.id });
      if (!found) throw notFound(`Model ${id} not found.`);
      context.loaders.model.prime(found.model.id, found.model);
      context.loaders.modelTestLosses.prime(found.model.id, found.testLosses);
      context.loaders.experiment.prime(found.experiment.id, found.experiment);
      context.loaders.study.prime(found.study.id, found.study);
      return found.model;
    },

    async instance(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const instance = await findInstanceForMember({ db: context.db, instanceId: requireUuid(id, 'id'), userId: user.id });
      if (!instance) throw notFound(`Instance ${id} not found.`);
      return instance;
    },

    async datasets(_: unknown, args: { first?: number | null; after?: string | null }, context: GraphQLContext) {
      const user = requireUser(context);
      const page = parsePage(args);
      // Uploaded datasets are listed only to members of their study.
      const visible = { OR: [{ studyId: null }, { study: { memberships: { some: { userId: user.id } } } }] };
      const items = await context.db.dataset.findMany({ where: visible, orderBy: [{ key: 'asc' }, { version: 'desc' }, { id: 'asc' }], skip: page.offset, take: page.limit });
      const total = await totalOfPage(page, items.length, () => context.db.dataset.count({ where: visible }));
      return toConnection(items, page, total);
    },

    async previewModelSpace(_: unknown, args: { dataset: string; config: unknown }, context: GraphQLContext) {
      const user = requireUser(context);
      const config = parsePreviewConfig(args.config);
      const dataset = await findLatestDataset({ db: context.db, key: args.dataset, argumentName: 'dataset', userId: user.id });
      const { modelCount, models, overBudget, spaceSize, withinBudget } = summarizeForDataset(config, dataset, PREVIEW_MODEL_LIMIT);
      return {
        modelCount,
        overBudget,
        spaceSize,
        withinBudget,
        sampling: config.space.sampling.kind === 'grid' ? 'GRID' : 'RANDOM',
        exhaustiveTrainings: modelCount * config.selection.maxInstances,
        trainings: estimateTrainings(modelCount, config.selection),
        models: models.map(({ label, parameterCount }) => ({ label, parameterCount })),
      };
    },
  },
};
