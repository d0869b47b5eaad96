/**
 * Membership lookups. Every read by id goes through these, so a user sees a
 * study and everything in it only as a member of that study.
 */
import type { StudyRole } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tells whether a string is a UUID, the format of every id. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Returns the user's role in a study, or null for non-members. */
export async function findRole({ db, studyId, userId }: { db: DbOrTx; studyId: string; userId: string }): Promise<StudyRole | null> {
  const membership = await db.membership.findUnique({ where: { studyId_userId: { studyId, userId } }, select: { role: true } });
  return membership?.role ?? null;
}

/**
 * Returns the experiment if the user is a member of its study, else null. One
 * statement, for reads that get the role elsewhere (from the study loader).
 */
export async function findVisibleExperiment({ db, experimentId, userId }: { db: DbOrTx; experimentId: string; userId: string }) {
  return db.experiment.findFirst({ where: { id: experimentId, study: { memberships: { some: { userId } } } } });
}

/** Returns the experiment with the user's role in its study, or null for non-members. */
export async function findExperimentForMember({ db, experimentId, userId }: { db: DbOrTx; experimentId: string; userId: string }) {
  const experiment = await db.experiment.findFirst({
    where: { id: experimentId, study: { memberships: { some: { userId } } } },
    include: { study: { select: { memberships: { where: { userId }, select: { role: true } } } } },
  });
  if (!experiment) return null;

  const { study, ...row } = experiment;
  return { experiment: row, role: study.memberships[0].role };
}

/** Returns the model if the user is a member of its study, else null. */
export async function findModelForMember({ db, modelId, userId }: { db: DbOrTx; modelId: string; userId: string }) {
  return db.model.findFirst({
    where: { id: modelId, experiment: { study: { memberships: { some: { userId } } } } },
  });
}

/** Returns the instance if the user is a member of its study, else null. */
export async function findInstanceForMember({ db, instanceId, userId }: { db: DbOrTx; instanceId: string; userId: string }) {
  return db.instance.findFirst({
    where: { id: instanceId, model: { experiment: { study: { memberships: { some: { userId } } } } } },
  });
}
