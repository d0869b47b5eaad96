/**
 * Paging of the lists that became connections: members, notes, comments,
 * study tags, datasets, a dataset's experiments and a step's model values.
 * Each is read in pages of two and compared with what the database holds.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { experimentConfigSchema } from '../../lib/config.ts';
import { MAX_STEPS } from '../../server/data/steps.ts';
import { MAX_PAGE_SIZE, totalOfPage } from '../../server/graphql/paging.ts';
import { addExperiment, smallConfig } from './fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from './harness.ts';

type Page = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: unknown }[] };

let harness: Harness;
let study: StudyFixture;
let experimentId: string;
let modelIds: string[];
let datasetId: string;

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'connections');
  datasetId = (await addMnist(harness.db)).id;
  const stored = await addExperiment(harness.db, {
    studyId: study.studyId,
    datasetId,
    models: ['A', 'B', 'C', 'D', 'E'].map((label) => ({ label, finished: [0.3, 0.4] })),
  });
  experimentId = stored.experiment.id;
  modelIds = stored.modelIds;

  // Notes and comments one second apart, so that "oldest first" has one order.
  const base = Date.parse('2026-12-04T12:00:00Z');
  const targets = [
    { studyId: study.studyId },
    { studyId: study.studyId, experimentId },
    { studyId: study.studyId, experimentId, modelId: modelIds[0] },
  ];
  for (const [t, target] of targets.entries()) {
    for (let i = 0; i < 3; i++) {
      const at = new Date(base + (t * 10 + i) * 1000);
      await harness.db.note.create({ data: { ...target, authorId: study.owner.id, body: `note ${t}-${i}`, createdAt: at, updatedAt: at } });
    }
  }

  for (const tag of ['paper', 'cnn', 'baseline']) await harness.db.experimentTag.create({ data: { experimentId, tag } });

  // Two steps with 5 and 3 model values.
  for (const [s, count] of [5, 3].entries()) {
    await harness.db.selectionStep.create({
      data: {
        experimentId,
        step: s + 1,
        statistic: 'median',
        eliminatedCount: 0,
        survivorCount: count,
        models: { create: modelIds.slice(0, count).map((modelId) => ({ modelId, value: 0.35, instanceCount: 2, eliminated: false })) },
      },
    });
  }
});

afterAll(async () => {
  await harness?.close();
});

/** Reads every page of size 2 of the connection at `path` and returns the nodes in order with the totals seen. */
async function readAllPages(document: string, variables: Record<string, unknown>, path: (data: Record<string, any>) => Page) {
  const nodes: unknown[] = [];
  const totals = new Set<number>();
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages++) {
    const result = await post(harness, document, { ...variables, first: 2, after }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    const page = path(result.data!);
    totals.add(page.totalCount);
    expect(page.edges.length).toBeLessThanOrEqual(2);
    nodes.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { nodes, totals: [...totals] };
}

const PAGE_FIELDS = 'totalCount pageInfo { hasNextPage endCursor } edges { cursor';

describe('connections page through', () => {
  test('study members', async () => {
    const document = `query($id: ID!, $first: Int, $after: String) { study(id: $id) { members(first: $first, after: $after) { ${PAGE_FIELDS} node { role user { email } } } } } }`;
    const { nodes, totals } = await readAllPages(document, { id: study.studyId }, (data) => data.study.members);
    expect(totals).toEqual([3]);
    expect(nodes.map((node: any) => node.user.email).sort()).toEqual([study.owner.email, study.editor.email, study.viewer.email].sort());
  });

  test('study notes, oldest first', async () => {
    const document = `query($id: ID!, $first: Int, $after: String) { study(id: $id) { notes(first: $first, after: $after) { ${PAGE_FIELDS} node { body } } } } }`;
    const { nodes, totals } = await readAllPages(document, { id: study.studyId }, (data) => data.study.notes);
    expect(totals).toEqual([3]);
    expect(nodes).toEqual([{ body: 'note 0-0' }, { body: 'note 0-1' }, { body: 'note 0-2' }]);
  });

  test('experiment notes', async () => {
    const document = `query($id: ID!, $first: Int, $after: String) { experiment(id: $id) { notes(first: $first, after: $after) { ${PAGE_FIELDS} node { body } } } } }`;
    const { nodes, totals } = await readAllPages(document, { id: experimentId }, (data) => data.experiment.notes);
    expect(totals).toEqual([3]);
    expect(nodes).toEqual([{ body: 'note 1-0' }, { body: 'note 1-1' }, { body: 'note 1-2' }]);
  });

  test('model comments', async () => {
    const document = `query($id: ID!, $first: Int, $after: String) { model(id: $id) { comments(first: $first, after: $after) { ${PAGE_FIELDS} node { body } } } } }`;
    const { nodes, totals } = await readAllPages(document, { id: modelIds[0] }, (data) => data.model.comments);
    expect(totals).toEqual([3]);
    expect(nodes).toEqual([{ body: 'note 2-0' }, { body: 'note 2-1' }, { body: 'note 2-2' }]);
  });

  test('study experiment tags, sorted', async () => {
    const document = `query($id: ID!, $first: Int, $after: String) { study(id: $id) { experimentTags(first: $first, after: $after) { ${PAGE_FIELDS} node } } } }`;
    const { nodes, totals } = await readAllPages(document, { id: study.studyId }, (data) => data.study.experimentTags);
    expect(totals).toEqual([3]);
    expect(nodes).toEqual(['baseline', 'cnn', 'paper']);
  });

  test('step model values of every step', async () => {
    const document = `query($id: ID!, $first: Int, $after: String) {
      experiment(id: $id) { steps { step models(first: $first, after: $after) { ${PAGE_FIELDS} node { model { id } } } } } }
    }`;
    const first = await post(harness, document, { id: experimentId, first: 2 }, { token: study.viewer.token });
    expect(first.errors).toBeUndefined();
    const [step1, step2] = first.data!.experiment.steps;
    expect(step1.models.totalCount).toBe(5);
    expect(step2.models.totalCount).toBe(3);
    expect(step1.models.edges).toHaveLength(2);
    expect(step2.models.edges).toHaveLength(2);

    const sortedIds = [...modelIds].sort();
    const { nodes, totals } = await readAllPages(document, { id: experimentId }, (data) => data.experiment.steps[0].models);
    expect(totals).toEqual([5]);
    expect(nodes.map((node: any) => node.model.id)).toEqual(sortedIds);
  });

  test('datasets of a study and the experiments of a dataset', async () => {
    const uploaded = await harness.db.dataset.create({
      data: {
        key: 'connections-upload',
        version: 1,
        name: 'uploaded',
        description: '',
        task: 'classification',
        inputShape: [2],
        classes: 2,
        trainCount: 1,
        testCount: 1,
        checksum: 'x',
        studyId: study.studyId,
      },
    });
    const studyDatasets = await post(
      harness,
      `query($id: ID!) { study(id: $id) { datasets(first: 1) { ${PAGE_FIELDS} node { id } } } } }`,
      { id: study.studyId },
      { token: study.viewer.token },
    );
    expect(studyDatasets.errors).toBeUndefined();
    expect(studyDatasets.data!.study.datasets.totalCount).toBe(1);
    expect(studyDatasets.data!.study.datasets.edges[0].node.id).toBe(uploaded.id);

    const all = await post(harness, `{ datasets(first: 1000) { totalCount edges { node { id } } } }`, {}, { token: study.viewer.token });
    expect(all.data!.datasets.edges.map((edge: any) => edge.node.id)).toEqual(expect.arrayContaining([uploaded.id, datasetId]));
    expect(all.data!.datasets.totalCount).toBe(all.data!.datasets.edges.length);

    const document = `query($id: ID!, $first: Int, $after: String) { dataset(id: $id) { experiments(first: $first, after: $after) { ${PAGE_FIELDS} node { id } } } } }`;
    const { nodes, totals } = await readAllPages(document, { id: datasetId }, (data) => data.dataset.experiments);
    expect(totals).toEqual([1]);
    expect(nodes).toEqual([{ id: experimentId }]);
  });
});

describe('connection limits', () => {
  test('first above the maximum is BAD_USER_INPUT naming the limit', async () => {
    const result = await post(harness, `query($id: ID!) { study(id: $id) { notes(first: ${MAX_PAGE_SIZE + 1}) { totalCount } } }`, { id: study.studyId }, { token: study.viewer.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('first');
    expect(result.errors![0].message).toContain(`from 0 to ${MAX_PAGE_SIZE}`);
  });

  test('first 0 returns only the total', async () => {
    const result = await post(
      harness,
      `query($id: ID!) { study(id: $id) { experimentTags(first: 0) { totalCount edges { node } } members(first: 0) { totalCount edges { cursor } } } }`,
      { id: study.studyId },
      { token: study.viewer.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.study.experimentTags).toEqual({ totalCount: 3, edges: [] });
    expect(result.data!.study.members).toEqual({ totalCount: 3, edges: [] });
  });

  test('page past the end keeps the total', async () => {
    const cursorOf = async (first: number) => {
      const page = await post(harness, `query($id: ID!) { experiment(id: $id) { steps { models(first: ${first}) { pageInfo { endCursor } } } } }`, { id: experimentId }, { token: study.viewer.token });
      return page.data!.experiment.steps[0].models.pageInfo.endCursor as string;
    };
    const after = await cursorOf(5);
    const result = await post(
      harness,
      `query($id: ID!, $after: String) { experiment(id: $id) { steps { models(first: 2, after: $after) { totalCount edges { cursor } pageInfo { hasNextPage } } } } }`,
      { id: experimentId, after },
      { token: study.viewer.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.experiment.steps[0].models).toEqual({ totalCount: 5, edges: [], pageInfo: { hasNextPage: false } });
    expect(result.data!.experiment.steps[1].models.totalCount).toBe(3);
  });

  test('members of another study stay hidden', async () => {
    const result = await post(harness, `query($id: ID!) { study(id: $id) { members { totalCount } } }`, { id: study.studyId }, { token: study.outsider.token });
    expect(errorCode(result)).toBe('NOT_FOUND');
  });
});

describe('totalOfPage', () => {
  const counted = async () => 42;

  test('short first page is the whole list', async () => {
    expect(await totalOfPage({ offset: 0, limit: 10 }, 3, counted)).toBe(3);
    expect(await totalOfPage({ offset: 0, limit: 10 }, 0, counted)).toBe(0);
  });

  test('short later page ends the list', async () => {
    expect(await totalOfPage({ offset: 20, limit: 10 }, 4, counted)).toBe(24);
  });

  test('full, empty or past-end pages count', async () => {
    expect(await totalOfPage({ offset: 0, limit: 10 }, 10, counted)).toBe(42);
    expect(await totalOfPage({ offset: 0, limit: 0 }, 0, counted)).toBe(42);
    expect(await totalOfPage({ offset: 50, limit: 10 }, 0, counted)).toBe(42);
  });
});

describe('plain lists stay bounded', () => {
  // Experiment.steps is a plain list read with LIMIT MAX_STEPS; the selection runs at most maxInstances steps.
  test('maxInstances cannot exceed MAX_STEPS', () => {
    const at = (maxInstances: number) => experimentConfigSchema.safeParse(smallConfig({ selection: { statistic: 'median', warmupSteps: 2, maxInstances } })).success;
    expect(at(MAX_STEPS)).toBe(true);
    expect(at(MAX_STEPS + 1)).toBe(false);
  });
});
