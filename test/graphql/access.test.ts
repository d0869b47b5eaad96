import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExperiment, smallConfig } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

type Role = 'owner' | 'editor' | 'viewer' | 'outsider' | 'anonymous';
const ROLES: Role[] = ['owner', 'editor', 'viewer', 'outsider', 'anonymous'];

let harness: Harness;
let study: StudyFixture;
let datasetId: string;
let ids: { experimentId: string; modelId: string; instanceId: string };

function tokenOf(role: Role): string | undefined {
  return role === 'anonymous' ? undefined : study[role].token;
}

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'access');
  datasetId = (await addMnist(harness.db)).id;
  const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [0.3, 0.4] }] });
  ids = { experimentId: stored.experiment.id, modelId: stored.modelIds[0], instanceId: stored.instanceIds[0][0] };
});

afterAll(async () => {
  await harness?.close();
});

describe('reads by id', () => {
  const reads = [
    { field: 'study', query: 'query($id: ID!) { study(id: $id) { id role } }', id: () => study.studyId },
    { field: 'experiment', query: 'query($id: ID!) { experiment(id: $id) { id name } }', id: () => ids.experimentId },
    { field: 'model', query: 'query($id: ID!) { model(id: $id) { id label } }', id: () => ids.modelId },
    { field: 'instance', query: 'query($id: ID!) { instance(id: $id) { id status } }', id: () => ids.instanceId },
  ];
  const expected: Record<Role, string | null> = {
    owner: null,
    editor: null,
    viewer: null,
    outsider: 'NOT_FOUND',
    anonymous: 'UNAUTHENTICATED',
  };

  for (const read of reads) {
    for (const role of ROLES) {
      test(`${read.field} as ${role}`, async () => {
        const result = await post(harness, read.query, { id: read.id() }, { token: tokenOf(role) });
        if (expected[role] === null) {
          expect(result.errors).toBeUndefined();
          expect(result.data?.[read.field].id).toBe(read.id());
        } else {
          expect(errorCode(result)).toBe(expected[role]);
          expect(result.data?.[read.field] ?? null).toBeNull();
        }
      });
    }
  }

  test('unknown id is NOT_FOUND like a foreign one', async () => {
    const result = await post(harness, 'query($id: ID!) { experiment(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }, { token: study.owner.token });
    expect(errorCode(result)).toBe('NOT_FOUND');
  });

  test('malformed id is BAD_USER_INPUT naming the argument', async () => {
    const result = await post(harness, 'query($id: ID!) { model(id: $id) { id } }', { id: 'not-a-uuid' }, { token: study.owner.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('id');
    expect(result.errors![0].message).toContain('"not-a-uuid"');
  });

  test('study role matches membership', async () => {
    for (const role of ['owner', 'editor', 'viewer'] as const) {
      const result = await post(harness, 'query($id: ID!) { study(id: $id) { role members { totalCount edges { node { role user { email } } } } } }', { id: study.studyId }, { token: study[role].token });
      expect(result.data?.study.role).toBe(role.toUpperCase());
      expect(result.data?.study.members.totalCount).toBe(3);
      expect(result.data?.study.members.edges).toHaveLength(3);
    }
  });
});

describe('reads without id', () => {
  test('studies lists only memberships', async () => {
    const member = await post(harness, '{ studies { totalCount edges { node { id } } } }', {}, { token: study.viewer.token });
    expect(member.data?.studies.totalCount).toBe(1);
    expect(member.data?.studies.edges[0].node.id).toBe(study.studyId);

    const outsider = await post(harness, '{ studies { totalCount edges { node { id } } } }', {}, { token: study.outsider.token });
    expect(outsider.data?.studies.totalCount).toBe(0);
  });

  for (const [name, query] of [
    ['studies', '{ studies { totalCount } }'],
    ['datasets', '{ datasets { totalCount edges { node { key } } } }'],
    ['previewModelSpace', '{ previewModelSpace(dataset: "mnist", config: { architectures: [{ dense: [8] }] }) { modelCount } }'],
  ]) {
    test(`${name} as anonymous`, async () => {
      expect(errorCode(await post(harness, query))).toBe('UNAUTHENTICATED');
    });
    test(`${name} as outsider`, async () => {
      const result = await post(harness, query, {}, { token: study.outsider.token });
      expect(result.errors).toBeUndefined();
    });
  }

  test('me as anonymous is null', async () => {
    const result = await post(harness, '{ me { id } }');
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toBeNull();
  });
});

describe('mutations', () => {
  const expected: Record<Role, string | null> = {
    owner: null,
    editor: null,
    viewer: 'FORBIDDEN',
    outsider: 'NOT_FOUND',
    anonymous: 'UNAUTHENTICATED',
  };

  for (const role of ROLES) {
    test(`createExperiment as ${role}`, async () => {
      const result = await post(
        harness,
        'mutation($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id status } }',
        { studyId: study.studyId, config: smallConfig({ name: `by ${role}` }) },
        { token: tokenOf(role) },
      );
      const stored = await harness.db.experiment.count({ where: { name: `by ${role}` } });
      if (expected[role] === null) {
        expect(result.errors).toBeUndefined();
        expect(result.data?.createExperiment.status).toBe('QUEUED');
        expect(stored).toBe(1);
      } else {
        expect(errorCode(result)).toBe(expected[role]);
        expect(stored).toBe(0);
      }
    });

    test(`cancelExperiment as ${role}`, async () => {
      const { experiment } = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'a', finished: [], queued: 1 }] });
      const result = await post(harness, 'mutation($id: ID!) { cancelExperiment(id: $id) { id status } }', { id: experiment.id }, { token: tokenOf(role) });
      const stored = await harness.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } });
      if (expected[role] === null) {
        expect(result.errors).toBeUndefined();
        expect(result.data?.cancelExperiment.status).toBe('CANCELLED');
        expect(stored.status).toBe('cancelled');
      } else {
        expect(errorCode(result)).toBe(expected[role]);
        expect(stored.status).toBe('running');
      }
    });
  }
});
