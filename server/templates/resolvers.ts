import type { TemplateRun } from '../../generated/prisma/client.ts';
import type { ThresholdRule } from '../../lib/config.ts';
import { TEMPLATE_DEFINITIONS, TEMPLATE_KINDS, defaultTemplateParams, type TemplateKind } from '../../lib/templates.ts';
import type { TemplateSummary } from '../../lib/templates-summary.ts';
import { computeProgress, maxInstancesOf } from '../experiments/progress.ts';
import type { GraphQLContext, Loaders } from '../graphql/context.ts';
import { notFound } from '../graphql/errors.ts';
import { requireEditor, requireMembership, requireUser, requireUuid } from '../graphql/guards.ts';
import { parsePage, toConnection } from '../graphql/paging.ts';
import type { StudyWithRole } from '../graphql/context.ts';
import { finalizeTemplateRun, findTemplateRunForMember, listTemplateRuns, loadRunExperiments, runStatus } from './runs.ts';
import { cancelTemplateRun, startTemplateRun } from './start.ts';

type RunExperiments = Awaited<ReturnType<typeof loadRunExperiments>>;

/** Experiments of each run, loaded once per request however many fields read them. */
const runExperimentsCache = new WeakMap<Loaders, Map<string, Promise<RunExperiments>>>();

function runExperiments(run: TemplateRun, context: GraphQLContext): Promise<RunExperiments> {
  let cache = runExperimentsCache.get(context.loaders);
  if (!cache) {
    cache = new Map();
    runExperimentsCache.set(context.loaders, cache);
  }
  let pending = cache.get(run.id);
  if (!pending) {
    pending = loadRunExperiments({ db: context.db, templateRunId: run.id }).then((links) => {
      for (const link of links) context.loaders.experiment.prime(link.experimentId, link.experiment);
      return links;
    });
    cache.set(run.id, pending);
  }
  return pending;
}

function ruleParameter(rule: ThresholdRule): number {
  switch (rule.kind) {
    case 'quantile':
      return rule.q;
    case 'keepBest':
      return rule.n;
    case 'racing':
      return rule.confidence;
    default: {
      const unknown: never = rule;
      throw new Error(`Unknown threshold rule ${JSON.stringify(unknown)}`);
    }
  }
}

const SUMMARY_TYPES: Record<TemplateSummary['kind'], string> = {
  sample_size: 'SampleSizeSummary',
  randomness_sources: 'RandomnessSourcesSummary',
  initializers: 'InitializersSummary',
  inductive_bias: 'InductiveBiasSummary',
  model_search: 'ModelSearchSummary',
};

