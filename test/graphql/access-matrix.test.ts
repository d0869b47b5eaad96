/**
 * The access matrix: every root field of the schema (query, mutation and
 * subscription) run as owner, editor, viewer, non-member and anonymous.
 * Non-members get NOT_FOUND, exactly like an unknown id, so ids reveal
 * nothing about studies a user cannot see.
 */
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { createApiToken } from '../../server/auth/api-tokens.ts';
import { createSession } from '../../server/auth/session.ts';
import { createSchema } from '../../server/graphql/schema.ts';
import { addExperiment, smallConfig } from './fixtures.ts';
import { addMnist, addStudy, addUser, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

type Role = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous';
/** `hidden`: no error and a null result, which reveals no more than NOT_FOUND. */
type Expected = 'ok' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';
const ROLES: Role[] = ['owner', 'editor', 'viewer', 'outsider', 'anonymous'];

const MEMBERS_ONLY: Record<Role, Expected> = { owner: 'ok', editor: 'ok', viewer: 'ok', outsider: 'NOT_FOUND', anonymous: 'UNAUTHENTICATED' };
const EDITORS_ONLY: Record<Role, Expected> = { owner: 'ok', editor: 'ok', viewer: 'FORBIDDEN', outsider: 'NOT_FOUND', anonymous: 'UNAUTHENTICATED' };
const OWNERS_ONLY: Record<Role, Expected> = { owner: 'ok', editor: 'FORBIDDEN', viewer: 'FORBIDDEN', outsider: 'NOT_FOUND', anonymous: 'UNAUTHENTICATED' };
const SIGNED_IN: Record<Role, Expected> = { owner: 'ok', editor: 'ok', viewer: 'ok', outsider: 'ok', anonymous: 'UNAUTHENTICATED' };
const PUBLIC: Record<Role, Expected> = { owner: 'ok', editor: 'ok', viewer: 'ok', outsider: 'ok', anonymous: 'ok' };

interface Operation {
  field: string;
  kind: 'query' | 'mutation' | 'subscription';
  document: string;
  /** Builds the variables of one run; mutations get fresh targets so that runs do not affect each other. */
  variables: (role: Role) => Promise<Record<string, unknown>> | Record<string, unknown>;
  expected: Record<Role, Expected>;
  /** Session token of one run, when the operation must not use the role's shared session. */
  token?: (role: Role) => Promise<string | undefined>;
}

let harness: Harness;
let study: StudyFixture;
let datasetId: string;
let ids: { experimentId: string; modelId: string; instanceId: string; uploadedDatasetId: string };
let counter = 0;

function tokenOf(role: Role): string | undefined {
  return role === 'anonymous' ? undefined : study[role].token;
}

function userIdOf(role: Role): string {
  return role === 'anonymous' ? study.owner.id : study[role].id;
}

async function freshExperiment(): Promise<string> {
  const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'fresh', finished: [], queued: 1 }] });
  return stored.experiment.id;
}

let comparedModelId: Promise<string> | undefined;

/** Returns a second model of the study, created once, for the two-model comparison. */
function secondModelId(): Promise<string> {
  comparedModelId ??= addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'b', finished: [0.2, 0.5] }] }).then(
    (stored) => stored.modelIds[0],
  );
  return comparedModelId;
}

/** Stores a template run with one queued experiment, so that it can be cancelled. */
async function freshTemplateRun(): Promise<string> {
  const experimentId = await freshExperiment();
  const run = await harness.db.templateRun.create({
    data: { studyId: study.studyId, template: 'initializers', name: 'matrix run', params: {}, experiments: { create: { experimentId, key: 'initializers', position: 0 } } },
  });
  return run.id;
}

async function freshMember(role: 'viewer' | 'editor' = 'viewer'): Promise<string> {
  const user = await addUser(harness.db, `matrix-member-${++counter}`);
  await harness.db.membership.create({ data: { studyId: study.studyId, userId: user.id, role } });
  return user.id;
}

async function freshNote(role: Role): Promise<{ id: string; baseVersion: number }> {
  const note = await harness.db.note.create({ data: { studyId: study.studyId, authorId: userIdOf(role), body: 'note' } });
  return { id: note.id, baseVersion: note.version };
}

