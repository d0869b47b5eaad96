import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { Prisma } from '../../generated/prisma/client.ts';
import { templateRunName } from '../../lib/templates.ts';
import type { Db } from '../db.ts';
import { cancelExperiment } from '../experiments/cancel.ts';
import { createExperiment } from '../experiments/create.ts';
import { conflict } from '../graphql/errors.ts';
import { checkTemplatePlan, parseTemplateParams } from './params.ts';

/**
 * Starts a template run: validates the params, checks every planned
 * experiment against its dataset, stores the run and creates its
 * experiments, each with its first scheduling job. The caller checks that
 * the user may edit the study.
 */
export async function startTemplateRun({
  db,
  boss,
  logger,
  studyId,
  userId,
  template: kind,
  params: input,
}: {
  db: Db;
  boss: PgBoss;
  logger: Logger;
  studyId: string;
  userId: string;
  template: string;
  params: unknown;
}) {
  const template = parseTemplateParams(kind, input);
  const planned = await checkTemplatePlan({ db, studyId, template });

  const run = await db.templateRun.create({
    data: {
      studyId,
      createdById: userId,
      template: template.kind,
      name: templateRunName(template),
      params: template.params as unknown as Prisma.InputJsonValue,
    },
  });

  // NOTE: each experiment is created in its own transaction by createExperiment,
  // so a failure part-way leaves earlier experiments stored. They are cancelled
  // and the run records the error, so it never looks like a run in progress.
  const created: string[] = [];
  try {
    for (const [position, experiment] of planned.entries()) {
      const stored = await createExperiment({ db, boss, studyId, userId, config: experiment.config });
      created.push(stored.id);
      await db.templateRunExperiment.create({ data: { templateRunId: run.id, experimentId: stored.id, key: experiment.key, position } });
    }
  } catch (error) {
    logger.error({ err: error, templateRunId: run.id, studyId, created: created.length }, 'template run failed to start');
    for (const experimentId of created) {
      await cancelExperiment({ db, experimentId, actorId: userId }).catch((cancelError: unknown) =>
        logger.error({ err: cancelError, templateRunId: run.id, experimentId }, 'could not cancel an experiment of a failed template run'),
      );
    }
    await db.templateRun.update({
      where: { id: run.id },
      data: { error: `Starting the run failed: ${(error as Error).message}`, finishedAt: new Date() },
    });
    throw error;
  }

  logger.info({ templateRunId: run.id, template: template.kind, studyId, experiments: created.length }, 'template run started');
  return run;
}

/**
 * Cancels every queued or running experiment of a template run. Raises
 * CONFLICT when none is left to cancel. The caller checks that the user may
 * edit the study.
 */
export async function cancelTemplateRun({ db, templateRunId, actorId }: { db: Db; templateRunId: string; actorId: string }) {
  const links = await db.templateRunExperiment.findMany({
    where: { templateRunId, experiment: { status: { in: ['queued', 'running'] } } },
    select: { experimentId: true },
  });
  if (links.length === 0) throw conflict(`Template run ${templateRunId} has no queued or running experiment to cancel.`);

  for (const { experimentId } of links) {
    try {
      await cancelExperiment({ db, experimentId, actorId });
    } catch (error) {
      // An experiment that ended after the query above needs no cancelling.
      if (!(error instanceof Error && (error as { extensions?: { code?: string } }).extensions?.code === 'CONFLICT')) throw error;
    }
  }
  return db.templateRun.findUniqueOrThrow({ where: { id: templateRunId } });
}
