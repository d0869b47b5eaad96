/** Tags on experiments and models: short lowercase labels used to group and filter. */
import type { DbOrTx } from '../db.ts';
import { badUserInput } from '../graphql/errors.ts';
import { totalOfPage } from '../graphql/paging.ts';

/** Most tags on one experiment or model. */
export const MAX_TAGS = 20;
const TAG = /^[a-z0-9][a-z0-9._:/-]{0,39}$/;

/**
 * Normalizes tags to lowercase without surrounding spaces and removes
 * duplicates. Raises BAD_USER_INPUT naming the first invalid tag.
 */
export function normalizeTags(tags: readonly string[], argumentName = 'tags'): string[] {
  const unique = [...new Set(tags.map((tag) => tag.trim().toLowerCase()))];
  for (const tag of unique) {
    if (!TAG.test(tag)) {
      throw badUserInput(
        `Invalid tag ${JSON.stringify(tag)}: use 1 to 40 characters, letters, digits and . _ : / -, starting with a letter or digit.`,
        argumentName,
      );
    }
  }
  if (unique.length > MAX_TAGS) throw badUserInput(`Invalid ${argumentName}: ${unique.length} tags; at most ${MAX_TAGS} are allowed.`, argumentName);
  return unique.sort();
}

/** Replaces all tags of an experiment. */
export async function setExperimentTags({ db, experimentId, tags }: { db: DbOrTx; experimentId: string; tags: string[] }) {
  await db.experimentTag.deleteMany({ where: { experimentId, tag: { notIn: tags } } });
  await db.experimentTag.createMany({ data: tags.map((tag) => ({ experimentId, tag })), skipDuplicates: true });
}

/** Replaces all tags of a model. */
export async function setModelTags({ db, modelId, tags }: { db: DbOrTx; modelId: string; tags: string[] }) {
  await db.modelTag.deleteMany({ where: { modelId, tag: { notIn: tags } } });
  await db.modelTag.createMany({ data: tags.map((tag) => ({ modelId, tag })), skipDuplicates: true });
}

/** Lists a page of the distinct experiment tags used in a study, sorted, for filter suggestions. */
export async function listStudyTags({ db, studyId, offset, limit }: { db: DbOrTx; studyId: string; offset: number; limit: number }) {
  const rows = await db.$queryRaw<{ tag: string; total: number }[]>`
    SELECT t.tag, (count(*) OVER ())::int AS total
    FROM (SELECT DISTINCT et.tag FROM experiment_tags et JOIN experiments e ON e.id = et.experiment_id WHERE e.study_id = ${studyId}::uuid) t
    ORDER BY t.tag
    OFFSET ${offset} LIMIT ${limit}`;
  if (rows.length > 0) return { items: rows.map((row) => row.tag), total: rows[0].total };

  // An empty page has no row to carry the total: a study without tags, `first: 0`, or a page past the end.
  const total = await totalOfPage({ offset, limit }, 0, async () => {
    const [{ count }] = await db.$queryRaw<{ count: number }[]>`
      SELECT count(DISTINCT et.tag)::int AS count FROM experiment_tags et JOIN experiments e ON e.id = et.experiment_id WHERE e.study_id = ${studyId}::uuid`;
    return count;
  });
  return { items: [], total };
}
