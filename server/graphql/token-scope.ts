import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './context.ts';
import { forbidden } from './errors.ts';

/**
 * Wraps every mutation field so that a request authenticated with a
 * read-scoped API token gets FORBIDDEN before the mutation runs. Wrapping the
 * schema, not each resolver, also covers mutations added later.
 */
export function enforceTokenScope(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;

  for (const field of Object.values(mutation.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      if (context.tokenScope === 'read') {
        throw forbidden(`Mutation ${field.name} needs an API token with scope READ_WRITE; this token has scope READ.`);
      }
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
