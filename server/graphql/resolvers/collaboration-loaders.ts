/** Per-request batch loaders of the collaboration fields, kept beside the context so that context.ts stays unchanged. */
import { queryRows, type SqlReader } from '../../data/sql.ts';
import type { GraphQLContext } from '../context.ts';
import { BatchLoader } from '../loader.ts';

type PublicUser = { id: string; email: string; name: string };

interface CollaborationLoaders {
  experimentTags: BatchLoader<string, string[]>;
  modelTags: BatchLoader<string, string[]>;
  user: BatchLoader<string, PublicUser | null>;
}

const byContext = new WeakMap<GraphQLContext, CollaborationLoaders>();

/**
 * Loads the tags of many experiments or models in one plain-SQL statement,
 * each list sorted, keyed by owner id. `table` and `column` are fixed names,
 * never input.
 */
async function loadTags(db: SqlReader, table: 'experiment_tags' | 'model_tags', column: 'experiment_id' | 'model_id', ids: string[]) {
  const rows = await queryRows<{ id: string; tag: string }>(
    db,
    `collaboration.${table}`,
    `SELECT ${column}::text AS id, tag FROM ${table} WHERE ${column} = ANY($1::uuid[]) ORDER BY tag`,
    [ids],
  );

  const result = new Map<string, string[]>();
  for (const row of rows) {
    const tags = result.get(row.id);
    if (tags) tags.push(row.tag);
    else result.set(row.id, [row.tag]);
  }
  return result;
}

/** Returns the collaboration loaders of this request, creating them on first use. */
export function collaborationLoaders(context: GraphQLContext): CollaborationLoaders {
  let loaders = byContext.get(context);
  if (!loaders) {
    const { db, sql } = context;
    loaders = {
      experimentTags: new BatchLoader((experimentIds) => loadTags(sql, 'experiment_tags', 'experiment_id', experimentIds), []),
      modelTags: new BatchLoader((modelIds) => loadTags(sql, 'model_tags', 'model_id', modelIds), []),
      user: new BatchLoader(async (ids) => {
        const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true } });
        return new Map(users.map((user) => [user.id, user]));
      }, null),
    };
    byContext.set(context, loaders);
  }
  return loaders;
}
