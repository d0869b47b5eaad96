import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { accountResolvers } from './resolvers/accounts.ts';
import { enumResolvers } from './resolvers/enums.ts';
import { datasetResolvers } from './resolvers/datasets.ts';
import { collaborationResolvers } from './resolvers/collaboration.ts';
import { collaborationMutationResolvers } from './resolvers/collaboration-mutations.ts';
import { compareResolvers } from '../compare/resolvers.ts';
import { experimentResolvers } from './resolvers/experiment.ts';
import { memberResolvers } from './resolvers/members.ts';
import { modelResolvers } from './resolvers/model.ts';
import { mutationResolvers } from './resolvers/mutation.ts';
import { queryResolvers } from './resolvers/query.ts';
import { studyResolvers } from './resolvers/study.ts';
import { subscriptionResolvers } from './resolvers/subscription.ts';
import { templateResolvers } from '../templates/resolvers.ts';
import { workerResolvers } from './resolvers/workers.ts';
import { DateTimeScalar, JsonScalar } from './scalars.ts';
import { enforceTokenScope } from './token-scope.ts';

/**
 * The API contract: schema.graphql next to this file, then every `.graphql`
 * file in schema/ in name order (each extends the root types of its area).
 */
export const typeDefs = [new URL('./schema.graphql', import.meta.url), ...extensionFiles()].map((file) =>
  readFileSync(file, 'utf8'),
);

function extensionFiles(): URL[] {
  const folder = new URL('./schema/', import.meta.url);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => new URL(name, folder));
}

/** Builds the executable schema: the SDL contract with every resolver attached. */
export function createSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs,
    resolvers: [
      { DateTime: DateTimeScalar, JSON: JsonScalar },
      enumResolvers,
      queryResolvers,
      mutationResolvers,
      subscriptionResolvers,
      studyResolvers,
      experimentResolvers,
      modelResolvers,
      datasetResolvers,
      accountResolvers,
      memberResolvers,
      collaborationResolvers,
      collaborationMutationResolvers,
      workerResolvers,
      compareResolvers,
      templateResolvers,
    ],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
  return enforceTokenScope(schema);
}
