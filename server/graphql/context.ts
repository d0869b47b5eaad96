import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { ApiTokenScope, Dataset, Experiment, Model, StudyRole } from '../../generated/prisma/client.ts';
import type { SessionUser } from '../auth/session.ts';
import type { SignInLimiter } from '../auth/sign-in-limiter.ts';
import type { SignUpPolicy } from '../auth/sign-up-policy.ts';
import type { Db } from '../db.ts';
import { countInstances, countModels, loadFinishedTestLosses, loadModelTestLosses, type InstanceCounts, type LossesByModel, type ModelCounts } from '../data/experiments.ts';
import { loadDatasetsById, loadExperimentsById, loadModelsById } from '../data/rows.ts';
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
  /** node-postgres pool of the plain-SQL reads (server/data/sql.ts), shared by every request of the server. */
  sql: pg.Pool;
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
  /** Whether sign-up is open, and its rate limit; shared by every request of the server. */
  signUpPolicy: SignUpPolicy;
  /** Whether cookies must carry the Secure attribute (request over HTTPS). */
  secureCookies: boolean;
  /** Adds a Set-Cookie header to the HTTP response; websocket operations ignore it. */
  setCookie(value: string): void;
  loaders: Loaders;
}

/** Creates the loaders of one request for a user (null when anonymous). The hot reads go through `sql`. */
export function createLoaders(db: Db, sql: pg.Pool, user: SessionUser | null): Loaders {
  const loaders: Loaders = {
    experiment: new BatchLoader((ids) => loadExperimentsById({ db: sql, ids }), null),
    // A model row comes with its finished test losses, which the model's fields then take from modelTestLosses.
    model: new BatchLoader(async (ids) => {
      const rows = await loadModelsById({ db: sql, ids });
      const models = new Map<string, Model>();
      for (const [id, { model, testLosses }] of rows) {
        models.set(id, model);
        loaders.modelTestLosses.prime(id, testLosses);
      }
      return models;
    }, null),
    dataset: new BatchLoader((ids) => loadDatasetsById({ db: sql, ids }), null),
    study: new BatchLoader(
      async (studyIds) => (user ? loadStudiesOfMember({ db: sql, userId: user.id, studyIds }) : new Map()),
      null,
    ),
    testLosses: new BatchLoader((experimentIds) => loadFinishedTestLosses({ db, experimentIds }), new Map()),
    modelTestLosses: new BatchLoader((modelIds) => loadModelTestLosses({ db: sql, modelIds }), []),
    instanceCounts: new BatchLoader((experimentIds) => countInstances({ db: sql, experimentIds }), null),
    modelCounts: new BatchLoader((experimentIds) => countModels({ db: sql, experimentIds }), null),
    modelStepValues: new BatchLoader((modelIds) => loadModelStepValues({ db: sql, modelIds }), []),
  };
  return loaders;
}
