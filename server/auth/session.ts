import { createHash, randomBytes } from 'node:crypto';
import type { DbOrTx } from '../db.ts';
import { queryRows, type SqlReader } from '../data/sql.ts';

/** How long a session stays valid after sign-in. */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** The signed-in user as resolvers see it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

/** Only the SHA-256 of a token is stored, so a leaked sessions table cannot be replayed. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a session and returns its token (32 random bytes, base64url) and expiry. */
export async function createSession({ db, userId }: { db: DbOrTx; userId: string }): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db.session.create({ data: { tokenHash: hashToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

/**
 * Returns the user of an unexpired session, or null. One joined statement,
 * because every API request runs it: Prisma's `select` of the relation would
 * send two.
 */
export async function findSessionUser({ db, token }: { db: SqlReader; token: string }): Promise<SessionUser | null> {
  const rows = await queryRows<SessionUser & { expiresAt: Date }>(
    db,
    'session.session_user',
    `SELECT u.id::text AS id, u.email, u.name, u.is_admin AS "isAdmin", s.expires_at AS "expiresAt"
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1`,
    [hashToken(token)],
  );
  const session = rows[0];
  if (!session || session.expiresAt.getTime() <= Date.now()) return null;
  return { id: session.id, email: session.email, name: session.name, isAdmin: session.isAdmin };
}

/** Deletes the session of a token; an unknown token is ignored. */
export async function deleteSession({ db, token }: { db: DbOrTx; token: string }): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}
