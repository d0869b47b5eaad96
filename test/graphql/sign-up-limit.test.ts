/** The sign-up rate limit per client address and ROBUSTLAB_SIGNUP=closed, over HTTP against a real server. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SignInLimiter } from '../../server/auth/sign-in-limiter.ts';
import { SignUpPolicy } from '../../server/auth/sign-up-policy.ts';
import { parseEnv } from '../../server/env.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { errorCode, post, startHarness, type Harness } from './harness.ts';

const SIGN_UP = `mutation($email: String!) {
  signUp(email: $email, name: "New", password: "long enough password") { email }
}`;
const WINDOW_MS = 60_000;

describe('signUp rate limit over HTTP', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ signUp: { mode: 'open', maxPerAddress: 3, windowMs: WINDOW_MS } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  test('fourth sign-up from one address is RATE_LIMITED', async () => {
    for (let i = 0; i < 3; i++) {
      const created = await post(harness, SIGN_UP, { email: `limit-${i}@example.test` });
      expect(created.errors).toBeUndefined();
    }

    const started = Date.now();
    const limited = await post(harness, SIGN_UP, { email: 'limit-3@example.test' });

    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.status).toBe(429);
    expect(limited.errors![0].message).toContain('the limit is 3 per window');
    expect(Date.parse(limited.errors![0].extensions.retryAt)).toBeLessThanOrEqual(started + WINDOW_MS);
    expect(limited.headers.get('retry-after')).toBe(String(limited.errors![0].extensions.retryAfterSeconds));
    expect(await harness.db.user.count({ where: { email: 'limit-3@example.test' } })).toBe(0);
  });

  test('invalid input does not count', async () => {
    const other = await startHarness({ signUp: { mode: 'open', maxPerAddress: 1, windowMs: WINDOW_MS } });
    try {
      const invalid = await post(other, SIGN_UP, { email: 'not an email' });
      const valid = await post(other, SIGN_UP, { email: 'valid@example.test' });

      expect(errorCode(invalid)).toBe('BAD_USER_INPUT');
      expect(valid.errors).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('SignUpPolicy window', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  test('allows a sign-up again once the oldest leaves the window', async () => {
    const clock = { now: 5_000_000 };
    const policy = new SignUpPolicy({ db: database.prisma, settings: { mode: 'open', maxPerAddress: 2, windowMs: WINDOW_MS }, now: () => clock.now });
    await policy.recordAttempt('10.0.0.9');
    clock.now += 1000;
    await policy.recordAttempt('10.0.0.9');

    const rejection = await policy.checkLimit('10.0.0.9');
    expect(rejection?.retryAt.getTime()).toBe(5_000_000 + WINDOW_MS);
    expect(await policy.checkLimit('10.0.0.10')).toBeNull();

    clock.now = 5_000_000 + WINDOW_MS + 1;
    expect(await policy.checkLimit('10.0.0.9')).toBeNull();
  });

  test('sign-in pruning keeps sign-ups of a longer window', async () => {
    const clock = { now: 9_000_000 };
    const policy = new SignUpPolicy({ db: database.prisma, settings: { mode: 'open', maxPerAddress: 1, windowMs: 10 * WINDOW_MS }, now: () => clock.now });
    const signIn = new SignInLimiter({ db: database.prisma, limits: { maxFailuresPerEmail: 5, maxFailuresPerAddress: 5, windowMs: WINDOW_MS }, now: () => clock.now });
    await policy.recordAttempt('10.0.0.11');

    clock.now += 2 * WINDOW_MS;
    await signIn.recordFailure('someone@example.test', '10.0.0.12');

    expect(await policy.checkLimit('10.0.0.11')).not.toBeNull();
  });
});

describe('ROBUSTLAB_SIGNUP=closed', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ signUp: { mode: 'closed', maxPerAddress: 20, windowMs: WINDOW_MS } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  test('first account may sign up, the next is FORBIDDEN', async () => {
    const openBefore = await post(harness, '{ signUpOpen }');
    const first = await post(harness, SIGN_UP, { email: 'admin@example.test' });
    const openAfter = await post(harness, '{ signUpOpen }');
    const second = await post(harness, SIGN_UP, { email: 'second@example.test' });

    expect(openBefore.data?.signUpOpen).toBe(true);
    expect(first.errors).toBeUndefined();
    expect(openAfter.data?.signUpOpen).toBe(false);
    expect(errorCode(second)).toBe('FORBIDDEN');
    expect(second.errors![0].message).toContain('npm run user -- create');
    expect(await harness.db.user.count()).toBe(1);
  });
});

describe('sign-up settings', () => {
  test('defaults to open with 20 per hour', () => {
    const env = parseEnv({} as NodeJS.ProcessEnv);

    expect(env.ROBUSTLAB_SIGNUP).toBe('open');
    expect(env.ROBUSTLAB_SIGNUP_MAX_PER_ADDRESS).toBe(20);
    expect(env.ROBUSTLAB_SIGNUP_WINDOW_SECONDS).toBe(3600);
  });

  test('rejects an unknown mode', () => {
    expect(() => parseEnv({ ROBUSTLAB_SIGNUP: 'invite' } as Record<string, string> as NodeJS.ProcessEnv)).toThrow('ROBUSTLAB_SIGNUP');
  });
});
