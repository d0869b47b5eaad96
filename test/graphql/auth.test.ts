import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/password.ts';
import { createUser } from '../../server/auth/users.ts';
import { errorCode, post, startHarness, type Harness } from './harness.ts';

const SIGN_IN = 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { id email name } }';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  await createUser({ db: harness.db, email: 'Ada@Example.test', name: 'Ada', password: 'correct horse battery' });
});

afterAll(async () => {
  await harness?.close();
});

function sessionToken(setCookie: string): string {
  const match = /^robustlab_session=([^;]*)/.exec(setCookie);
  if (!match) throw new Error(`No session cookie in ${setCookie}`);
  return match[1];
}

describe('password hashing', () => {
  test('verifies only the right password', async () => {
    const hash = await hashPassword('s3cret-pass');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword('s3cret-pasS', hash)).toBe(false);
  });

  test('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  test('malformed hash never matches', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1$2$3$abc$def')).toBe(false);
  });

  test('createUser rejects a short password without echoing it', async () => {
    await expect(createUser({ db: harness.db, email: 'b@example.test', name: 'B', password: 'short' })).rejects.toThrow(/password/);
    await expect(createUser({ db: harness.db, email: 'b@example.test', name: 'B', password: 'short' })).rejects.not.toThrow(/short/);
  });
});

describe('sign in and out', () => {
  test('signIn sets an HTTP-only cookie that authenticates', async () => {
    const result = await post(harness, SIGN_IN, { email: 'ada@example.test', password: 'correct horse battery' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.signIn.name).toBe('Ada');

    const cookie = result.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    const token = sessionToken(cookie);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    const stored = await harness.db.session.findMany({ where: { userId: result.data!.signIn.id } });
    expect(stored.map((session) => session.tokenHash)).not.toContain(token);
    const lifetimeDays = (stored[0].expiresAt.getTime() - stored[0].createdAt.getTime()) / 86_400_000;
    expect(lifetimeDays).toBeCloseTo(30, 3);

    const me = await post(harness, '{ me { email } }', {}, { headers: { cookie: `other=1; robustlab_session=${token}` } });
    expect(me.data!.me).toEqual({ email: 'ada@example.test' });
  });

  test('wrong password and unknown email get the same error', async () => {
    const wrong = await post(harness, SIGN_IN, { email: 'ada@example.test', password: 'wrong password' });
    const unknown = await post(harness, SIGN_IN, { email: 'nobody@example.test', password: 'wrong password' });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  test('signOut ends the session and clears the cookie', async () => {
    const signIn = await post(harness, SIGN_IN, { email: 'ada@example.test', password: 'correct horse battery' });
    const token = sessionToken(signIn.headers.get('set-cookie')!);

    const signOut = await post(harness, 'mutation { signOut }', {}, { token });
    expect(signOut.data!.signOut).toBe(true);
    expect(signOut.headers.get('set-cookie')).toContain('Max-Age=0');

    const me = await post(harness, '{ me { email } }', {}, { token });
    expect(me.data!.me).toBeNull();
  });

  test('signOut when anonymous returns false', async () => {
    const result = await post(harness, 'mutation { signOut }');
    expect(result.errors).toBeUndefined();
    expect(result.data!.signOut).toBe(false);
  });

  test('expired session is anonymous', async () => {
    const signIn = await post(harness, SIGN_IN, { email: 'ada@example.test', password: 'correct horse battery' });
    const token = sessionToken(signIn.headers.get('set-cookie')!);
    await harness.db.session.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });

    const me = await post(harness, '{ me { email } }', {}, { token });
    expect(me.data!.me).toBeNull();
    expect(errorCode(await post(harness, '{ studies { totalCount } }', {}, { token }))).toBe('UNAUTHENTICATED');
  });
});

describe('HTTP handling', () => {
  test('CSRF prevention rejects a simple GET', async () => {
    const response = await fetch(`${harness.url}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('CSRF');
  });

  test('GET with a preflight header is served', async () => {
    const response = await fetch(`${harness.url}?query=${encodeURIComponent('{ me { id } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: null } });
  });

  test('oversized body gets 413', async () => {
    const body = JSON.stringify({ query: '{ me { id } }', padding: 'x'.repeat(2 * 1024 * 1024) });
    const response = await fetch(harness.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
  });

  test('syntax errors keep their code', async () => {
    const result = await post(harness, '{ me { ');
    expect(result.status).toBe(400);
    expect(errorCode(result)).toBe('GRAPHQL_PARSE_FAILED');
  });
});
