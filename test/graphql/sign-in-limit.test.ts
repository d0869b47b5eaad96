import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SignInLimiter } from '../../server/auth/sign-in-limiter.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { addUser, errorCode, post, startHarness, type Harness, type TestUser } from './harness.ts';

const WINDOW_MS = 60_000;

describe('SignInLimiter', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  function limiterAt(start: number) {
    const clock = { now: start };
    const limits = { maxFailuresPerEmail: 3, maxFailuresPerAddress: 5, windowMs: WINDOW_MS };
    const limiter = new SignInLimiter({ db: database.prisma, limits, now: () => clock.now });
    return { limiter, clock };
  }

  test('email limit rejects after the maximum', async () => {
    const { limiter, clock } = limiterAt(1_000_000);
    for (let i = 0; i < 3; i++) {
      expect(await limiter.check('ada@example.test', '10.0.0.1')).toBeNull();
      await limiter.recordFailure('ada@example.test', '10.0.0.1');
      clock.now += 1000;
    }

    const rejection = await limiter.check('ADA@example.test ', '10.0.0.2');
    expect(rejection?.limit).toBe('email');
    expect(rejection?.maximum).toBe(3);
    expect(rejection?.retryAt.getTime()).toBe(1_000_000 + WINDOW_MS);
  });

  test('window slides past old failures', async () => {
    const { limiter, clock } = limiterAt(2_000_000);
    for (let i = 0; i < 3; i++) await limiter.recordFailure('slide@example.test', '10.0.1.1');
    clock.now += WINDOW_MS - 1;
    expect(await limiter.check('slide@example.test', '10.0.1.1')).not.toBeNull();
    clock.now += 1;
    expect(await limiter.check('slide@example.test', '10.0.1.1')).toBeNull();
  });

  test('address limit spans email addresses', async () => {
    const { limiter } = limiterAt(3_000_000);
    for (let i = 0; i < 5; i++) await limiter.recordFailure(`user${i}@example.test`, '10.0.0.9');
    expect((await limiter.check('new@example.test', '10.0.0.9'))?.limit).toBe('address');
    expect(await limiter.check('new@example.test', '10.0.0.10')).toBeNull();
  });

  test('success clears only the email failures', async () => {
    const { limiter } = limiterAt(4_000_000);
    for (let i = 0; i < 2; i++) await limiter.recordFailure('clear@example.test', '10.0.2.1');
    await limiter.recordSuccess('clear@example.test');
    await limiter.recordFailure('clear@example.test', '10.0.2.1');
    await limiter.recordFailure('clear@example.test', '10.0.2.1');
    expect(await limiter.check('clear@example.test', '10.0.2.2')).toBeNull();
    await limiter.recordFailure('bob@example.test', '10.0.2.1');
    expect((await limiter.check('carol@example.test', '10.0.2.1'))?.limit).toBe('address');
  });

  test('failure prunes expired rows', async () => {
    const { limiter, clock } = limiterAt(5_000_000);
    await limiter.recordFailure('old@example.test', '10.0.3.1');
    clock.now += WINDOW_MS;
    await limiter.recordFailure('new@example.test', '10.0.3.2');

    const keys = await database.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM sign_in_failures ORDER BY kind, key`;
    expect(keys.map((row) => row.key)).toEqual(['new@example.test', '10.0.3.2']);
  });

  test('limiters on one database share counts', async () => {
    const clock = { now: 6_000_000 };
    const limits = { maxFailuresPerEmail: 2, maxFailuresPerAddress: 100, windowMs: WINDOW_MS };
    const first = new SignInLimiter({ db: database.prisma, limits, now: () => clock.now });
    const second = new SignInLimiter({ db: database.prisma, limits, now: () => clock.now });
    await first.recordFailure('shared@example.test', '10.0.4.1');
    await second.recordFailure('shared@example.test', '10.0.4.2');

    expect((await first.check('shared@example.test', '10.0.4.3'))?.limit).toBe('email');
    expect((await second.check('shared@example.test', '10.0.4.3'))?.limit).toBe('email');
  });
});

describe('signIn rate limit over HTTP', () => {
  const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { email } }';
  let harness: Harness;
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    harness = await startHarness({ signInLimits: { maxFailuresPerEmail: 2, maxFailuresPerAddress: 100, windowMs: WINDOW_MS } });
    ada = await addUser(harness.db, 'limit-ada');
    bob = await addUser(harness.db, 'limit-bob');
  });

  afterAll(async () => {
    await harness?.close();
  });

  test('third attempt is RATE_LIMITED with the retry time', async () => {
    for (let i = 0; i < 2; i++) {
      const failed = await post(harness, SIGN_IN, { email: ada.email, password: 'wrong password' });
      expect(errorCode(failed)).toBe('UNAUTHENTICATED');
    }

    const started = Date.now();
    const limited = await post(harness, SIGN_IN, { email: ada.email, password: 'password-limit-ada' });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.status).toBe(429);
    const { retryAt, retryAfterSeconds } = limited.errors![0].extensions;
    expect(Date.parse(retryAt)).toBeGreaterThan(started);
    expect(Date.parse(retryAt)).toBeLessThanOrEqual(started + WINDOW_MS);
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(limited.headers.get('retry-after')).toBe(String(retryAfterSeconds));
    expect(limited.errors![0].message).toContain('the limit is 2 failures');
    expect(limited.errors![0].message).toContain(retryAt);
  });

  test('another email from the same address signs in', async () => {
    const result = await post(harness, SIGN_IN, { email: bob.email, password: 'password-limit-bob' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.signIn.email).toBe(bob.email);
  });
});

describe('signIn rate limit across server processes', () => {
  const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { email } }';
  const SERVER_ENTRY = new URL('../helpers/graphql-server-process.ts', import.meta.url);
  let database: TestDatabase;
  const servers: ChildProcess[] = [];

  /** Starts a GraphQL server process on the test database and resolves with its URL. */
  function startServerProcess(): Promise<string> {
    const child = fork(SERVER_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DATABASE_URL: database.url, ROBUSTLAB_SIGNIN_MAX_FAILURES_PER_EMAIL: '2', ROBUSTLAB_SIGNIN_WINDOW_SECONDS: '60' },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    servers.push(child);
    return new Promise((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
      child.once('exit', (code) => reject(new Error(`The GraphQL server process exited with code ${code} before it listened.`)));
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(
      servers.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })),
    );
    await database?.drop();
  });

  test('failures in one process limit the other', async () => {
    const ada = await addUser(database.prisma, 'cross-ada');
    const [first, second] = await Promise.all([startServerProcess(), startServerProcess()]);

    for (let i = 0; i < 2; i++) {
      const failed = await post({ url: first }, SIGN_IN, { email: ada.email, password: 'wrong password' });
      expect(errorCode(failed)).toBe('UNAUTHENTICATED');
    }

    const limited = await post({ url: second }, SIGN_IN, { email: ada.email, password: 'password-cross-ada' });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0].message).toContain('the limit is 2 failures');
  });
});
