import type { StudyRole } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import { queryRows, type SqlReader } from './sql.ts';
import { totalOfPage } from '../graphql/paging.ts';

/** Lists the studies a user is a member of, oldest first, with the user's role in each. */
export async function listStudiesOfUser({ db, userId, offset, limit }: { db: DbOrTx; userId: string; offset: number; limit: number }) {
  const [memberships, total] = await Promise.all([
    db.membership.findMany({
      where: { userId },
      include: { study: true },
      orderBy: [{ study: { createdAt: 'asc' } }, { studyId: 'asc' }],
      skip: offset,
      take: limit,
    }),
    db.membership.count({ where: { userId } }),
  ]);
  return { items: memberships.map(({ study, role }) => ({ ...study, role })), total };
}

/**
 * Loads studies by id with the user's role; studies the user is not a member
 * of are left out. One joined statement, because nearly every API request
 * loads its study: Prisma's `include` would send two.
 */
export async function loadStudiesOfMember({ db, userId, studyIds }: { db: SqlReader; userId: string; studyIds: string[] }) {
  const rows = await queryRows<{ id: string; name: string; description: string; createdAt: Date; role: StudyRole }>(
    db,
    'studies.studies_of_member',
    `SELECT s.id::text AS id, s.name, s.description, s.created_at AS "createdAt", m.role::text AS role
     FROM memberships m JOIN studies s ON s.id = m.study_id
     WHERE m.user_id = $1::uuid AND m.study_id = ANY($2::uuid[])`,
    [userId, studyIds],
  );
  return new Map(rows.map((study) => [study.id, study]));
}

/** Lists a page of the members of a study with their accounts, oldest membership first. */
export async function listMembers({ db, studyId, offset, limit }: { db: DbOrTx; studyId: string; offset: number; limit: number }) {
  const items = await db.membership.findMany({
    where: { studyId },
    orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
    skip: offset,
    take: limit,
    select: { role: true, user: { select: { id: true, email: true, name: true } } },
  });
  const total = await totalOfPage({ offset, limit }, items.length, () => db.membership.count({ where: { studyId } }));
  return { items, total };
}
