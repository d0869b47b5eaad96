import type { Logger } from 'pino';
import type { Prisma, TemplateRun } from '../../generated/prisma/client.ts';
import { TEMPLATE_PARAM_SCHEMAS, type TemplateKind, type TemplateParams } from '../../lib/templates.ts';
import { summarizeTemplate, type SummaryExperiment, type TemplateSummary } from '../../lib/templates-summary.ts';
import type { DbOrTx } from '../db.ts';

/** Lifecycle of a template run, derived from its experiments. */
export type TemplateRunStatus = 'running' | 'finished' | 'failed' | 'cancelled';

const ONGOING = new Set(['queued', 'running']);

/** Returns the template run if the user is a member of its study, else null. */
export async function findTemplateRunForMember({ db, templateRunId, userId }: { db: DbOrTx; templateRunId: string; userId: string }) {
  const run = await db.templateRun.findFirst({
    where: { id: templateRunId, study: { memberships: { some: { userId } } } },
    include: { study: { select: { memberships: { where: { userId }, select: { role: true } } } } },
  });
  if (!run) return null;

  const { study, ...row } = run;
  return { run: row, role: study.memberships[0].role };
}

/** Lists the template runs of a study, newest first, with their total count. */
export async function listTemplateRuns({ db, studyId, offset, limit }: { db: DbOrTx; studyId: string; offset: number; limit: number }) {
  const [items, total] = await Promise.all([
    db.templateRun.findMany({ where: { studyId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: offset, take: limit }),
    db.templateRun.count({ where: { studyId } }),
  ]);
  return { items, total };
}

/** Loads the experiments of a template run in run order, with their key. */
export async function loadRunExperiments({ db, templateRunId }: { db: DbOrTx; templateRunId: string }) {
  return db.templateRunExperiment.findMany({
    where: { templateRunId },
    orderBy: { position: 'asc' },
    include: { experiment: true },
  });
}

/**
 * Derives the status of a run from its stored outcome and its experiments:
 * running while any experiment is queued or running, then finished when all
 * finished, cancelled when one was cancelled, and failed otherwise.
 */
export function runStatus(run: Pick<TemplateRun, 'summary' | 'error'>, experimentStatuses: readonly string[]): TemplateRunStatus {
  if (run.summary !== null) return 'finished';
  if (experimentStatuses.length === 0) return run.error === null ? 'running' : 'failed';
  if (experimentStatuses.some((status) => ONGOING.has(status))) return 'running';
  if (experimentStatuses.every((status) => status === 'finished')) return 'finished';
  if (experimentStatuses.some((status) => status === 'cancelled')) return 'cancelled';
  return 'failed';
}

/** Re-parses stored params, which were validated when the run started. */
export function storedTemplateParams(run: Pick<TemplateRun, 'template' | 'params'>): TemplateParams {
  const schema = TEMPLATE_PARAM_SCHEMAS[run.template as TemplateKind];
  if (!schema) throw new Error(`Template run has unknown template ${JSON.stringify(run.template)}.`);
  return { kind: run.template, params: schema.parse(run.params) } as TemplateParams;
}

async function loadSummaryExperiments(db: DbOrTx, templateRunId: string): Promise<SummaryExperiment[]> {
  const links = await db.templateRunExperiment.findMany({
    where: { templateRunId },
    orderBy: { position: 'asc' },
    select: {
      key: true,
      experimentId: true,
      experiment: {
        select: {
          models: {
            orderBy: { id: 'asc' },
            select: {
              id: true,
              label: true,
              parameterCount: true,
              config: true,
              instances: { orderBy: { instanceIndex: 'asc' }, select: { instanceIndex: true, status: true, testLoss: true, testAccuracy: true } },
            },
          },
        },
      },
    },
  });
  return links.map((link) => ({
    key: link.key,
    experimentId: link.experimentId,
    models: link.experiment.models.map((model) => ({
      id: model.id,
      label: model.label,
      parameterCount: model.parameterCount,
      spec: model.config as unknown as SummaryExperiment['models'][number]['spec'],
      instances: model.instances.map((instance) => ({
        index: instance.instanceIndex,
        status: instance.status,
        testLoss: instance.testLoss,
        testAccuracy: instance.testAccuracy,
      })),
    })),
  }));
}

/**
 * Stores the outcome of a run whose experiments have all ended: the summary
 * when all finished, otherwise an error naming the experiments that did
 * not. Runs that are still going or already have an outcome are returned
 * unchanged. Two concurrent calls store the same outcome once, because the
 * update only matches a row without `finished_at`.
 */
export async function finalizeTemplateRun({ db, run, logger }: { db: DbOrTx; run: TemplateRun; logger: Logger }): Promise<TemplateRun> {
  if (run.finishedAt !== null) return run;

  const links = await loadRunExperiments({ db, templateRunId: run.id });
  if (links.length === 0 || links.some((link) => ONGOING.has(link.experiment.status))) return run;

  const unfinished = links.filter((link) => link.experiment.status !== 'finished');
  let data: Prisma.TemplateRunUpdateManyMutationInput;
  if (unfinished.length > 0) {
    const names = unfinished.map((link) => `${link.key} (${link.experiment.status})`).join(', ');
    data = { error: `No summary: experiments ${names} did not finish.`, finishedAt: new Date() };
  } else {
    const started = performance.now();
    try {
      const summary: TemplateSummary = summarizeTemplate(storedTemplateParams(run), await loadSummaryExperiments(db, run.id));
      logger.info({ templateRunId: run.id, template: run.template, durationMs: Math.round(performance.now() - started) }, 'template run summarized');
      data = { summary: summary as unknown as Prisma.InputJsonValue, finishedAt: new Date() };
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      logger.error({ err: error, templateRunId: run.id, template: run.template }, 'template run summary failed');
      data = { error: `Computing the summary failed: ${error.message}`, finishedAt: new Date() };
    }
  }

  await db.templateRun.updateMany({ where: { id: run.id, finishedAt: null }, data });
  return db.templateRun.findUniqueOrThrow({ where: { id: run.id } });
}
