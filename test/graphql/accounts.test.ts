import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { addExperiment } from './fixtures.ts';
import { addMnist, addStudy, addUser, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

const SIGN_UP = `mutation($email: String!, $name: String!, $password: String!) {
  signUp(email: $email, name: $name, password: $password) { id email }
}`;
const CREATE_TOKEN = 'mutation($scope: ApiTokenScope!) { createApiToken(name: "script", scope: $scope) { secret token { id prefix scope revokedAt } } }';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

describe('signUp', () => {
  test('first account becomes administrator', async () => {
    const first = await post(harness, SIGN_UP, { email: 'First@Example.test', name: 'First', password: 'first password' });
    const second = await post(harness, SIGN_UP, { email: 'second@example.test', name: 'Second', password: 'second password' });

    expect(first.data?.signUp.email).toBe('first@example.test');
    const users = await harness.db.user.findMany({ orderBy: { createdAt: 'asc' }, select: { email: true, isAdmin: true } });
    expect(users).toEqual([
      { email: 'first@example.test', isAdmin: true },
      { email: 'second@example.test', isAdmin: false },
    ]);
    expect(second.errors).toBeUndefined();
  });

  test('sets a session cookie that authenticates', async () => {
    const result = await post(harness, SIGN_UP, { email: 'cookie@example.test', name: 'Cookie', password: 'cookie password' });
    const cookie = result.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/robustlab_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);

    const me = await post(harness, '{ me { email } }', {}, { headers: { cookie: cookie.split(';')[0] } });
    expect(me.data?.me.email).toBe('cookie@example.test');
  });

  test('taken email is CONFLICT', async () => {
    await post(harness, SIGN_UP, { email: 'taken@example.test', name: 'A', password: 'password one' });
    const again = await post(harness, SIGN_UP, { email: 'TAKEN@example.test', name: 'B', password: 'password two' });
    expect(errorCode(again)).toBe('CONFLICT');
  });

  test('short password is BAD_USER_INPUT without echo', async () => {
    const result = await post(harness, SIGN_UP, { email: 'short@example.test', name: 'Short', password: 'abc12' });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('password');
    expect(result.errors![0].message).not.toContain('abc12');
  });

  test('invalid email names the argument', async () => {
    const result = await post(harness, SIGN_UP, { email: 'not an email', name: 'X', password: 'long password' });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('email');
    expect(result.errors![0].message).toContain('"not an email"');
  });
});

