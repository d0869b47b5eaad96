import type { ActivityEvent, Experiment, Model, Note } from '../../../generated/prisma/client.ts';
import { listActivity } from '../../collaboration/activity.ts';
import { searchExperiments, type ExperimentFilter } from '../../collaboration/experiment-filter.ts';
import { renderMarkdown } from '../../collaboration/markdown.ts';
import { listNotes } from '../../collaboration/notes.ts';
import { listStudyTags } from '../../collaboration/tags.ts';
import type { Db } from '../../db.ts';
import type { GraphQLContext, StudyWithRole } from '../context.ts';
import { parsePage, toConnection } from '../paging.ts';
import { collaborationLoaders } from './collaboration-loaders.ts';

type PageArgs = { first?: number | null; after?: string | null };

const loadUser = (id: string | null, context: GraphQLContext) => (id ? collaborationLoaders(context).user.load(id) : null);

async function notesConnection(db: Db, where: Parameters<typeof listNotes>[0]['where'], args: PageArgs) {
  const page = parsePage(args);
  const { items, total } = await listNotes({ db, where, ...page });
  return toConnection(items, page, total);
}

/** Field resolvers of notes, tags, search and the activity feed; the mutations are in collaboration-mutations.ts. */
export const collaborationResolvers = {
  ActivityKind: {
    EXPERIMENT_STARTED: 'experiment_started',
    EXPERIMENT_FINISHED: 'experiment_finished',
    EXPERIMENT_FAILED: 'experiment_failed',
    EXPERIMENT_CANCELLED: 'experiment_cancelled',
    DATASET_ADDED: 'dataset_added',
    NOTE_ADDED: 'note_added',
    COMMENT_ADDED: 'comment_added',
  },

  Study: {
    async searchExperiments(study: StudyWithRole, args: PageArgs & { filter?: ExperimentFilter | null }, { db, loaders }: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await searchExperiments({ db, studyId: study.id, filter: args.filter ?? {}, ...page });
      for (const experiment of items) loaders.experiment.prime(experiment.id, experiment);
      return toConnection(items, page, total);
    },
    async experimentTags(study: StudyWithRole, args: PageArgs, { db }: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await listStudyTags({ db, studyId: study.id, ...page });
      return toConnection(items, page, total);
    },
    notes: (study: StudyWithRole, args: PageArgs, { db }: GraphQLContext) => notesConnection(db, { studyId: study.id, experimentId: null, modelId: null }, args),

    async activity(study: StudyWithRole, args: PageArgs, { db }: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await listActivity({ db, studyId: study.id, ...page });
      return toConnection(items, page, total);
    },
  },

  Experiment: {
    tags: (experiment: Experiment, _: unknown, context: GraphQLContext) => collaborationLoaders(context).experimentTags.load(experiment.id),
    notes: (experiment: Experiment, args: PageArgs, { db }: GraphQLContext) => notesConnection(db, { experimentId: experiment.id, modelId: null }, args),
  },

  Model: {
    tags: (model: Model, _: unknown, context: GraphQLContext) => collaborationLoaders(context).modelTags.load(model.id),
    comments: (model: Model, args: PageArgs, { db }: GraphQLContext) => notesConnection(db, { modelId: model.id }, args),
  },

  Note: {
    html: (note: Note) => renderMarkdown(note.body),
    author: (note: Note, _: unknown, context: GraphQLContext) => loadUser(note.authorId, context),
    updatedBy: (note: Note, _: unknown, context: GraphQLContext) => loadUser(note.updatedById, context),
  },

  ActivityEvent: {
    actor: (event: ActivityEvent, _: unknown, context: GraphQLContext) => loadUser(event.actorId, context),
    note: (event: ActivityEvent, _: unknown, { db }: GraphQLContext) => (event.noteId ? db.note.findUnique({ where: { id: event.noteId } }) : null),
  },
};
