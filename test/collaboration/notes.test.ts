import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExperiment, smallConfig } from '../graphql/fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';

const ADD_NOTE = `mutation($studyId: ID!, $experimentId: ID, $body: String!) {
  addNote(studyId: $studyId, experimentId: $experimentId, body: $body) { id version body html author { email } }
}`;
const UPDATE_NOTE = `mutation($id: ID!, $body: String!, $baseVersion: Int!) {
  updateNote(id: $id, body: $body, baseVersion: $baseVersion) { id version body updatedBy { email } }
}`;
const ADD_COMMENT = `mutation($modelId: ID!, $body: String!) { addComment(modelId: $modelId, body: $body) { id modelId experimentId author { email } } }`;

let harness: Harness;
let study: StudyFixture;
let experimentId: string;
let modelId: string;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'notes');
  const datasetId = (await addMnist(harness.db)).id;
  const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'dense-8', finished: [0.3, 0.4] }] });
  experimentId = stored.experiment.id;
  modelId = stored.modelIds[0];
});

afterAll(async () => {
  await harness?.close();
});

async function readNote(id: string) {
  return harness.db.note.findUniqueOrThrow({ where: { id } });
}

describe('note conflicts', () => {
  test('second save with an old version gets CONFLICT and keeps the first edit', async () => {
    const created = await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'Plan: compare medians.' }, { token: study.owner.token });
    expect(created.errors).toBeUndefined();
    const note = created.data!.addNote;
    expect(note.version).toBe(1);

    // Both members opened version 1; the editor saves first.
    const first = await post(harness, UPDATE_NOTE, { id: note.id, body: 'Plan: compare Q3 + IQR.', baseVersion: 1 }, { token: study.editor.token });
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateNote.version).toBe(2);
    expect(first.data!.updateNote.updatedBy.email).toBe(study.editor.email);

    const second = await post(harness, UPDATE_NOTE, { id: note.id, body: 'Plan: compare means.', baseVersion: 1 }, { token: study.owner.token });
    expect(errorCode(second)).toBe('CONFLICT');
    expect(second.errors![0].extensions.currentVersion).toBe(2);
    expect(second.errors![0].extensions.currentBody).toBe('Plan: compare Q3 + IQR.');
    expect(second.errors![0].message).toContain('version 2');

    const stored = await readNote(note.id);
    expect(stored.body).toBe('Plan: compare Q3 + IQR.');
    expect(stored.version).toBe(2);

    const retried = await post(harness, UPDATE_NOTE, { id: note.id, body: 'Plan: compare means.', baseVersion: 2 }, { token: study.owner.token });
    expect(retried.errors).toBeUndefined();
    expect(retried.data!.updateNote.version).toBe(3);
  });

  test('concurrent saves of one version: exactly one wins', async () => {
    const created = await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'race' }, { token: study.owner.token });
    const id = created.data!.addNote.id;
    const results = await Promise.all(
      ['owner', 'editor', 'owner', 'editor'].map((role, i) =>
        post(harness, UPDATE_NOTE, { id, body: `edit ${i}`, baseVersion: 1 }, { token: study[role as 'owner' | 'editor'].token }),
      ),
    );
    const winners = results.filter((result) => !result.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => result.errors && errorCode(result) === 'CONFLICT')).toHaveLength(3);
    expect((await readNote(id)).body).toBe(winners[0].data!.updateNote.body);
  });
});

