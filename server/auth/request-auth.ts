import type { IncomingMessage } from 'node:http';
import type { ApiTokenScope } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
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
}

/**
 * Resolves the user of a request from `Authorization: Bearer` (an `rlt_` API
 * token or a session token) or the session cookie. An unknown, expired or
 * revoked token makes the request anonymous.
 */
export async function authenticateRequest(db: DbOrTx, headers: IncomingMessage['headers']): Promise<RequestAuth> {
  const token = readSessionToken(headers);
  if (!token) return { user: null, sessionToken: null, tokenScope: null };

  if (isApiToken(token)) {
    const found = await findApiTokenUser({ db, token });
    return { user: found?.user ?? null, sessionToken: null, tokenScope: found?.scope ?? null };
  }
  return { user: await findSessionUser({ db, token }), sessionToken: token, tokenScope: null };
}
