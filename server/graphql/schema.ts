import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { enumResolvers } from './resolvers/enums.ts';
import { experimentResolvers } from './resolvers/experiment.ts';
import { modelResolvers } from './resolvers/model.ts';
import { mutationResolvers } from './resolvers/mutation.ts';
import { queryResolvers } from './resolvers/query.ts';
import { studyResolvers } from './resolvers/study.ts';
import { subscriptionResolvers } from './resolvers/subscription.ts';
import { DateTimeScalar, JsonScalar } from './scalars.ts';

/** The API contract, read from schema.graphql next to this file. */
export const typeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** Builds the executable schema: the SDL contract with every resolver attached. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({
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
    ],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