describe('API tokens', () => {
  test('secret is returned once and stored hashed', async () => {
    const user = await addUser(harness.db, 'token-owner');
    const created = await post(harness, CREATE_TOKEN, { scope: 'READ_WRITE' }, { token: user.token });
    const { secret, token } = created.data!.createApiToken;

    expect(secret).toMatch(/^rlt_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(token.prefix)).toBe(true);
    const row = await harness.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).not.toContain(secret.slice(4));
    expect(JSON.stringify(row)).not.toContain(secret);

    const listed = await post(harness, '{ apiTokens { totalCount edges { node { id prefix scope } } } }', {}, { token: user.token });
    expect(listed.data?.apiTokens.edges).toEqual([{ node: { id: token.id, prefix: token.prefix, scope: 'READ_WRITE' } }]);
  });

  test('bearer token authenticates and records use', async () => {
    const user = await addUser(harness.db, 'token-bearer');
    const { secret, token } = (await post(harness, CREATE_TOKEN, { scope: 'READ' }, { token: user.token })).data!.createApiToken;

    const me = await post(harness, '{ me { id } }', {}, { token: secret });
    expect(me.data?.me.id).toBe(user.id);
    const row = await harness.db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.lastUsedAt).not.toBeNull();
  });

  test('read scope rejects mutations, read-write allows them', async () => {
    const user = await addUser(harness.db, 'token-scope');
    const read = (await post(harness, CREATE_TOKEN, { scope: 'READ' }, { token: user.token })).data!.createApiToken.secret;
    const write = (await post(harness, CREATE_TOKEN, { scope: 'READ_WRITE' }, { token: user.token })).data!.createApiToken.secret;

    const denied = await post(harness, 'mutation { createStudy(name: "By script") { id } }', {}, { token: read });
    expect(errorCode(denied)).toBe('FORBIDDEN');
    const allowed = await post(harness, 'mutation { createStudy(name: "By script") { id role } }', {}, { token: write });
    expect(allowed.data?.createStudy.role).toBe('OWNER');
  });

  test('revoked token is rejected as invalid', async () => {
    const user = await addUser(harness.db, 'token-revoke');
    const { secret, token } = (await post(harness, CREATE_TOKEN, { scope: 'READ' }, { token: user.token })).data!.createApiToken;
    const revoked = await post(harness, 'mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }', { id: token.id }, { token: user.token });
    expect(revoked.data?.revokeApiToken.revokedAt).toMatch(/Z$/);

    const me = await post(harness, '{ me { id } }', {}, { token: secret });
    expect(me.status).toBe(401);
    expect(me.data).toBeNull();
    expect(errorCode(me)).toBe('UNAUTHENTICATED');
    expect(me.errors![0].message).toMatch(/^Invalid API token: it is unknown or revoked/);
  });

  test('unknown token is rejected as invalid', async () => {
    const result = await post(harness, '{ studies { id } }', {}, { token: 'rlt_doesnotexist' });
    expect(result.status).toBe(401);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(result.errors![0].message).toMatch(/^Invalid API token: it is unknown or revoked/);
  });

  test('expired session stays anonymous', async () => {
    const me = await post(harness, '{ me { id } }', {}, { token: 'no-such-session-token' });
    expect(me.status).toBe(200);
    expect(me.data?.me).toBeNull();
  });

  test('API token authenticates subscriptions', async () => {
    const fixture = await addStudy(harness.db, 'token-ws');
    const datasetId = (await addMnist(harness.db)).id;
    const { experiment } = await addExperiment(harness.db, { studyId: fixture.studyId, datasetId, models: [{ label: 'a', finished: [0.2], queued: 1 }] });
    const { secret } = (await post(harness, CREATE_TOKEN, { scope: 'READ' }, { token: fixture.viewer.token })).data!.createApiToken;

    const client = createClient({ url: harness.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: `Bearer ${secret}` } });
    try {
      const messages = client.iterate<{ experimentProgress: { experimentId: string } }>({
        query: 'subscription($id: ID!) { experimentProgress(id: $id) { experimentId } }',
        variables: { id: experiment.id },
      });
      const first = await messages.next();
      expect(first.value?.errors).toBeUndefined();
      expect(first.value?.data?.experimentProgress.experimentId).toBe(experiment.id);
      await messages.return?.();
    } finally {
      await client.dispose();
    }
  });

  test('unknown token closes the websocket', async () => {
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      const socket = new WebSocket(harness.wsUrl, 'graphql-transport-ws');
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer rlt_${'0'.repeat(43)}` } }));
      });
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });

    const { code, reason } = await closed;
    expect(code).toBe(4401);
    expect(reason).toContain('Invalid API token');
  });

  test('cookie socket from another origin is closed', async () => {
    const user = await addUser(harness.db, 'socket-origin');
    const closeOf = (origin: string) =>
      new Promise<{ code: number; reason: string }>((resolve) => {
        const socket = new WebSocket(harness.wsUrl, 'graphql-transport-ws', { headers: { cookie: `robustlab_session=${user.token}`, origin } });
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
        socket.on('message', () => socket.close(1000, 'acknowledged'));
        socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      });

    const foreign = await closeOf('http://evil.example');
    expect(foreign.code).toBe(4403);
    expect(foreign.reason).toContain('Cross-site WebSocket rejected');
    // The same cookie from the server's own origin is acknowledged.
    const own = await closeOf(new URL(harness.wsUrl.replace(/^ws/, 'http')).origin);
    expect(own.code).toBe(1000);
  });

  test("another user's token is NOT_FOUND", async () => {
    const owner = await addUser(harness.db, 'token-a');
    const other = await addUser(harness.db, 'token-b');
    const { token } = (await post(harness, CREATE_TOKEN, { scope: 'READ' }, { token: owner.token })).data!.createApiToken;
    const result = await post(harness, 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }', { id: token.id }, { token: other.token });
    expect(errorCode(result)).toBe('NOT_FOUND');
    expect((await harness.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();
  });
});

describe('members', () => {
  let study: StudyFixture;
  const MEMBERS = 'query($id: ID!) { study(id: $id) { members { edges { node { role user { email } } } } } }';

  beforeAll(async () => {
    study = await addStudy(harness.db, 'members');
  });

  async function rolesOf(): Promise<Record<string, string>> {
    const result = await post(harness, MEMBERS, { id: study.studyId }, { token: study.owner.token });
    const edges: { node: { role: string; user: { email: string } } }[] = result.data!.study.members.edges;
    return Object.fromEntries(edges.map(({ node }) => [node.user.email, node.role]));
  }

  test('owner invites by email and changes the role', async () => {
    const invitee = await addUser(harness.db, 'members-invitee');
    const invited = await post(harness, 'mutation($s: ID!, $e: String!) { inviteMember(studyId: $s, email: $e, role: VIEWER) { role user { id } } }', { s: study.studyId, e: invitee.email.toUpperCase() }, { token: study.owner.token });
    expect(invited.data?.inviteMember).toEqual({ role: 'VIEWER', user: { id: invitee.id } });

    const changed = await post(harness, 'mutation($s: ID!, $u: ID!) { changeMemberRole(studyId: $s, userId: $u, role: EDITOR) { role } }', { s: study.studyId, u: invitee.id }, { token: study.owner.token });
    expect(changed.data?.changeMemberRole.role).toBe('EDITOR');
    expect((await rolesOf())[invitee.email]).toBe('EDITOR');
  });

  test('unknown email is NOT_FOUND, a member again is CONFLICT', async () => {
    const unknown = await post(harness, 'mutation($s: ID!) { inviteMember(studyId: $s, email: "nobody@example.test", role: VIEWER) { role } }', { s: study.studyId }, { token: study.owner.token });
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const again = await post(harness, 'mutation($s: ID!, $e: String!) { inviteMember(studyId: $s, email: $e, role: EDITOR) { role } }', { s: study.studyId, e: study.viewer.email }, { token: study.owner.token });
    expect(errorCode(again)).toBe('CONFLICT');
  });

  test('last owner cannot leave or be demoted', async () => {
    const leave = await post(harness, 'mutation($s: ID!, $u: ID!) { removeMember(studyId: $s, userId: $u) }', { s: study.studyId, u: study.owner.id }, { token: study.owner.token });
    expect(errorCode(leave)).toBe('CONFLICT');
    expect(leave.errors![0].message).toContain('last owner');
    const demote = await post(harness, 'mutation($s: ID!, $u: ID!) { changeMemberRole(studyId: $s, userId: $u, role: EDITOR) { role } }', { s: study.studyId, u: study.owner.id }, { token: study.owner.token });
    expect(errorCode(demote)).toBe('CONFLICT');
    expect((await rolesOf())[study.owner.email]).toBe('OWNER');
  });

  test('an owner may leave once another owner exists', async () => {
    const second = await addStudy(harness.db, 'members-two');
    await post(harness, 'mutation($s: ID!, $u: ID!) { changeMemberRole(studyId: $s, userId: $u, role: OWNER) { role } }', { s: second.studyId, u: second.editor.id }, { token: second.owner.token });
    const leave = await post(harness, 'mutation($s: ID!, $u: ID!) { removeMember(studyId: $s, userId: $u) }', { s: second.studyId, u: second.owner.id }, { token: second.owner.token });
    expect(leave.data?.removeMember).toBe(true);

    const gone = await post(harness, 'query($id: ID!) { study(id: $id) { id } }', { id: second.studyId }, { token: second.owner.token });
    expect(errorCode(gone)).toBe('NOT_FOUND');
  });

  test('a viewer may leave', async () => {
    const third = await addStudy(harness.db, 'members-three');
    const leave = await post(harness, 'mutation($s: ID!, $u: ID!) { removeMember(studyId: $s, userId: $u) }', { s: third.studyId, u: third.viewer.id }, { token: third.viewer.token });
    expect(leave.data?.removeMember).toBe(true);
    expect(await harness.db.membership.count({ where: { studyId: third.studyId } })).toBe(2);
  });

  test('concurrent demotions keep one owner', async () => {
    const fourth = await addStudy(harness.db, 'members-four');
    await harness.db.membership.update({ where: { studyId_userId: { studyId: fourth.studyId, userId: fourth.editor.id } }, data: { role: 'owner' } });
    const demote = (userId: string) =>
      post(harness, 'mutation($s: ID!, $u: ID!) { changeMemberRole(studyId: $s, userId: $u, role: VIEWER) { role } }', { s: fourth.studyId, u: userId }, { token: fourth.owner.token });

    // Whichever commits second fails: as the last owner's demotion (CONFLICT), or,
    // when the owner demoted itself first, as a request of a viewer (FORBIDDEN).
    const results = await Promise.all([demote(fourth.owner.id), demote(fourth.editor.id)]);
    const codes = results.map((result) => result.errors?.[0].extensions.code ?? 'OK').sort();
    expect([['CONFLICT', 'OK'], ['FORBIDDEN', 'OK']]).toContainEqual(codes);
    expect(await harness.db.membership.count({ where: { studyId: fourth.studyId, role: 'owner' } })).toBe(1);
  });
});

describe('createStudy', () => {
  test('creator becomes owner', async () => {
    const user = await addUser(harness.db, 'study-creator');
    const result = await post(harness, 'mutation { createStudy(name: "  Calorimeter  ", description: "energy") { id name role members { totalCount edges { node { role user { id } } } } } }', {}, { token: user.token });
    expect(result.data?.createStudy).toMatchObject({ name: 'Calorimeter', role: 'OWNER', members: { totalCount: 1, edges: [{ node: { role: 'OWNER', user: { id: user.id } } }] } });
  });

  test('blank name is BAD_USER_INPUT', async () => {
    const user = await addUser(harness.db, 'study-blank');
    const result = await post(harness, 'mutation { createStudy(name: "   ") { id } }', {}, { token: user.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('name');
  });
});