const OPERATIONS: Operation[] = [
  // Queries
  { field: 'me', kind: 'query', document: '{ me { id } }', variables: () => ({}), expected: PUBLIC },
  { field: 'signUpOpen', kind: 'query', document: '{ signUpOpen }', variables: () => ({}), expected: PUBLIC },
  { field: 'studies', kind: 'query', document: '{ studies { totalCount edges { node { id } } } }', variables: () => ({}), expected: SIGNED_IN },
  { field: 'study', kind: 'query', document: 'query($id: ID!) { study(id: $id) { id } }', variables: () => ({ id: study.studyId }), expected: MEMBERS_ONLY },
  { field: 'experiment', kind: 'query', document: 'query($id: ID!) { experiment(id: $id) { id } }', variables: () => ({ id: ids.experimentId }), expected: MEMBERS_ONLY },
  { field: 'model', kind: 'query', document: 'query($id: ID!) { model(id: $id) { id } }', variables: () => ({ id: ids.modelId }), expected: MEMBERS_ONLY },
  { field: 'instance', kind: 'query', document: 'query($id: ID!) { instance(id: $id) { id } }', variables: () => ({ id: ids.instanceId }), expected: MEMBERS_ONLY },
  {
    field: 'dataset',
    kind: 'query',
    document: 'query($id: ID!) { dataset(id: $id) { id } }',
    // An uploaded dataset belongs to its study; built-in ones are visible to every signed-in user.
    variables: () => ({ id: ids.uploadedDatasetId }),
    expected: MEMBERS_ONLY,
  },
  { field: 'datasets', kind: 'query', document: '{ datasets { edges { node { id } } } }', variables: () => ({}), expected: SIGNED_IN },
  {
    field: 'previewModelSpace',
    kind: 'query',
    document: 'query($config: JSON!) { previewModelSpace(dataset: "mnist", config: $config) { modelCount } }',
    variables: () => ({ config: smallConfig().space }),
    expected: SIGNED_IN,
  },
  {
    field: 'compareExperiments',
    kind: 'query',
    document: 'query($ids: [ID!]!) { compareExperiments(ids: $ids) { experiment { id } } }',
    variables: () => ({ ids: [ids.experimentId] }),
    expected: MEMBERS_ONLY,
  },
  {
    field: 'compareModels',
    kind: 'query',
    document: 'query($ids: [ID!]!) { compareModels(ids: $ids) { model { id } } }',
    variables: () => ({ ids: [ids.modelId] }),
    expected: MEMBERS_ONLY,
  },
  {
    field: 'compareModelPair',
    kind: 'query',
    document: 'query($a: ID!, $b: ID!) { compareModelPair(a: $a, b: $b) { probabilityALower } }',
    variables: async () => ({ a: ids.modelId, b: await secondModelId() }),
    expected: MEMBERS_ONLY,
  },
  { field: 'apiTokens', kind: 'query', document: '{ apiTokens { totalCount } }', variables: () => ({}), expected: SIGNED_IN },
  // Every signed-in user sees the workers; the current instance's ids only as a member of its study (worker-registry tests).
  { field: 'workers', kind: 'query', document: '{ workers { id state currentInstance { visible } } }', variables: () => ({}), expected: SIGNED_IN },
  { field: 'templates', kind: 'query', document: '{ templates { kind defaultParams } }', variables: () => ({}), expected: SIGNED_IN },
  {
    field: 'templateRun',
    kind: 'query',
    document: 'query($id: ID!) { templateRun(id: $id) { id status experiments { key } } }',
    variables: async () => ({ id: await freshTemplateRun() }),
    expected: MEMBERS_ONLY,
  },

  // Mutations
  {
    field: 'signIn',
    kind: 'mutation',
    document: 'mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { id } }',
    variables: () => ({ email: study.viewer.email, password: `password-${study.viewer.email.split('@')[0]}` }),
    expected: PUBLIC,
  },
  {
    field: 'signOut',
    kind: 'mutation',
    document: 'mutation { signOut }',
    variables: () => ({}),
    expected: PUBLIC,
    // Signing out ends the session, so each run signs out of a session of its own.
    token: async (role) => (role === 'anonymous' ? undefined : (await createSession({ db: harness.db, userId: userIdOf(role) })).token),
  },
  {
    field: 'signUp',
    kind: 'mutation',
    document: 'mutation($email: String!) { signUp(email: $email, name: "New", password: "long enough password") { id } }',
    variables: () => ({ email: `matrix-signup-${++counter}@example.test` }),
    expected: PUBLIC,
  },
  { field: 'createStudy', kind: 'mutation', document: 'mutation { createStudy(name: "Matrix") { id role } }', variables: () => ({}), expected: SIGNED_IN },
  {
    field: 'createApiToken',
    kind: 'mutation',
    document: 'mutation { createApiToken(name: "matrix", scope: READ) { secret } }',
    variables: () => ({}),
    expected: SIGNED_IN,
  },
  {
    field: 'revokeApiToken',
    kind: 'mutation',
    document: 'mutation($id: ID!) { revokeApiToken(id: $id) { id } }',
    variables: async (role) => {
      const { token } = await createApiToken({ db: harness.db, userId: userIdOf(role), name: 'to revoke', scope: 'read' });
      return { id: token.id };
    },
    expected: SIGNED_IN,
  },
  {
    field: 'createExperiment',
    kind: 'mutation',
    document: 'mutation($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id } }',
    variables: () => ({ studyId: study.studyId, config: smallConfig() }),
    expected: EDITORS_ONLY,
  },
  {
    field: 'startTemplate',
    kind: 'mutation',
    document: 'mutation($studyId: ID!, $params: JSON) { startTemplate(studyId: $studyId, template: INITIALIZERS, params: $params) { id } }',
    variables: () => ({ studyId: study.studyId, params: { dataset: 'mnist', trainSize: 100, instances: 2 } }),
    expected: EDITORS_ONLY,
  },
  {
    field: 'cancelTemplateRun',
    kind: 'mutation',
    document: 'mutation($id: ID!) { cancelTemplateRun(id: $id) { id status } }',
    variables: async () => ({ id: await freshTemplateRun() }),
    expected: EDITORS_ONLY,
  },
  {
    field: 'cancelExperiment',
    kind: 'mutation',
    document: 'mutation($id: ID!) { cancelExperiment(id: $id) { id } }',
    variables: async () => ({ id: await freshExperiment() }),
    expected: EDITORS_ONLY,
  },
  {
    field: 'inviteMember',
    kind: 'mutation',
    document: 'mutation($studyId: ID!, $email: String!) { inviteMember(studyId: $studyId, email: $email, role: VIEWER) { role } }',
    variables: async () => {
      const user = await addUser(harness.db, `matrix-invitee-${++counter}`);
      return { studyId: study.studyId, email: user.email };
    },
    expected: OWNERS_ONLY,
  },
  {
    field: 'changeMemberRole',
    kind: 'mutation',
    document: 'mutation($studyId: ID!, $userId: ID!) { changeMemberRole(studyId: $studyId, userId: $userId, role: EDITOR) { role } }',
    variables: async () => ({ studyId: study.studyId, userId: await freshMember() }),
    expected: OWNERS_ONLY,
  },
  {
    field: 'removeMember',
    kind: 'mutation',
    document: 'mutation($studyId: ID!, $userId: ID!) { removeMember(studyId: $studyId, userId: $userId) }',
    variables: async () => ({ studyId: study.studyId, userId: await freshMember() }),
    expected: OWNERS_ONLY,
  },
  {
    field: 'addNote',
    kind: 'mutation',
    document: 'mutation($studyId: ID!) { addNote(studyId: $studyId, body: "a note") { id } }',
    variables: () => ({ studyId: study.studyId }),
    expected: MEMBERS_ONLY,
  },
  {
    field: 'addComment',
    kind: 'mutation',
    document: 'mutation($modelId: ID!) { addComment(modelId: $modelId, body: "a comment") { id } }',
    variables: () => ({ modelId: ids.modelId }),
    expected: MEMBERS_ONLY,
  },
  {
    field: 'updateNote',
    kind: 'mutation',
    document: 'mutation($id: ID!, $baseVersion: Int!) { updateNote(id: $id, body: "edited", baseVersion: $baseVersion) { id } }',
    // Each member edits a note of their own; the rules for others' notes belong to the notes tests.
    variables: async (role) => freshNote(role),
    expected: MEMBERS_ONLY,
  },
  {
    field: 'setExperimentTags',
    kind: 'mutation',
    document: 'mutation($id: ID!) { setExperimentTags(id: $id, tags: ["baseline"]) { id } }',
    variables: () => ({ id: ids.experimentId }),
    expected: EDITORS_ONLY,
  },
  {
    field: 'setModelTags',
    kind: 'mutation',
    document: 'mutation($id: ID!) { setModelTags(id: $id, tags: ["baseline"]) { id } }',
    variables: () => ({ id: ids.modelId }),
    expected: EDITORS_ONLY,
  },

  // Subscriptions
  {
    field: 'experimentProgress',
    kind: 'subscription',
    document: 'subscription($id: ID!) { experimentProgress(id: $id) { experimentId } }',
    variables: () => ({ id: ids.experimentId }),
    expected: MEMBERS_ONLY,
  },
];

