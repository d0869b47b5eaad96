/** Per-request batch loaders of the collaboration fields, kept beside the context so that context.ts stays unchanged. */
import { loadExperimentTags, loadModelTags } from '../../collaboration/tags.ts';
import type { GraphQLContext } from '../context.ts';
import { BatchLoader } from '../loader.ts';

type PublicUser = { id: string; email: string; name: string };

interface CollaborationLoaders {
  experimentTags: BatchLoader<string, string[]>;
  modelTags: BatchLoader<string, string[]>;
  user: BatchLoader<string, PublicUser | null>;
}

const byContext = new WeakMap<GraphQLContext, CollaborationLoaders>();

/** Returns the collaboration loaders of this request, creating them on first use. */
export function collaborationLoaders(context: GraphQLContext): CollaborationLoaders {
  let loaders = byContext.get(context);
  if (!loaders) {
    const { db } = context;
    loaders = {
      experimentTags: new BatchLoader((experimentIds) => loadExperimentTags({ db, experimentIds }), []),
      modelTags: new BatchLoader((modelIds) => loadModelTags({ db, modelIds }), []),
      user: new BatchLoader(async (ids) => {
        const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true } });
        return new Map(users.map((user) => [user.id, user]));
      }, null),
    };
    byContext.set(context, loaders);
  }
  return loaders;
}
