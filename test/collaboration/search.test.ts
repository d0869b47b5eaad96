import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExperiment } from '../graphql/fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';

const SEARCH = `query($id: ID!, $filter: ExperimentFilter) {
  study(id: $id) { experimentTags { totalCount edges { node } } searchExperiments(filter: $filter) { totalCount edges { node { name tags } } } }
}`;
const SET_TAGS = `mutation($id: ID!, $tags: [String!]!) { setExperimentTags(id: $id, tags: $tags) { id tags } }`;

let harness: Harness;
let study: StudyFixture;
const ids: Record<string, string> = {};

// Three experiments: "baseline cnn" (finished, selected median 0.35, created Dec 1),
// "wide dense" (finished, selected median 0.8, Dec 2), "permuted pixels" (running, Dec 3).
beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'search');
  const datasetId = (await addMnist(harness.db)).id;
  const specs = [
    { name: 'baseline cnn', losses: [0.3, 0.4], finished: true, day: 1 },
    { name: 'wide dense', losses: [0.7, 0.9], finished: true, day: 2 },
    { name: 'permuted pixels', losses: [0.2, 0.25], finished: false, day: 3 },
  ];
  for (const spec of specs) {
    const stored = await addExperiment(harness.db, { studyId: study.studyId, datasetId, models: [{ label: 'm', finished: spec.losses }] });
    await harness.db.experiment.update({
      where: { id: stored.experiment.id },
      data: {
        name: spec.name,
        createdAt: new Date(`2026-12-0${spec.day}T12:00:00Z`),
        ...(spec.finished ? { status: 'finished', selectedModelId: stored.modelIds[0] } : {}),
      },
    });
    ids[spec.name] = stored.experiment.id;
  }
});

afterAll(async () => {
  await harness?.close();
});

async function search(filter: Record<string, unknown>) {
  const result = await post(harness, SEARCH, { id: study.studyId, filter }, { token: study.viewer.token });
  expect(result.errors).toBeUndefined();
  return result.data!.study.searchExperiments.edges.map((edge: { node: { name: string } }) => edge.node.name);
}

describe('experiment tags', () => {
  test('editor sets normalized tags', async () => {
    const result = await post(harness, SET_TAGS, { id: ids['baseline cnn'], tags: [' CNN', 'paper', 'cnn'] }, { token: study.editor.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.setExperimentTags.tags).toEqual(['cnn', 'paper']);
    await post(harness, SET_TAGS, { id: ids['wide dense'], tags: ['paper'] }, { token: study.editor.token });
  });

  test('viewer cannot set tags', async () => {
    const result = await post(harness, SET_TAGS, { id: ids['wide dense'], tags: ['x'] }, { token: study.viewer.token });
    expect(errorCode(result)).toBe('FORBIDDEN');
  });

  test('invalid tag is named in the error', async () => {
    const result = await post(harness, SET_TAGS, { id: ids['wide dense'], tags: ['ok', '<b>'] }, { token: study.owner.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].message).toContain('"<b>"');
  });
});

describe('searchExperiments', () => {
  test('no filter lists all, newest first', async () => {
    expect(await search({})).toEqual(['permuted pixels', 'wide dense', 'baseline cnn']);
  });

  test('text matches case-insensitively', async () => {
    expect(await search({ text: 'DENSE' })).toEqual(['wide dense']);
  });

  test('tags must all match', async () => {
    expect(await search({ tags: ['paper'] })).toEqual(['wide dense', 'baseline cnn']);
    expect(await search({ tags: ['paper', 'cnn'] })).toEqual(['baseline cnn']);
  });

  test('status, dataset and date range', async () => {
    expect(await search({ statuses: ['RUNNING'] })).toEqual(['permuted pixels']);
    expect(await search({ dataset: 'mnist', statuses: ['FINISHED'] })).toEqual(['wide dense', 'baseline cnn']);
    expect(await search({ dataset: 'cifar' })).toEqual([]);
    expect(await search({ createdFrom: '2026-12-02T00:00:00Z', createdTo: '2026-12-02T23:59:59Z' })).toEqual(['wide dense']);
  });

  test('selected model value bounds', async () => {
    expect(await search({ selectedValueMax: 0.5 })).toEqual(['baseline cnn']);
    expect(await search({ selectedValueMin: 0.5 })).toEqual(['wide dense']);
    // Max of [0.3, 0.4] is 0.4; of [0.7, 0.9] is 0.9.
    expect(await search({ statistic: 'MAX', selectedValueMin: 0.35, selectedValueMax: 0.45 })).toEqual(['baseline cnn']);
  });

  test('reversed date range is BAD_USER_INPUT', async () => {
    const result = await post(
      harness,
      SEARCH,
      { id: study.studyId, filter: { createdFrom: '2026-12-03T00:00:00Z', createdTo: '2026-12-01T00:00:00Z' } },
      { token: study.owner.token },
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
  });

  test('study tags lists distinct tags', async () => {
    const result = await post(harness, SEARCH, { id: study.studyId, filter: {} }, { token: study.owner.token });
    expect(result.data!.study.experimentTags.totalCount).toBe(2);
    expect(result.data!.study.experimentTags.edges.map((edge: { node: string }) => edge.node)).toEqual(['cnn', 'paper']);
  });
});