/** Runs a subscription until its first message and returns it as a GraphQL result. */
async function subscribeOnce(document: string, variables: Record<string, unknown>, token?: string) {
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, token ? { headers: { cookie: `robustlab_session=${token}` } } : {});
    }
  }
  const client = createClient({ url: harness.wsUrl, webSocketImpl: CookieWebSocket, lazy: true, retryAttempts: 0 });
  try {
    return await new Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>((resolve, reject) => {
      const stop = client.subscribe(
        { query: document, variables },
        {
          next: (message) => {
            stop();
            resolve(message as { data?: unknown; errors?: { extensions?: { code?: string } }[] });
          },
          error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
          complete: () => {},
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

async function run(operation: Operation, role: Role) {
  const token = operation.token ? await operation.token(role) : tokenOf(role);
  const variables = await operation.variables(role);
  if (operation.kind === 'subscription') return subscribeOnce(operation.document, variables, token);
  return post(harness, operation.document, variables, { token });
}

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'matrix');
  datasetId = (await addMnist(harness.db)).id;
  const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [0.3, 0.4] }] });
  const uploaded = await harness.db.dataset.create({
    data: {
      key: 'matrix-upload', version: 1, name: 'Uploaded', task: 'classification', inputShape: [4], classes: 2,
      trainCount: 8, testCount: 2, checksum: 'matrix-upload', studyId: study.studyId,
    },
  });
  ids = { experimentId: stored.experiment.id, modelId: stored.modelIds[0], instanceId: stored.instanceIds[0][0], uploadedDatasetId: uploaded.id };
});

