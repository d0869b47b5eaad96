/**
 * Personal API tokens: `rlt_` followed by 32 random bytes in base64url. The
 * prefix distinguishes them from session tokens in an `Authorization: Bearer`
 * header. Only the SHA-256 of a token is stored, like session tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiTokenScope } from '../../generated/prisma/client.ts';
import type { DbOrTx } from '../db.ts';
import type { SessionUser } from './session.ts';

/** Prefix of every API token. */
export const API_TOKEN_PREFIX = 'rlt_';

/** Characters of a token kept in clear text for lists: the prefix plus 6 characters of the secret. */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;

/** Maximum number of tokens per user (revoked ones included), so the token list stays one page. */
export const MAX_TOKENS_PER_USER = 100;

/** Maximum length of a token name. */
export const MAX_TOKEN_NAME_LENGTH = 100;

/** Resolution of `lastUsedAt`, in milliseconds. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** An API token as listed; never carries the secret. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  scope: ApiTokenScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const INFO_SELECT = { id: true, name: true, prefix: true, scope: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Tells whether a bearer token is an API token rather than a session token. */
export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

/** Creates a token and returns its secret, which is never readable again. */
export async function createApiToken({ db, userId, name, scope }: { db: DbOrTx; userId: string; name: string; scope: ApiTokenScope }) {
  const secret = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const token = await db.apiToken.create({
    data: { userId, name, scope, tokenHash: hashApiToken(secret), prefix: secret.slice(0, SHOWN_PREFIX_LENGTH) },
    select: INFO_SELECT,
  });
  return { token, secret };
}

/** Counts the tokens of a user, revoked ones included. */
export function countApiTokens({ db, userId }: { db: DbOrTx; userId: string }): Promise<number> {
  return db.apiToken.count({ where: { userId } });
}

/** Lists a page of a user's tokens, newest first. */
export async function listApiTokens({ db, userId, offset, limit }: { db: DbOrTx; userId: string; offset: number; limit: number }) {
  const [items, total] = await Promise.all([
    db.apiToken.findMany({ where: { userId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip: offset, take: limit, select: INFO_SELECT }),
    countApiTokens({ db, userId }),
  ]);
  return { items, total };
}

/** Revokes a token of the user; returns null when the user has no token with that id. */
export async function revokeApiToken({ db, userId, tokenId }: { db: DbOrTx; userId: string; tokenId: string }): Promise<ApiTokenInfo | null> {
  await db.apiToken.updateMany({ where: { id: tokenId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return db.apiToken.findFirst({ where: { id: tokenId, userId }, select: INFO_SELECT });
}

/** Returns the user and scope of an unrevoked token and records its use, or null. */
export async function findApiTokenUser({ db, token }: { db: DbOrTx; token: string }): Promise<{ user: SessionUser; scope: ApiTokenScope } | null> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashApiToken(token) },
    select: { id: true, scope: true, revokedAt: true, user: { select: { id: true, email: true, name: true, isAdmin: true } } },
  });
  if (!row || row.revokedAt) return null;

  // At most one write per token and minute, so busy scripts do not write on every request.
  const now = new Date();
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await db.apiToken.updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] }, data: { lastUsedAt: now } });
  return { user: row.user, scope: row.scope };
}
