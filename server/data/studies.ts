import type { StudyRole } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import { MAX_MEMBERS_PER_STUDY } from './members.ts';

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

/** Loads studies by id with the user's role; studies the user is not a member of are left out. */
export async function loadStudiesOfMember({ db, userId, studyIds }: { db: DbOrTx; userId: string; studyIds: string[] }) {
  const memberships = await db.membership.findMany({ where: { userId, studyId: { in: studyIds } }, include: { study: true } });
  return new Map(memberships.map(({ study, role }) => [study.id, { ...study, role: role as StudyRole }]));
}

/** Lists the members of a study with their accounts; a study has at most MAX_MEMBERS_PER_STUDY. */
export async function listMembers({ db, studyId }: { db: DbOrTx; studyId: string }) {
  return db.membership.findMany({
    where: { studyId },
    orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
    take: MAX_MEMBERS_PER_STUDY,
    select: { role: true, user: { select: { id: true, email: true, name: true } } },
  });
}