afterAll(async () => {
  await harness?.close();
});

test('matrix covers every root field of the schema', () => {
  const schema = createSchema();
  const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
    type ? Object.keys(type.getFields()) : [],
  );
  const covered = new Set(OPERATIONS.map((operation) => operation.field));
  expect(fields.filter((field) => !covered.has(field))).toEqual([]);
});

describe.each(OPERATIONS)('$kind $field', (operation) => {
  test.each(ROLES)('as %s', async (role) => {
    const result = await run(operation, role);
    const expected = operation.expected[role];
    if (expected === 'ok') {
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect((result.data as Record<string, unknown>)[operation.field]).not.toBeUndefined();
    } else {
      expect(result.errors?.map((error) => error.extensions?.code), JSON.stringify(result.errors)).toEqual([expected]);
      expect((result.data as Record<string, unknown> | null)?.[operation.field] ?? null).toBeNull();
    }
  });
});

describe('read-scoped API token', () => {
  const mutations = OPERATIONS.filter((operation) => operation.kind === 'mutation');

  test.each(mutations.map((operation) => [operation.field, operation] as const))('%s is FORBIDDEN', async (_, operation) => {
    const { secret } = await createApiToken({ db: harness.db, userId: study.owner.id, name: 'read only', scope: 'read' });
    const result = await post(harness, operation.document, await operation.variables('owner'), { token: secret });
    expect(result.errors?.map((error) => error.extensions.code)).toEqual(['FORBIDDEN']);
    expect(result.errors?.[0].message).toContain('READ_WRITE');
  });

  test('queries are allowed', async () => {
    const { secret } = await createApiToken({ db: harness.db, userId: study.viewer.id, name: 'read only', scope: 'read' });
    for (const operation of OPERATIONS.filter((candidate) => candidate.kind === 'query')) {
      const result = await post(harness, operation.document, await operation.variables('viewer'), { token: secret });
      expect(result.errors, operation.field).toBeUndefined();
    }
  });
});

describe('no leaks to non-members', () => {
  test('studies lists none of a foreign study', async () => {
    const stranger = await addUser(harness.db, 'matrix-stranger');
    const result = await post(harness, '{ studies { totalCount edges { node { id } } } }', {}, { token: stranger.token });
    expect(result.data?.studies.totalCount).toBe(0);
    expect(result.data?.studies.edges).toEqual([]);
  });

  test('foreign and unknown ids get the same error', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const field of ['study', 'experiment', 'model', 'instance']) {
      const document = `query($id: ID!) { ${field}(id: $id) { id } }`;
      const foreignId = field === 'study' ? study.studyId : ids[`${field}Id` as keyof typeof ids];
      const foreign = await post(harness, document, { id: foreignId }, { token: study.outsider.token });
      const missing = await post(harness, document, { id: unknown }, { token: study.outsider.token });
      expect(foreign.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect(foreign.errors?.[0].message.replace(foreignId, 'ID')).toBe(missing.errors?.[0].message.replace(unknown, 'ID'));
    }
  });
});