describe('note access', () => {
  test('viewer writes a note but cannot edit the owner note', async () => {
    const own = await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'viewer note' }, { token: study.viewer.token });
    expect(own.errors).toBeUndefined();
    const edited = await post(harness, UPDATE_NOTE, { id: own.data!.addNote.id, body: 'viewer note v2', baseVersion: 1 }, { token: study.viewer.token });
    expect(edited.errors).toBeUndefined();

    const ownerNote = await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'owner note' }, { token: study.owner.token });
    const denied = await post(harness, UPDATE_NOTE, { id: ownerNote.data!.addNote.id, body: 'x', baseVersion: 1 }, { token: study.viewer.token });
    expect(errorCode(denied)).toBe('FORBIDDEN');
  });

  test('outsider gets NOT_FOUND for notes, comments and edits', async () => {
    expect(errorCode(await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'x' }, { token: study.outsider.token }))).toBe('NOT_FOUND');
    expect(errorCode(await post(harness, ADD_COMMENT, { modelId, body: 'x' }, { token: study.outsider.token }))).toBe('NOT_FOUND');
    const note = await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'private' }, { token: study.owner.token });
    const edit = await post(harness, UPDATE_NOTE, { id: note.data!.addNote.id, body: 'x', baseVersion: 1 }, { token: study.outsider.token });
    expect(errorCode(edit)).toBe('NOT_FOUND');
  });

  test('blank body and bad version are BAD_USER_INPUT', async () => {
    const blank = await post(harness, ADD_NOTE, { studyId: study.studyId, body: '   ' }, { token: study.owner.token });
    expect(errorCode(blank)).toBe('BAD_USER_INPUT');
    expect(blank.errors![0].message).toContain('cannot be empty');
    const note = await post(harness, ADD_NOTE, { studyId: study.studyId, body: 'ok' }, { token: study.owner.token });
    const badVersion = await post(harness, UPDATE_NOTE, { id: note.data!.addNote.id, body: 'x', baseVersion: 0 }, { token: study.owner.token });
    expect(errorCode(badVersion)).toBe('BAD_USER_INPUT');
  });

  test('experiment of another study is NOT_FOUND', async () => {
    const other = await addStudy(harness.db, 'notes-other');
    const result = await post(harness, ADD_NOTE, { studyId: other.studyId, experimentId, body: 'x' }, { token: other.owner.token });
    expect(errorCode(result)).toBe('NOT_FOUND');
  });
});

describe('notes and comments on targets', () => {
  test('html field is sanitized', async () => {
    const result = await post(harness, ADD_NOTE, { studyId: study.studyId, body: '<script>x()</script> [a](javascript:x())' }, { token: study.owner.token });
    const { html } = result.data!.addNote;
    expect(html).not.toContain('<script');
    expect(html).not.toContain('href');
  });

  test('experiment notes and model comments are listed with activity', async () => {
    await post(harness, ADD_NOTE, { studyId: study.studyId, experimentId, body: 'about the run' }, { token: study.editor.token });
    const comment = await post(harness, ADD_COMMENT, { modelId, body: 'dense-8 is *stable*' }, { token: study.viewer.token });
    expect(comment.errors).toBeUndefined();
    expect(comment.data!.addComment.experimentId).toBe(experimentId);

    const read = await post(
      harness,
      `query($e: ID!, $m: ID!, $s: ID!) {
        experiment(id: $e) { notes { totalCount edges { node { body author { email } } } } }
        model(id: $m) { comments { totalCount edges { node { body html } } } }
        study(id: $s) { activity(first: 5) { totalCount edges { node { kind summary actor { email } note { body } } } } }
      }`,
      { e: experimentId, m: modelId, s: study.studyId },
      { token: study.owner.token },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.experiment.notes.totalCount).toBe(1);
    expect(read.data!.experiment.notes.edges).toEqual([{ node: { body: 'about the run', author: { email: study.editor.email } } }]);
    expect(read.data!.model.comments.totalCount).toBe(1);
    expect(read.data!.model.comments.edges).toEqual([{ node: { body: 'dense-8 is *stable*', html: '<p>dense-8 is <em>stable</em></p>' } }]);
    const latest = read.data!.study.activity.edges[0].node;
    expect(latest.kind).toBe('COMMENT_ADDED');
    expect(latest.summary).toBe('small dense search: dense-8');
    expect(latest.actor.email).toBe(study.viewer.email);
    expect(latest.note.body).toBe('dense-8 is *stable*');
    expect(read.data!.study.activity.edges[1].node.kind).toBe('NOTE_ADDED');
  });
});

describe('experiment activity', () => {
  test('creating and cancelling an experiment are recorded with the actor', async () => {
    const created = await post(
      harness,
      `mutation($s: ID!, $c: JSON!) { createExperiment(studyId: $s, config: $c) { id } }`,
      { s: study.studyId, c: smallConfig({ name: 'activity run' }) },
      { token: study.editor.token },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createExperiment.id;
    const cancelled = await post(harness, `mutation($id: ID!) { cancelExperiment(id: $id) { status } }`, { id }, { token: study.owner.token });
    expect(cancelled.errors).toBeUndefined();

    const events = await harness.db.activityEvent.findMany({ where: { experimentId: id }, orderBy: { createdAt: 'asc' }, include: { actor: true } });
    expect(events.map((event) => [event.kind, event.actor?.email, event.summary])).toEqual([
      ['experiment_started', study.editor.email, 'activity run'],
      ['experiment_cancelled', study.owner.email, 'activity run'],
    ]);
  });
});
