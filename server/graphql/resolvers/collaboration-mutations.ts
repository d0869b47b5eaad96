import { findExperimentForMember, findModelForMember } from '../../data/access.ts';
import { addNote, findNoteForMember, requireNoteEditor, updateNote } from '../../collaboration/notes.ts';
import { normalizeTags, setExperimentTags, setModelTags } from '../../collaboration/tags.ts';
import type { GraphQLContext } from '../context.ts';
import { badUserInput, forbidden, notFound } from '../errors.ts';
import { requireMembership, requireUser, requireUuid } from '../guards.ts';
import type { StudyRole } from '../../../generated/prisma/client.ts';

function requireTagEditor(role: StudyRole, studyId: string): void {
  if (role === 'viewer') throw forbidden(`Your role in study ${studyId} is viewer; changing tags needs owner or editor.`);
}

/** Mutations of notes, comments and tags. Every one checks the user's membership of the study concerned. */
export const collaborationMutationResolvers = {
  Mutation: {
    async addNote(_: unknown, args: { studyId: string; experimentId?: string | null; body: string }, context: GraphQLContext) {
      const user = requireUser(context);
      await requireMembership(context, args.studyId);

      let summary = '';
      if (args.experimentId != null) {
        const experiment = await context.db.experiment.findFirst({
          where: { id: requireUuid(args.experimentId, 'experimentId'), studyId: args.studyId },
          select: { name: true },
        });
        if (!experiment) throw notFound(`Experiment ${args.experimentId} not found in study ${args.studyId}.`);
        summary = experiment.name;
      }
      return addNote({ db: context.db, target: { studyId: args.studyId, experimentId: args.experimentId }, authorId: user.id, body: args.body, summary });
    },

    async addComment(_: unknown, args: { modelId: string; body: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const model = await findModelForMember({ db: context.db, modelId: requireUuid(args.modelId, 'modelId'), userId: user.id });
      if (!model) throw notFound(`Model ${args.modelId} not found.`);

      const experiment = await context.db.experiment.findUniqueOrThrow({ where: { id: model.experimentId }, select: { studyId: true, name: true } });
      return addNote({
        db: context.db,
        target: { studyId: experiment.studyId, experimentId: model.experimentId, modelId: model.id },
        authorId: user.id,
        body: args.body,
        summary: `${experiment.name}: ${model.label}`,
      });
    },

    async updateNote(_: unknown, args: { id: string; body: string; baseVersion: number }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findNoteForMember({ db: context.db, noteId: requireUuid(args.id, 'id'), userId: user.id });
      if (!found) throw notFound(`Note ${args.id} not found.`);
      requireNoteEditor(found.note, user.id, found.role);
      if (!Number.isInteger(args.baseVersion) || args.baseVersion < 1) {
        throw badUserInput(`Invalid baseVersion ${args.baseVersion}: expected the note's version, an integer from 1.`, 'baseVersion');
      }

      const note = await updateNote({ db: context.db, noteId: args.id, userId: user.id, body: args.body, baseVersion: args.baseVersion });
      context.logger.info({ noteId: note.id, version: note.version, userId: user.id, requestId: context.requestId }, 'Note updated');
      return note;
    },

    async setExperimentTags(_: unknown, args: { id: string; tags: string[] }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findExperimentForMember({ db: context.db, experimentId: requireUuid(args.id, 'id'), userId: user.id });
      if (!found) throw notFound(`Experiment ${args.id} not found.`);
      requireTagEditor(found.role, found.experiment.studyId);

      await setExperimentTags({ db: context.db, experimentId: args.id, tags: normalizeTags(args.tags) });
      return found.experiment;
    },

    async setModelTags(_: unknown, args: { id: string; tags: string[] }, context: GraphQLContext) {
      const user = requireUser(context);
      const model = await findModelForMember({ db: context.db, modelId: requireUuid(args.id, 'id'), userId: user.id });
      if (!model) throw notFound(`Model ${args.id} not found.`);
      const experiment = await context.db.experiment.findUniqueOrThrow({ where: { id: model.experimentId }, select: { studyId: true } });
      const role = await requireMembership(context, experiment.studyId);
      requireTagEditor(role, experiment.studyId);

      await setModelTags({ db: context.db, modelId: model.id, tags: normalizeTags(args.tags) });
      return model;
    },
  },
};
