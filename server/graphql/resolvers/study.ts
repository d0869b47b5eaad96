import type { ExperimentStatus } from '../../../generated/prisma/client.ts';
import { listExperiments } from '../../data/experiments.ts';
import { listMembers } from '../../data/studies.ts';
import type { GraphQLContext, StudyWithRole } from '../context.ts';
import { parsePage, toConnection } from '../paging.ts';

type PageArgs = { first?: number | null; after?: string | null };

export const studyResolvers = {
  Study: {
    async members(study: StudyWithRole, args: PageArgs, { db }: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await listMembers({ db, studyId: study.id, ...page });
      return toConnection(items, page, total);
    },

    async experiments(study: StudyWithRole, args: PageArgs & { status?: ExperimentStatus | null }, { db, loaders }: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await listExperiments({ db, studyId: study.id, status: args.status, ...page });
      for (const experiment of items) loaders.experiment.prime(experiment.id, experiment);
      return toConnection(items, page, total);
    },
  },
};
