import type { StudyRole } from '../../generated/prisma/client.ts';
import type { SessionUser } from '../auth/session.ts';
import { findRole, isUuid } from '../data/access.ts';
import type { GraphQLContext } from './context.ts';
import { badUserInput, forbidden, notFound, unauthenticated } from './errors.ts';

/** Returns the signed-in user or raises UNAUTHENTICATED. */
export function requireUser(context: GraphQLContext): SessionUser {
  if (!context.user) throw unauthenticated();
  return context.user;
}

/** Checks that an id argument is a UUID, the format of every id, so a typo gets a clear error. */
export function requireUuid(id: string, argumentName: string): string {
  if (!isUuid(id)) throw badUserInput(`Invalid ${argumentName} ${JSON.stringify(id)}: expected a UUID.`, argumentName);
  return id;
}

/** Raises FORBIDDEN unless the role may change the study's experiments (owner or editor). */
export function requireEditor(role: StudyRole, studyId: string): void {
  if (role === 'viewer') {
    throw forbidden(`Your role in study ${studyId} is viewer; creating or cancelling experiments needs owner or editor.`);
  }
}

/** Returns the user's role in a study; NOT_FOUND for non-members so that ids do not reveal which studies exist. */
export async function requireMembership(context: GraphQLContext, studyId: string): Promise<StudyRole> {
  const user = requireUser(context);
  requireUuid(studyId, 'studyId');
  const role = await findRole({ db: context.db, studyId, userId: user.id });
  if (!role) throw notFound(`Study ${studyId} not found.`);
  return role;
}
