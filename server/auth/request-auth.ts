import type { IncomingMessage } from 'node:http';
import type { ApiTokenScope } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import type { SqlReader } from '../data/sql.ts';
import { findApiTokenUser, isApiToken } from './api-tokens.ts';
import { readSessionToken } from './cookie.ts';
import { findSessionUser, type SessionUser } from './session.ts';

/** The user of a request and the credential it came with. */
export interface RequestAuth {
  user: SessionUser | null;
  /** Session token of a signed-in browser or script; null for API tokens and anonymous requests. */
  sessionToken: string | null;
  /** Scope of the API token; null for sessions, which may do everything the user's roles allow. */
  tokenScope: ApiTokenScope | null;
  /** True when the request sent an `rlt_` API token that is unknown or revoked. */
  invalidApiToken: boolean;
}

/** Message of the UNAUTHENTICATED error for an unknown or revoked API token. */
export const INVALID_API_TOKEN_MESSAGE = 'Invalid API token: it is unknown or revoked. Create a new one under Settings → API tokens.';

/**
 * Resolves the user of a request from `Authorization: Bearer` (an `rlt_` API
 * token or a session token) or the session cookie. An unknown, expired or
 * revoked token makes the request anonymous. An unknown or revoked API token
 * also sets `invalidApiToken`, so that endpoints can reject it with
 * INVALID_API_TOKEN_MESSAGE. Sessions are looked up through `sessionDb`, which
 * the GraphQL server sets to its node-postgres pool.
 */
export async function authenticateRequest(db: DbOrTx, headers: IncomingMessage['headers'], sessionDb: SqlReader = db): Promise<RequestAuth> {
  const token = readSessionToken(headers);
  if (!token) return { user: null, sessionToken: null, tokenScope: null, invalidApiToken: false };

  if (isApiToken(token)) {
    const found = await findApiTokenUser({ db, token });
    if (found === null) return { user: null, sessionToken: null, tokenScope: null, invalidApiToken: true };
    return { user: found.user, sessionToken: null, tokenScope: found.scope, invalidApiToken: false };
  }
  return { user: await findSessionUser({ db: sessionDb, token }), sessionToken: token, tokenScope: null, invalidApiToken: false };
}
