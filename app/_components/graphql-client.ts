import { createClient, type Client } from 'graphql-ws';

/** A GraphQL error returned by the API, with its `extensions.code` (for example BAD_USER_INPUT). */
export class GraphQLRequestError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
  }
}

type GraphQLResponse<T> = {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/**
 * Sends one query or mutation to /graphql on the same origin with the session cookie.
 * Throws GraphQLRequestError with the first error's message and code.
 */
export async function graphqlRequest<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new GraphQLRequestError(`The API at /graphql is unreachable: ${(error as Error).message}`, 'NETWORK_ERROR');
  }

  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new GraphQLRequestError(`The API returned HTTP ${response.status} without a GraphQL body.`, 'HTTP_ERROR');
  }

  const first = body.errors?.[0];
  if (first) throw new GraphQLRequestError(first.message, first.extensions?.code);
  if (body.data == null) throw new GraphQLRequestError(`The API returned HTTP ${response.status} without data.`, 'HTTP_ERROR');
  return body.data;
}

/** Returns whether an error means that the session is missing or expired. */
export function isUnauthenticated(error: unknown): boolean {
  return error instanceof GraphQLRequestError && error.code === 'UNAUTHENTICATED';
}

let subscriptionClient: Client | null = null;

/** Returns the shared graphql-ws client for ws(s)://<host>/graphql, created on first use. */
export function getSubscriptionClient(): Client {
  if (subscriptionClient) return subscriptionClient;

  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  subscriptionClient = createClient({
    url: `${protocol}//${window.location.host}/graphql`,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  return subscriptionClient;
}
