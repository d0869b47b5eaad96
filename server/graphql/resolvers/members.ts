import type { StudyRole } from '../../../generated/prisma/client.ts';
import { addMember, changeMemberRole, MAX_MEMBERS_PER_STUDY, removeMember, type MembershipChange } from '../../data/members.ts';
import type { GraphQLContext } from '../context.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { requireMembership, requireUser, requireUuid } from '../guards.ts';

async function requireOwner(context: GraphQLContext, studyId: string, action: string): Promise<void> {
  const role = await requireMembership(context, studyId);
  if (role !== 'owner') throw forbidden(`Your role in study ${studyId} is ${role}; ${action} needs owner.`);
}

/** Turns a membership change into its result or the matching error. */
function unwrap(change: MembershipChange, studyId: string, subject: string) {
  switch (change.kind) {
    case 'done':
      return change.member;
    case 'userNotFound':
      throw notFound(`No account has email ${subject}; the user must sign up first.`);
    case 'notMember':
      throw notFound(`User ${subject} is not a member of study ${studyId}.`);
    case 'alreadyMember':
      throw conflict(`User ${subject} is a member of study ${studyId} already; change their role instead.`);
    case 'studyFull':
      throw conflict(`Study ${studyId} has ${MAX_MEMBERS_PER_STUDY} members, the maximum.`);
    case 'lastOwner':
      throw conflict(`User ${subject} is the last owner of study ${studyId}; make another member owner first.`);
    default: {
      const unreachable: never = change;
      throw new Error(`Unknown membership change ${JSON.stringify(unreachable)}`);
    }
  }
}

export const memberResolvers = {
  Mutation: {
    async inviteMember(_: unknown, args: { studyId: string; email: string; role: StudyRole }, context: GraphQLContext) {
      await requireOwner(context, args.studyId, 'inviting members');
      const change = await addMember({ db: context.db, studyId: args.studyId, email: args.email, role: args.role });
      const member = unwrap(change, args.studyId, JSON.stringify(args.email.trim().toLowerCase()));
      context.logger.info({ studyId: args.studyId, memberId: member?.user.id, role: args.role, requestId: context.requestId }, 'Member invited');
      return member;
    },

    async changeMemberRole(_: unknown, args: { studyId: string; userId: string; role: StudyRole }, context: GraphQLContext) {
      await requireOwner(context, args.studyId, 'changing roles');
      requireUuid(args.userId, 'userId');
      const change = await changeMemberRole({ db: context.db, studyId: args.studyId, userId: args.userId, role: args.role });
      const member = unwrap(change, args.studyId, args.userId);
      context.logger.info({ studyId: args.studyId, memberId: args.userId, role: args.role, requestId: context.requestId }, 'Member role changed');
      return member;
    },

    async removeMember(_: unknown, args: { studyId: string; userId: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const leaving = args.userId === user.id;
      if (leaving) await requireMembership(context, args.studyId);
      else await requireOwner(context, args.studyId, 'removing other members');
      requireUuid(args.userId, 'userId');

      unwrap(await removeMember({ db: context.db, studyId: args.studyId, userId: args.userId }), args.studyId, args.userId);
      context.logger.info({ studyId: args.studyId, memberId: args.userId, leaving, requestId: context.requestId }, 'Member removed');
      return true;
    },
  },
};
