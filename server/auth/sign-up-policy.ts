/**
 * Who may create an account with the `signUp` mutation: ROBUSTLAB_SIGNUP
 * `open` lets anyone sign up, `closed` only the first account of an empty
 * install (administrators then create accounts with `npm run user -- create`).
 * Sign-ups are also rate limited per client address over a sliding window,
 * counted in Postgres so that every web process counts the same sign-ups.
 * NOTE: the sign-ups are rows of `sign_in_failures` (kind `address`, key
 * `sign-up:<address>`), which spares a table of their own; sign-in-limiter.ts
 * leaves those keys alone. A check and the sign-up it allows are separate
 * statements, so sign-ups that run at the same moment can pass the limit by
 * up to their number.
 */
import type { DbOrTx } from '../db.ts';
import { recentFailures, SIGN_UP_KEY_PREFIX } from './sign-in-limiter.ts';

/** Values of ROBUSTLAB_SIGNUP. */
export type SignUpMode = 'open' | 'closed';

/** Sign-up settings; set by ROBUSTLAB_SIGNUP* (server/env.ts). */
export interface SignUpSettings {
  mode: SignUpMode;
  /** Sign-ups per client IP address within the window. */
  maxPerAddress: number;
  /** Length of the sliding window, in milliseconds. */
  windowMs: number;
}

/** The defaults of the ROBUSTLAB_SIGNUP* settings: open, 20 sign-ups per address per hour. */
export const DEFAULT_SIGN_UP_SETTINGS: SignUpSettings = { mode: 'open', maxPerAddress: 20, windowMs: 60 * 60 * 1000 };

/** The limit a rejected sign-up hit and the time of the next allowed one. */
export interface SignUpRejection {
  maximum: number;
  retryAt: Date;
}

/** Decides whether `signUp` may create an account now, and counts sign-ups per client address. */
export class SignUpPolicy {
  readonly settings: SignUpSettings;
  private readonly db: DbOrTx;
  private readonly now: () => number;

  /** `now` returns the current time in ms; tests pass a clock they control. */
  constructor({ db, settings, now = Date.now }: { db: DbOrTx; settings: SignUpSettings; now?: () => number }) {
    this.db = db;
    this.settings = settings;
    this.now = now;
  }

  /** Tells whether sign-up is open: always with mode `open`, and with `closed` only while no account exists. */
  async isOpen(): Promise<boolean> {
    if (this.settings.mode === 'open') return true;
    return (await this.db.user.count()) === 0;
  }

  /** Returns why a sign-up from `address` must be rejected now, or null when it may go ahead. */
  async checkLimit(address: string): Promise<SignUpRejection | null> {
    const maximum = this.settings.maxPerAddress;
    const signUps = await recentFailures(this.db, 'address', SIGN_UP_KEY_PREFIX + address, this.windowStart(), maximum);
    if (signUps.length < maximum) return null;

    // The oldest of the newest `maximum` sign-ups leaves the window first, and then one sign-up is allowed again.
    return { maximum, retryAt: new Date(signUps[maximum - 1].getTime() + this.settings.windowMs) };
  }

  /** Counts a sign-up attempt from `address` and prunes the sign-ups that left the window. */
  async recordAttempt(address: string): Promise<void> {
    const key = SIGN_UP_KEY_PREFIX + address;
    await this.db.$executeRaw`INSERT INTO sign_in_failures (kind, key, failed_at) VALUES ('address', ${key}, ${new Date(this.now())})`;
    await this.db.$executeRaw`
      DELETE FROM sign_in_failures
      WHERE kind = 'address' AND key LIKE ${SIGN_UP_KEY_PREFIX + '%'} AND failed_at <= ${this.windowStart()}`;
  }

  private windowStart(): Date {
    return new Date(this.now() - this.settings.windowMs);
  }
}
