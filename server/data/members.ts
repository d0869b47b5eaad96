/**
 * Changes of study membership. Every change that can remove an owner locks
 * the study's memberships first, so two concurrent changes cannot leave a
 * study without an owner.
 */
import type { StudyRole } from '../../generated/prisma/client.ts';
import type { Db, DbOrTx } from '../db.ts';

/** Maximum number of members of a study, so the members list is one bounded query. */
export const MAX_MEMBERS_PER_STUDY = 1000;

/** Outcome of a membership change. */
export type MembershipChange =
  | { kind: 'done'; member: { role: StudyRole; user: { id: string; email: string; name: string } } | null }
  | { kind: 'userNotFound' }
  | { kind: 'notMember' }
  | { kind: 'alreadyMember' }
  | { kind: 'studyFull' }
  | { kind: 'lastOwner' };

const MEMBER_SELECT = { role: true, user: { select: { id: true, email: true, name: true } } } as const;

/** Creates a study and makes its creator the owner. */
export async function createStudy({ db, userId, name, description }: { db: DbOrTx; userId: string; name: string; description: string }) {
  return db.study.create({ data: { name, description, memberships: { create: { userId, role: 'owner' } } } });
}

/** Adds the existing user with this email (case-insensitive) to a study. */
export async function addMember({ db, studyId, email, role }: { db: Db; studyId: string; email: string; role: StudyRole }): Promise<MembershipChange> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } });
  if (!user) return { kind: 'userNotFound' };

  return db.$transaction(async (tx) => {
    const memberCount = await lockMemberships(tx, studyId);
    if (memberCount >= MAX_MEMBERS_PER_STUDY) return { kind: 'studyFull' };
    const existing = await tx.membership.findUnique({ where: { studyId_userId: { studyId, userId: user.id } } });
    if (existing) return { kind: 'alreadyMember' };

    const member = await tx.membership.create({ data: { studyId, userId: user.id, role }, select: MEMBER_SELECT });
    return { kind: 'done', member };
  });
}

/** Changes a member's role; the last owner cannot be demoted. */
export async function changeMemberRole({ db, studyId, userId, role }: { db: Db; studyId: string; userId: string; role: StudyRole }): Promise<MembershipChange> {
  return db.$transaction(async (tx) => {
    await lockMemberships(tx, studyId);
    const current = await tx.membership.findUnique({ where: { studyId_userId: { studyId, userId } } });
    if (!current) return { kind: 'notMember' };
    if (current.role === 'owner' && role !== 'owner' && (await countOwners(tx, studyId)) === 1) return { kind: 'lastOwner' };

    const member = await tx.membership.update({ where: { studyId_userId: { studyId, userId } }, data: { role }, select: MEMBER_SELECT });
    return { kind: 'done', member };
  });
}

/** Removes a member; the last owner cannot be removed or leave. */
export async function removeMember({ db, studyId, userId }: { db: Db; studyId: string; userId: string }): Promise<MembershipChange> {
  return db.$transaction(async (tx) => {
    await lockMemberships(tx, studyId);
    const current = await tx.membership.findUnique({ where: { studyId_userId: { studyId, userId } } });
    if (!current) return { kind: 'notMember' };
    if (current.role === 'owner' && (await countOwners(tx, studyId)) === 1) return { kind: 'lastOwner' };

    await tx.membership.delete({ where: { studyId_userId: { studyId, userId } } });
    return { kind: 'done', member: null };
  });
}

/** Locks the study row, which serializes membership changes of one study; returns the member count. */
async function lockMemberships(tx: DbOrTx, studyId: string): Promise<number> {
  await tx.$queryRaw`SELECT id FROM studies WHERE id = ${studyId}::uuid FOR UPDATE`;
  return tx.membership.count({ where: { studyId } });
}

function countOwners(tx: DbOrTx, studyId: string): Promise<number> {
  return tx.membership.count({ where: { studyId, role: 'owner' } });
}
