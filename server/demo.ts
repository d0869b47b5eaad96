import { randomBytes } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { Prisma } from '../generated/prisma/client.ts';
import { createUser } from './auth/users.ts';
import type { Db } from './db.ts';
import {
  DEMO_EMAIL,
  DEMO_EXPERIMENT_CONFIG,
  DEMO_STUDY_DESCRIPTION,
  DEMO_STUDY_NAME,
  DEMO_USER_NAME,
} from './demo-config.ts';
import { createExperiment } from './experiments/create.ts';

export type DemoResult =
  | { status: 'disabled' }
  | { status: 'skipped'; reason: 'studies exist' | 'demo user exists' }
  | { status: 'created'; email: string; password: string; studyId: string; experimentId: string };

/**
 * Creates the demo user, the demo study and its experiment when the database
 * has no study yet. The generated password is returned for printing once and
 * is never logged. When two processes start at the same time, the unique
 * email lets only one of them create the demo.
 */
export async function createDemoOnFirstStart({
  db,
  boss,
  logger,
  enabled,
}: {
  db: Db;
  boss: PgBoss;
  logger: Logger;
  enabled: boolean;
}): Promise<DemoResult> {
  if (!enabled) return { status: 'disabled' };
  if ((await db.study.count()) > 0) return { status: 'skipped', reason: 'studies exist' };

  const password = randomBytes(12).toString('base64url');
  let userId: string;
  try {
    const user = await createUser({ db, email: DEMO_EMAIL, name: DEMO_USER_NAME, password });
    userId = user.id;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      logger.info({ email: DEMO_EMAIL }, 'demo not created because the demo user already exists');
      return { status: 'skipped', reason: 'demo user exists' };
    }
    throw error;
  }

  const study = await db.study.create({
    data: {
      name: DEMO_STUDY_NAME,
      description: DEMO_STUDY_DESCRIPTION,
      memberships: { create: { userId, role: 'owner' } },
    },
  });
  const experiment = await createExperiment({ db, boss, studyId: study.id, userId, config: DEMO_EXPERIMENT_CONFIG });

  logger.info({ studyId: study.id, experimentId: experiment.id, userId }, 'demo study created');
  return { status: 'created', email: DEMO_EMAIL, password, studyId: study.id, experimentId: experiment.id };
}

/**
 * Returns the id of the demo experiment, or null when there is none. Users
 * may add experiments to the demo study, so the demo is the oldest experiment
 * with the demo name in the demo user's demo study.
 */
export async function findDemoExperimentId(db: Db): Promise<string | null> {
  const experiment = await db.experiment.findFirst({
    where: {
      name: DEMO_EXPERIMENT_CONFIG.name,
      study: { name: DEMO_STUDY_NAME, memberships: { some: { user: { email: DEMO_EMAIL } } } },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  return experiment?.id ?? null;
}
