/**
 * Rate limit of failed sign-ins, per email address and per client address,
 * over a sliding window. While a key is over its limit, every sign-in with it
 * is rejected before the password is checked, so guessing cannot go on.
 * A successful sign-in clears the failures of its email address.
 * The failures are rows of `sign_in_failures` in Postgres, so every web
 * process counts the same ones and a restart keeps them.
 * NOTE: a check and the failure it leads to are separate statements, so
 * attempts that run at the same moment can together pass the limit by up to
 * their number.
 */
import type { DbOrTx } from '../db.ts';

/** Key prefix of the sign-up rows that sign-up-policy.ts keeps in `sign_in_failures`. */
export const SIGN_UP_KEY_PREFIX = 'sign-up:';

/** Limits of failed sign-ins; set by ROBUSTLAB_SIGNIN_* (server/env.ts). */
export interface SignInLimits {
  /** Failed sign-ins per email address within the window. */
  maxFailuresPerEmail: number;
  /** Failed sign-ins per client IP address within the window. */
  maxFailuresPerAddress: number;
  /** Length of the sliding window, in milliseconds. */
  windowMs: number;
}

/** The defaults of the ROBUSTLAB_SIGNIN_* settings: 10 per email and 50 per address in 15 minutes. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { maxFailuresPerEmail: 10, maxFailuresPerAddress: 50, windowMs: 15 * 60 * 1000 };

/** The limit a rejected sign-in hit and the time of the next allowed attempt. */
export interface SignInRejection {
  limit: 'email' | 'address';
  maximum: number;
  retryAt: Date;
}

type LimitKind = SignInRejection['limit'];

/** Reads the times of the newest rows of one key after `since`, newest first, at most `maximum`. */
export async function recentFailures(db: DbOrTx, kind: LimitKind, key: string, since: Date, maximum: number): Promise<Date[]> {
  const rows = await db.$queryRaw<{ failed_at: Date }[]>`
    SELECT failed_at FROM sign_in_failures
    WHERE kind = ${kind}::"SignInLimitKind" AND key = ${key} AND failed_at > ${since}
    ORDER BY failed_at DESC
    LIMIT ${maximum}`;
  return rows.map((row) => row.failed_at);
}

/** Counts failed sign-ins in Postgres and decides whether the next one may go ahead. */
export class SignInLimiter {
  private readonly db: DbOrTx;
  private readonly limits: SignInLimits;
  private readonly now: () => number;

  /** `now` returns the current time in ms; tests pass a clock they control. */
  constructor({ db, limits, now = Date.now }: { db: DbOrTx; limits: SignInLimits; now?: () => number }) {
    this.db = db;
    this.limits = limits;
    this.now = now;
  }

  /** Returns why a sign-in must be rejected now, or null when it may go ahead. */
  async check(email: string, address: string): Promise<SignInRejection | null> {
    const byEmail = await this.rejection('email', normalizeEmail(email), this.limits.maxFailuresPerEmail);
    return byEmail ?? (await this.rejection('address', address, this.limits.maxFailuresPerAddress));
  }

  /** Counts a failed sign-in against both the email address and the client address, and prunes expired failures. */
  async recordFailure(email: string, address: string): Promise<void> {
    const at = new Date(this.now());
    await this.db.$executeRaw`
      INSERT INTO sign_in_failures (kind, key, failed_at)
      VALUES ('email', ${normalizeEmail(email)}, ${at}), ('address', ${address}, ${at})`;
    // Expired rows decide nothing, so the table keeps at most one window of failures.
    // Sign-up rows have a window of their own and are pruned by sign-up-policy.ts.
    await this.db.$executeRaw`
      DELETE FROM sign_in_failures
      WHERE failed_at <= ${this.windowStart()} AND key NOT LIKE ${SIGN_UP_KEY_PREFIX + '%'}`;
  }

  /** Clears the failures of an email address after a successful sign-in. The client address keeps its count. */
  async recordSuccess(email: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM sign_in_failures WHERE kind = 'email' AND key = ${normalizeEmail(email)}`;
  }

  private windowStart(): Date {
    return new Date(this.now() - this.limits.windowMs);
  }

  private async rejection(limit: LimitKind, key: string, maximum: number): Promise<SignInRejection | null> {
    const failures = await recentFailures(this.db, limit, key, this.windowStart(), maximum);
    if (failures.length < maximum) return null;

    // The oldest of the newest `maximum` failures leaves the window first, and then one attempt is allowed again.
    return { limit, maximum, retryAt: new Date(failures[maximum - 1].getTime() + this.limits.windowMs) };
  }
}

/** Email addresses are stored lowercase (server/auth/users.ts), so the limit applies however the address is typed. */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
