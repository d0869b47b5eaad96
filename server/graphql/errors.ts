import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/** Error codes of the API, in `extensions.code` of every error the resolvers raise. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes whose message is meant for the client: ours, plus the request errors
 * that Apollo Server and graphql-js raise before any resolver runs.
 */
const CLIENT_ERROR_CODES = new Set<string>([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.FORBIDDEN,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.CONFLICT,
  ErrorCode.RATE_LIMITED,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** Raises BAD_USER_INPUT for argument `argumentName`. */
export function badUserInput(message: string, argumentName: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NOT_FOUND } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function unauthenticated(message = 'Not signed in: sign in first.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
}

/**
 * Raises RATE_LIMITED with `retryAt` (ISO-8601) and `retryAfterSeconds` in
 * extensions. Over HTTP the response has status 429 and a Retry-After header.
 */
export function rateLimited(message: string, retryAt: Date, now = Date.now()): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now) / 1000));
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      retryAt: retryAt.toISOString(),
      retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

// Request id of each error, recorded before formatError runs. An AsyncLocalStorage would carry it
// too, but its promise hooks run on every promise: removing it cut the server's CPU time per
// dashboard query by about 10% (an estimate from runs of bench/api-latency.ts on a busy machine).
const requestIds = new WeakMap<object, string>();

/** Records the request id of the HTTP request or websocket operation that raised `errors`, for formatError. */
export function tagRequestId(errors: readonly unknown[], requestId: string): void {
  for (const error of errors) {
    if (typeof error === 'object' && error !== null) requestIds.set(error, requestId);
  }
}

/** Apollo Server plugin that tags every error of a request with the request id of its context. */
export const requestIdPlugin: ApolloServerPlugin<{ requestId: string }> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        tagRequestId(errors, contextValue.requestId);
      },
    };
  },
};

/**
 * Creates the `formatError` of Apollo Server and graphql-ws. Client errors
 * pass unchanged. Any other error is a server fault: it is logged with the
 * request id and replaced by INTERNAL carrying only that id, so stack traces,
 * SQL and file paths never reach the client.
 */
export function createFormatError(logger: Logger) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) return formatted;

    const requestId = (typeof error === 'object' && error !== null ? requestIds.get(error) : undefined) ?? 'unknown';
    const cause = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    logger.error({ err: cause, requestId, path: formatted.path }, 'GraphQL request failed with a server error');
    return {
      message: `Internal server error; quote request id ${requestId} when reporting it.`,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL, requestId },
    };
  };
}
