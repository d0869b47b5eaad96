/**
 * Query depth and cost limits, as GraphQL validation rules, so an expensive
 * query is rejected before any resolver runs. Both limits apply to HTTP and
 * websocket operations. A rejected query gets code GRAPHQL_VALIDATION_FAILED
 * with `extensions.limit` (`depth` or `cost`), `maximum` and `actual`.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  valueFromASTUntyped,
} from 'graphql';
import { MAX_PAGE_SIZE } from './paging.ts';

/** Deepest nesting of fields an operation may have; the dashboard's deepest query uses 9. */
export const MAX_QUERY_DEPTH = 12;

/**
 * Highest cost an operation may have. Every field costs 1 plus its
 * FIELD_COSTS entry, and the fields under a connection or list argument
 * `first` count `first` times (the page size as a variable counts as the
 * maximum page size, since validation runs before variables are known).
 * Lists without `first` count once.
 */
export const MAX_QUERY_COST = 50_000;

/**
 * Extra cost of fields whose resolver does heavy work, by `Type.field`.
 * `previewModelSpace` expands and samples a model space on the web process, so
 * with this cost one operation may contain at most 4 of them.
 */
export const FIELD_COSTS: Readonly<Record<string, number>> = {
  'Query.previewModelSpace': 10_000,
};

function limitError(limit: 'depth' | 'cost', maximum: number, actual: number, operation: OperationDefinitionNode): GraphQLError {
  const name = operation.name?.value ?? 'anonymous operation';
  const what = limit === 'depth' ? `depth ${actual} exceeds the maximum query depth of ${maximum}` : `estimated cost ${actual} exceeds the maximum query cost of ${maximum}`;
  return new GraphQLError(`Query ${name} rejected: ${what}. Request fewer nested fields or smaller pages (first).`, {
    nodes: [operation],
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, maximum, actual },
  });
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  schema: GraphQLSchema;
  /** Fragments on the current path, so a cyclic spread (reported by graphql-js itself) cannot loop here. */
  visiting: Set<string>;
}

function pageMultiplier(field: FieldNode): number {
  const first = field.arguments?.find((argument) => argument.name.value === 'first');
  if (!first) return 1;
  if (first.value.kind === Kind.VARIABLE) return MAX_PAGE_SIZE;

  const value = valueFromASTUntyped(first.value);
  return typeof value === 'number' && value > 0 ? Math.min(value, MAX_PAGE_SIZE) : 1;
}

// Duck typing instead of graphql-js's isObjectType and getNamedType: their
// instanceof checks throw when the schema comes from the CommonJS build of
// graphql and this module from the ESM build (as under Vitest).
function fieldDefinition(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (parent && 'getFields' in parent) return (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name];
  return undefined;
}

function namedType(type: GraphQLType): GraphQLNamedType {
  let current: GraphQLType = type;
  while ('ofType' in current) current = current.ofType;
  return current;
}

/** Returns the depth and cost of a selection set on type `parent`. */
function measure(selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined, walk: Walk): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const definition = fieldDefinition(parent, selection.name.value);
      let childDepth = 0;
      let childCost = 0;
      if (selection.selectionSet) {
        const child = measure(selection.selectionSet, definition ? namedType(definition.type) : undefined, walk);
        childDepth = child.depth;
        childCost = child.cost;
      }
      // `__Type.ofType` unwraps one list or non-null wrapper and returns one object. Its chains, nested
      // several levels in graphql-js getIntrospectionQuery, add no fan-out and do not count as depth.
      const hop = selection.name.value === 'ofType' && parent?.name === '__Type' ? 0 : 1;
      depth = Math.max(depth, hop + childDepth);
      const extra = parent ? FIELD_COSTS[`${parent.name}.${selection.name.value}`] ?? 0 : 0;
      cost += 1 + extra + pageMultiplier(selection) * childCost;
      continue;
    }

    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments.get(selection.name.value) : selection;
    if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && walk.visiting.has(selection.name.value))) continue;
    const typeName = fragment.typeCondition?.name.value;
    const type = typeName ? walk.schema.getType(typeName) ?? undefined : parent;

    if (selection.kind === Kind.FRAGMENT_SPREAD) walk.visiting.add(selection.name.value);
    const inner = measure(fragment.selectionSet, type, walk);
    if (selection.kind === Kind.FRAGMENT_SPREAD) walk.visiting.delete(selection.name.value);
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

/** Returns the depth or cost errors of every operation of a document; empty when all are within the limits. */
export function findLimitErrors(schema: GraphQLSchema, document: DocumentNode, limits: { maxDepth?: number; maxCost?: number } = {}): GraphQLError[] {
  const maxDepth = limits.maxDepth ?? MAX_QUERY_DEPTH;
  const maxCost = limits.maxCost ?? MAX_QUERY_COST;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const errors: GraphQLError[] = [];
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(operation.operation) ?? undefined;
    const { depth, cost } = measure(operation.selectionSet, root, { fragments, schema, visiting: new Set() });
    if (depth > maxDepth) errors.push(limitError('depth', maxDepth, depth, operation));
    else if (cost > maxCost) errors.push(limitError('cost', maxCost, cost, operation));
  }
  return errors;
}

/** Creates the validation rule that enforces both limits on every operation of a document. */
export function queryLimitsRule(limits: { maxDepth?: number; maxCost?: number } = {}): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      for (const error of findLimitErrors(context.getSchema(), document, limits)) context.reportError(error);
    },
  });
}
