import { z } from 'zod';
import type { Db, DbOrTx } from '../db.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { SessionUser } from './session.ts';

/** Shortest password `createUser` accepts. */
export const MIN_PASSWORD_LENGTH = 8;

/** Rules of a new account; the sign-up mutation reports a broken rule under the argument's name. */
export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
  isAdmin: z.boolean().default(false),
});

/** Advisory lock key of user creation (an arbitrary constant shared by every process). */
const FIRST_USER_LOCK = 7_301_001;

/**
 * Creates a user with a scrypt password hash. Emails are stored lower-case.
 * The first user of an empty install becomes the administrator.
 * @throws Error naming the invalid field (never echoing the password).
 */
export async function createUser(input: {
  db: DbOrTx;
  email: string;
  name: string;
  password: string;
  isAdmin?: boolean;
}): Promise<SessionUser> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid user: ${fields.join('; ')}`);
  }

  const { email, name, password, isAdmin } = parsed.data;
  const passwordHash = await hashPassword(password);
  const insert = async (tx: DbOrTx) => {
    // The lock serializes concurrent first sign-ups, so exactly one user becomes the administrator.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_USER_LOCK})`;
    const first = (await tx.user.count()) === 0;
    return tx.user.create({
      data: { email, name, passwordHash, isAdmin: isAdmin || first },
      select: { id: true, email: true, name: true, isAdmin: true },
    });
  };
  const { db } = input;
  return '$transaction' in db ? (db as Db).$transaction(insert) : insert(db);
}

/** Returns the user whose email and password match, or null. */
export async function authenticate({ db, email, password }: { db: DbOrTx; email: string; password: string }): Promise<SessionUser | null> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    // Hash anyway so that response times do not reveal which emails exist.
    await hashPassword(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}
