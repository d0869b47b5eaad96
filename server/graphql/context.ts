import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { ApiTokenScope, Dataset, Experiment, Model, StudyRole } from '../../generated/prisma/client.ts';
import type { SessionUser } from '../auth/session.ts';
import type { SignInLimiter } from '../auth/sign-in-limiter.ts';
import type { Db } from '../db.ts';
import { countInstances, countModels, loadFinishedTestLosses, loadModelTestLosses, type InstanceCounts, type LossesByModel, type ModelCounts } from '../data/experiments.ts';
import { loadModelStepValues, type ModelStepValue } from '../data/steps.ts';
import { loadStudiesOfMember } from '../data/studies.ts';
import type { ProgressHub } from './progress-hub.ts';
import { BatchLoader } from './loader.ts';

/** A study as resolvers return it: the row plus the requesting user's role. */
export type StudyWithRole = { id: string; name: string; description: string; createdAt: Date; role: StudyRole };

/** Per-request loaders, so that nested fields of many objects cost one query per kind. */
export interface Loaders {
  experiment: BatchLoader<string, Experiment | null>;
  model: BatchLoader<string, Model | null>;
  dataset: BatchLoader<string, Dataset | null>;
  study: BatchLoader<string, StudyWithRole | null>;
  testLosses: BatchLoader<string, LossesByModel>;
  /** Finished test losses of one model; the models connection primes it from `testLosses`. */
  modelTestLosses: BatchLoader<string, number[]>;
  instanceCounts: BatchLoader<string, InstanceCounts | null>;
  modelCounts: BatchLoader<string, ModelCounts | null>;
  modelStepValues: BatchLoader<string, ModelStepValue[]>;
}

/** Everything a resolver needs, built once per HTTP request or websocket operation. */
export interface GraphQLContext {
  db: Db;
  boss: PgBoss;
  logger: Logger;
  hub: ProgressHub;
  requestId: string;
  user: SessionUser | null;
  /** Session token of the request, used by signOut. */
  sessionToken: string | null;
  /** Scope of the API token the request came with; null for sessions and anonymous requests. */
  tokenScope?: ApiTokenScope | null;
  /** IP address of the client's TCP connection (no proxy header is trusted), for the sign-in rate limit. */
  clientAddress: string;
  /** Rate limit of failed sign-ins, shared by every request of the server. */
  signInLimiter: SignInLimiter;
  /** Whether cookies must carry the Secure attribute (request over HTTPS). */
  secureCookies: boolean;
  /** Adds a Set-Cookie header to the HTTP response; websocket operations ignore it. */
  setCookie(value: string): void;
  loaders: Loaders;
}

function byId<T extends { id: string }>(rows: T[]): Map<string, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

/** Creates the loaders of one request for a user (null when anonymous). */
export function createLoaders(db: Db, user: SessionUser | null): Loaders {
  return {
    experiment: new BatchLoader(async (ids) => byId(await db.experiment.findMany({ where: { id: { in: ids } } })), null),
    model: new BatchLoader(async (ids) => byId(await db.model.findMany({ where: { id: { in: ids } } })), null),
    dataset: new BatchLoader(async (ids) => byId(await db.dataset.findMany({ where: { id: { in: ids } } })), null),
    study: new BatchLoader(
      async (studyIds) => (user ? loadStudiesOfMember({ db, userId: user.id, studyIds }) : new Map()),
      null,
    ),
    testLosses: new BatchLoader((experimentIds) => loadFinishedTestLosses({ db, experimentIds }), new Map()),
    modelTestLosses: new BatchLoader((modelIds) => loadModelTestLosses({ db, modelIds }), []),
    instanceCounts: new BatchLoader((experimentIds) => countInstances({ db, experimentIds }), null),
    modelCounts: new BatchLoader((experimentIds) => countModels({ db, experimentIds }), null),
    modelStepValues: new BatchLoader((modelIds) => loadModelStepValues({ db, modelIds }), []),
  };
}