export const templateResolvers = {
  TemplateKind: Object.fromEntries(TEMPLATE_KINDS.map((kind) => [kind.toUpperCase(), kind])),
  TemplateRunStatus: { RUNNING: 'running', FINISHED: 'finished', FAILED: 'failed', CANCELLED: 'cancelled' },
  RandomnessSource: { INIT: 'init', SAMPLE: 'sample', SHUFFLE: 'shuffle', ALL: 'all' },

  TemplateSummary: {
    __resolveType: (summary: TemplateSummary) => SUMMARY_TYPES[summary.kind],
  },

  SelectionReplay: {
    rule: (replay: { rule: ThresholdRule }) => replay.rule.kind,
    ruleParameter: (replay: { rule: ThresholdRule }) => ruleParameter(replay.rule),
  },

  TemplateRun: {
    title: (run: TemplateRun) => TEMPLATE_DEFINITIONS[run.template as TemplateKind]?.title ?? run.template,
    summary: (run: TemplateRun) => run.summary,

    async study(run: TemplateRun, _: unknown, { loaders }: GraphQLContext) {
      const study = await loaders.study.load(run.studyId);
      if (!study) throw notFound(`Study ${run.studyId} not found.`);
      return study;
    },

    createdBy: (run: TemplateRun, _: unknown, { db }: GraphQLContext) =>
      run.createdById ? db.user.findUnique({ where: { id: run.createdById }, select: { id: true, email: true, name: true } }) : null,

    async experiments(run: TemplateRun, _: unknown, context: GraphQLContext) {
      return (await runExperiments(run, context)).map((link) => ({ key: link.key, experiment: link.experiment }));
    },

    async status(run: TemplateRun, _: unknown, context: GraphQLContext) {
      const links = await runExperiments(run, context);
      return runStatus(run, links.map((link) => link.experiment.status));
    },

    /** Ended over planned instances, summed over the run's experiments. */
    async fraction(run: TemplateRun, _: unknown, context: GraphQLContext) {
      const links = await runExperiments(run, context);
      const progress = await Promise.all(
        links.map(async ({ experiment }) => {
          const [instances, models] = await Promise.all([
            context.loaders.instanceCounts.load(experiment.id),
            context.loaders.modelCounts.load(experiment.id),
          ]);
          if (!instances || !models) throw new Error(`Counts of experiment ${experiment.id} are missing`);
          const entry = computeProgress(experiment, instances, models);
          if (experiment.status !== 'cancelled') return entry;

          // A cancelled experiment keeps the plan it was cancelled in: its cancelled instances and the steps
          // left stay planned, so that cancelling a run does not read as progress 1.
          const stepsLeft = Math.max(0, maxInstancesOf(experiment) - experiment.currentStep);
          return { ...entry, plannedInstances: entry.plannedInstances + instances.cancelled + models.active * stepsLeft };
        }),
      );
      const planned = progress.reduce((sum, entry) => sum + entry.plannedInstances, 0);
      const ended = progress.reduce((sum, entry) => sum + entry.finishedInstances + entry.divergedInstances + entry.failedInstances, 0);
      return planned > 0 ? Math.min(1, ended / planned) : 0;
    },
  },

  Study: {
    async templateRuns(study: StudyWithRole, args: { first?: number | null; after?: string | null }, context: GraphQLContext) {
      const page = parsePage(args);
      const { items, total } = await listTemplateRuns({ db: context.db, studyId: study.id, ...page });
      const runs = await Promise.all(items.map((run) => finalizeTemplateRun({ db: context.db, run, logger: context.logger })));
      return toConnection(runs, page, total);
    },
  },

  Query: {
    templates(_: unknown, __: unknown, context: GraphQLContext) {
      requireUser(context);
      return TEMPLATE_KINDS.map((kind) => ({ kind, ...TEMPLATE_DEFINITIONS[kind], defaultParams: defaultTemplateParams(kind) }));
    },

    async templateRun(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findTemplateRunForMember({ db: context.db, templateRunId: requireUuid(id, 'id'), userId: user.id });
      if (!found) throw notFound(`Template run ${id} not found.`);
      return finalizeTemplateRun({ db: context.db, run: found.run, logger: context.logger });
    },
  },

  Mutation: {
    async startTemplate(_: unknown, args: { studyId: string; template: string; params?: unknown }, context: GraphQLContext) {
      const user = requireUser(context);
      const role = await requireMembership(context, args.studyId);
      requireEditor(role, args.studyId);

      return startTemplateRun({
        db: context.db,
        boss: context.boss,
        logger: context.logger.child({ requestId: context.requestId, userId: user.id }),
        studyId: args.studyId,
        userId: user.id,
        template: args.template,
        params: args.params ?? {},
      });
    },

    async cancelTemplateRun(_: unknown, { id }: { id: string }, context: GraphQLContext) {
      const user = requireUser(context);
      const found = await findTemplateRunForMember({ db: context.db, templateRunId: requireUuid(id, 'id'), userId: user.id });
      if (!found) throw notFound(`Template run ${id} not found.`);
      requireEditor(found.role, found.run.studyId);

      const run = await cancelTemplateRun({ db: context.db, templateRunId: id, actorId: user.id });
      context.logger.info({ templateRunId: id, userId: user.id, requestId: context.requestId }, 'Template run cancelled');
      return run;
    },
  },
};
