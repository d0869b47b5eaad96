import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExperiment, smallConfig } from '../graphql/fixtures.ts';
import { addMnist, addStudy, errorCode, post, startHarness, type Harness, type StudyFixture } from '../graphql/harness.ts';

const COMPARE_EXPERIMENTS = /* GraphQL */ `
  query($ids: [ID!]!, $statistic: Statistic) {
    compareExperiments(ids: $ids, statistic: $statistic) {
      experiment { id trainingsSpent exhaustiveTrainings }
      statistic
      model { id label }
      robustness { statistic value count ciLow ciHigh }
      instanceLosses
      instanceLossSummary { count min q1 median q3 max mean whiskerLow whiskerHigh outliers }
    }
  }
`;

const COMPARE_MODELS = /* GraphQL */ `
  query($ids: [ID!]!, $statistic: Statistic) {
    compareModels(ids: $ids, statistic: $statistic) {
      model { id label }
      statistic
      robustness { value count }
      instanceLosses
      instanceLossSummary { median }
    }
  }
`;

const COMPARE_PAIR = /* GraphQL */ `
  query($a: ID!, $b: ID!, $confidence: Float) {
    compareModelPair(a: $a, b: $b, confidence: $confidence) {
      a { id }
      b { id }
      probabilityALower
      ciLow
      ciHigh
      confidence
      countA
      countB
      undefinedReason
    }
  }
`;

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let harness: Harness;
let study: StudyFixture;
let foreign: StudyFixture;
/** First experiment: models m0 (losses 0.3, 0.1, 0.2), m1 (0.5, 0.4), m2 eliminated (0.05, 0.06), m3 (0.9). */
let first: { experimentId: string; modelIds: string[] };
/** Second experiment: one model with losses 0.25, 0.35, 0.15, 2.0, and model m1 selected. */
let second: { experimentId: string; modelIds: string[] };
let foreignExperiment: { experimentId: string; modelIds: string[] };

beforeAll(async () => {
  harness = await startHarness();
  study = await addStudy(harness.db, 'compare');
  foreign = await addStudy(harness.db, 'compare-foreign');
  const datasetId = (await addMnist(harness.db)).id;

  const storedFirst = await addExperiment(harness.db, {
    studyId: study.studyId,
    datasetId,
    models: [
      { label: 'm0', finished: [0.3, 0.1, 0.2] },
      { label: 'm1', finished: [0.5, 0.4], queued: 1 },
      { label: 'm2', finished: [0.05, 0.06] },
      { label: 'm3', finished: [0.9] },
    ],
  });
  first = { experimentId: storedFirst.experiment.id, modelIds: storedFirst.modelIds };
  await harness.db.model.update({ where: { id: first.modelIds[2] }, data: { status: 'eliminated', eliminatedAtStep: 2 } });

  const storedSecond = await addExperiment(harness.db, {
    studyId: study.studyId,
    datasetId,
    models: [
      { label: 's0', finished: [0.25, 0.35, 0.15, 2.0] },
      { label: 's1', finished: [0.6, 0.7], diverged: 1 },
    ],
  });
  second = { experimentId: storedSecond.experiment.id, modelIds: storedSecond.modelIds };
  await harness.db.model.update({ where: { id: second.modelIds[1] }, data: { status: 'selected' } });
  await harness.db.experiment.update({
    where: { id: second.experimentId },
    data: { status: 'finished', selectedModelId: second.modelIds[1], finishedAt: new Date('2026-12-04T22:00:00Z') },
  });

  const storedForeign = await addExperiment(harness.db, { studyId: foreign.studyId, datasetId, models: [{ label: 'f0', finished: [0.1, 0.2] }] });
  foreignExperiment = { experimentId: storedForeign.experiment.id, modelIds: storedForeign.modelIds };
});

afterAll(async () => {
  await harness?.close();
});

describe('compareExperiments', () => {
  test('returns losses, summary and the representative model', async () => {
    const result = await post(harness, COMPARE_EXPERIMENTS, { ids: [second.experimentId, first.experimentId] }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    const [secondEntry, firstEntry] = result.data!.compareExperiments;

    // Request order is kept.
    expect(secondEntry.experiment.id).toBe(second.experimentId);
    expect(firstEntry.experiment.id).toBe(first.experimentId);

    // Every finished loss of every model, ascending. Queued and diverged instances never enter.
    expect(firstEntry.instanceLosses).toEqual([0.05, 0.06, 0.1, 0.2, 0.3, 0.4, 0.5, 0.9]);
    expect(secondEntry.instanceLosses).toEqual([0.15, 0.25, 0.35, 0.6, 0.7, 2.0]);

    // np.quantile([0.05, 0.06, 0.1, 0.2, 0.3, 0.4, 0.5, 0.9], [0.25, 0.5, 0.75]) = [0.09, 0.25, 0.425];
    // IQR 0.335, fences -0.4125 and 0.9275, so no outlier; mean 2.51 / 8.
    const summary = firstEntry.instanceLossSummary;
    expect(summary.count).toBe(8);
    expect(summary.q1).toBeCloseTo(0.09, 12);
    expect(summary.median).toBeCloseTo(0.25, 12);
    expect(summary.q3).toBeCloseTo(0.425, 12);
    expect(summary.mean).toBeCloseTo(0.31375, 12);
    expect([summary.min, summary.max, summary.whiskerLow, summary.whiskerHigh]).toEqual([0.05, 0.9, 0.05, 0.9]);
    expect(summary.outliers).toEqual([]);

    // [0.15, 0.25, 0.35, 0.6, 0.7, 2.0]: Q1 0.275, Q3 0.675, upper fence 1.275, so 2.0 is an outlier.
    expect(secondEntry.instanceLossSummary.outliers).toEqual([2.0]);
    expect(secondEntry.instanceLossSummary.whiskerHigh).toBe(0.7);

    // Without a selected model, the best model not eliminated by median is m0 (0.2 against 0.45 of m1).
    // m2 (0.055) is eliminated, and m3 has one loss, so its median is undefined.
    expect(firstEntry.model.id).toBe(first.modelIds[0]);
    expect(firstEntry.statistic).toBe('MEDIAN');
    expect(firstEntry.robustness).toMatchObject({ statistic: 'MEDIAN', value: 0.2, count: 3 });
    expect(firstEntry.robustness.ciLow).toBeLessThanOrEqual(0.2);
    expect(firstEntry.robustness.ciHigh).toBeGreaterThanOrEqual(0.2);

    // A finished experiment is represented by its selected model.
    expect(secondEntry.model.id).toBe(second.modelIds[1]);
    expect(secondEntry.robustness.value).toBeCloseTo(0.65, 12);
    expect(secondEntry.experiment.trainingsSpent).toBe(7);
    expect(secondEntry.experiment.exhaustiveTrainings).toBe(8);
  });

  test('uses the requested statistic for the representative model', async () => {
    const result = await post(harness, COMPARE_EXPERIMENTS, { ids: [first.experimentId], statistic: 'MAX' }, { token: study.owner.token });
    const [entry] = result.data!.compareExperiments;
    // Max: m0 0.3 and m1 0.5, so m0 stays the best.
    expect(entry.statistic).toBe('MAX');
    expect(entry.robustness).toMatchObject({ statistic: 'MAX', value: 0.3 });

    const byStd = await post(harness, COMPARE_EXPERIMENTS, { ids: [first.experimentId], statistic: 'STD' }, { token: study.owner.token });
    // Sample std: m0 0.1 and m1 0.0707, so m1 has the lower spread.
    expect(byStd.data!.compareExperiments[0].model.id).toBe(first.modelIds[1]);
  });

  test('rejects a foreign experiment like an unknown one', async () => {
    const withForeign = await post(harness, COMPARE_EXPERIMENTS, { ids: [first.experimentId, foreignExperiment.experimentId] }, { token: study.owner.token });
    const withUnknown = await post(harness, COMPARE_EXPERIMENTS, { ids: [first.experimentId, UNKNOWN_ID] }, { token: study.owner.token });
    expect(errorCode(withForeign)).toBe('NOT_FOUND');
    expect(withForeign.data).toBeNull();
    expect(withForeign.errors![0].message).toBe(`Experiment ${foreignExperiment.experimentId} not found.`);
    expect(withForeign.errors![0].message.replace(foreignExperiment.experimentId, 'ID')).toBe(
      withUnknown.errors![0].message.replace(UNKNOWN_ID, 'ID'),
    );

    const outsider = await post(harness, COMPARE_EXPERIMENTS, { ids: [first.experimentId] }, { token: study.outsider.token });
    expect(errorCode(outsider)).toBe('NOT_FOUND');
  });

  test('rejects bad id lists', async () => {
    const cases: [unknown[], RegExp][] = [
      [[], /got 0 ids, expected 1 to 12/],
      [Array.from({ length: 13 }, (_, i) => `00000000-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`), /got 13 ids/],
      [[first.experimentId, first.experimentId], /is listed twice/],
      [['not-a-uuid'], /Invalid ids "not-a-uuid": expected a UUID/],
    ];
    for (const [ids, message] of cases) {
      const result = await post(harness, COMPARE_EXPERIMENTS, { ids }, { token: study.owner.token });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].extensions.argumentName).toBe('ids');
      expect(result.errors![0].message).toMatch(message);
    }
  });
});

describe('compareModels', () => {
  test('returns models of several experiments in request order', async () => {
    const ids = [second.modelIds[0], first.modelIds[1]];
    const result = await post(harness, COMPARE_MODELS, { ids }, { token: study.editor.token });
    expect(result.errors).toBeUndefined();
    const [s0, m1] = result.data!.compareModels;
    expect(s0.model.label).toBe('s0');
    expect(s0.instanceLosses).toEqual([0.15, 0.25, 0.35, 2.0]);
    // np.median([0.15, 0.25, 0.35, 2.0]) = 0.3
    expect(s0.robustness.value).toBeCloseTo(0.3, 12);
    expect(s0.instanceLossSummary.median).toBeCloseTo(0.3, 12);
    expect(m1.instanceLosses).toEqual([0.4, 0.5]);
    expect(m1.robustness).toMatchObject({ value: 0.45, count: 2 });
  });

  test('rejects a foreign model', async () => {
    const result = await post(harness, COMPARE_MODELS, { ids: [first.modelIds[0], foreignExperiment.modelIds[0]] }, { token: study.owner.token });
    expect(errorCode(result)).toBe('NOT_FOUND');
    expect(result.errors![0].message).toBe(`Model ${foreignExperiment.modelIds[0]} not found.`);
  });
});

describe('compareModelPair', () => {
  test('matches the hand-counted probability', async () => {
    // m0 [0.1, 0.2, 0.3] against s0 [0.15, 0.25, 0.35, 2.0]: pairs with a lower m0 loss are
    // 0.1: 4, 0.2: 3, 0.3: 2, so 9 of 12 and no ties.
    const result = await post(harness, COMPARE_PAIR, { a: first.modelIds[0], b: second.modelIds[0] }, { token: study.viewer.token });
    expect(result.errors).toBeUndefined();
    const pair = result.data!.compareModelPair;
    expect(pair.probabilityALower).toBe(0.75);
    expect(pair).toMatchObject({ countA: 3, countB: 4, confidence: 0.95, undefinedReason: null });
    expect(pair.ciLow).toBeGreaterThanOrEqual(0);
    expect(pair.ciLow).toBeLessThan(0.75);
    expect(pair.ciHigh).toBeGreaterThan(0.75);
    expect(pair.ciHigh).toBeLessThanOrEqual(1);
  });

  test('swapping a and b mirrors the result', async () => {
    const ab = (await post(harness, COMPARE_PAIR, { a: first.modelIds[0], b: second.modelIds[0] }, { token: study.owner.token })).data!.compareModelPair;
    const ba = (await post(harness, COMPARE_PAIR, { a: second.modelIds[0], b: first.modelIds[0] }, { token: study.owner.token })).data!.compareModelPair;
    expect(ba.a.id).toBe(second.modelIds[0]);
    expect(ba.probabilityALower).toBeCloseTo(1 - ab.probabilityALower, 12);
    expect(ba.ciLow).toBeCloseTo(1 - ab.ciHigh, 12);
    expect(ba.ciHigh).toBeCloseTo(1 - ab.ciLow, 12);
    expect([ba.countA, ba.countB]).toEqual([ab.countB, ab.countA]);
  });

  test('leaves the CI undefined with a single instance', async () => {
    const result = await post(harness, COMPARE_PAIR, { a: first.modelIds[3], b: first.modelIds[0] }, { token: study.owner.token });
    const pair = result.data!.compareModelPair;
    // 0.9 is above every loss of m0.
    expect(pair.probabilityALower).toBe(0);
    expect(pair.ciLow).toBeNull();
    expect(pair.ciHigh).toBeNull();
    expect(pair.undefinedReason).toBe('the CI needs at least 2 finished instances of each model');
  });

  test('rejects bad arguments and foreign models', async () => {
    const same = await post(harness, COMPARE_PAIR, { a: first.modelIds[0], b: first.modelIds[0] }, { token: study.owner.token });
    expect(errorCode(same)).toBe('BAD_USER_INPUT');
    expect(same.errors![0].extensions.argumentName).toBe('b');

    const confidence = await post(harness, COMPARE_PAIR, { a: first.modelIds[0], b: first.modelIds[1], confidence: 1 }, { token: study.owner.token });
    expect(errorCode(confidence)).toBe('BAD_USER_INPUT');
    expect(confidence.errors![0].message).toBe('Invalid confidence 1: expected a number from 0.5 to 0.999.');

    const hidden = await post(harness, COMPARE_PAIR, { a: first.modelIds[0], b: foreignExperiment.modelIds[0] }, { token: study.owner.token });
    expect(errorCode(hidden)).toBe('NOT_FOUND');
    expect(hidden.data).toBeNull();

    const anonymous = await post(harness, COMPARE_PAIR, { a: first.modelIds[0], b: first.modelIds[1] });
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});

describe('createExperiment with a racing rule', () => {
  const CREATE = 'mutation($studyId: ID!, $config: JSON!) { createExperiment(studyId: $studyId, config: $config) { id config } }';

  test('stores the rule with its default confidence', async () => {
    const config = smallConfig({ selection: { statistic: 'median', rule: { kind: 'racing' }, warmupSteps: 2, maxInstances: 4 } });
    const result = await post(harness, CREATE, { studyId: study.studyId, config }, { token: study.editor.token });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createExperiment.config.selection.rule).toEqual({ kind: 'racing', confidence: 0.95 });
  });

  test('rejects a confidence outside (0, 1)', async () => {
    const config = smallConfig({ selection: { statistic: 'median', rule: { kind: 'racing', confidence: 1.5 }, warmupSteps: 2, maxInstances: 4 } });
    const result = await post(harness, CREATE, { studyId: study.studyId, config }, { token: study.editor.token });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions.argumentName).toBe('config');
    expect(result.errors![0].message).toContain('config at selection.rule.confidence:');
  });
});

describe('comparability warning', () => {
  const WARNINGS = /* GraphQL */ `
    query($experimentIds: [ID!]!, $modelIds: [ID!]!, $a: ID!, $b: ID!) {
      compareExperiments(ids: $experimentIds) { loss comparabilityWarning }
      compareModels(ids: $modelIds) { loss comparabilityWarning }
      compareModelPair(a: $a, b: $b) { comparabilityWarning }
    }
  `;
  /** Two experiments on one regression dataset: the first with the default MSE, the second with Huber. */
  let mse: { experimentId: string; modelIds: string[] };
  let huber: { experimentId: string; modelIds: string[] };

  beforeAll(async () => {
    const dataset = await harness.db.dataset.create({
      data: { key: 'energy-compare', version: 1, name: 'Energy', task: 'regression', inputShape: [15, 15, 1], classes: 1, trainCount: 1000, testCount: 100, checksum: 'test-energy-compare' },
    });
    const storedMse = await addExperiment(harness.db, { studyId: study.studyId, datasetId: dataset.id, models: [{ label: 'e0', finished: [1, 2] }] });
    const storedHuber = await addExperiment(harness.db, { studyId: study.studyId, datasetId: dataset.id, models: [{ label: 'h0', finished: [0.1, 0.2] }] });
    mse = { experimentId: storedMse.experiment.id, modelIds: storedMse.modelIds };
    huber = { experimentId: storedHuber.experiment.id, modelIds: storedHuber.modelIds };

    const config = storedHuber.experiment.config as { space: Record<string, unknown> };
    await harness.db.experiment.update({ where: { id: huber.experimentId }, data: { config: { ...config, space: { ...config.space, losses: [{ kind: 'huber', delta: 1 }] } } } });
    await harness.db.model.update({ where: { id: huber.modelIds[0] }, data: { config: { loss: { kind: 'huber', delta: 1 } } } });
  });

  function query(experimentIds: string[], modelIds: string[]) {
    return post(harness, WARNINGS, { experimentIds, modelIds, a: modelIds[0], b: modelIds[1] }, { token: study.viewer.token });
  }

  test('is null for one dataset and loss', async () => {
    const result = await query([first.experimentId, second.experimentId], [first.modelIds[0], second.modelIds[0]]);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data!.compareExperiments.map((entry: { loss: string }) => entry.loss)).toEqual(['cross_entropy', 'cross_entropy']);
    expect(result.data!.compareExperiments[0].comparabilityWarning).toBeNull();
    expect(result.data!.compareModels[1].comparabilityWarning).toBeNull();
    expect(result.data!.compareModelPair.comparabilityWarning).toBeNull();
  });

  test('names different losses', async () => {
    const result = await query([mse.experimentId, huber.experimentId], [mse.modelIds[0], huber.modelIds[0]]);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data!.compareExperiments.map((entry: { loss: string }) => entry.loss)).toEqual(['mse', 'huber (delta 1)']);
    expect(result.data!.compareModels.map((entry: { loss: string }) => entry.loss)).toEqual(['mse', 'huber (delta 1)']);
    for (const warning of [result.data!.compareExperiments[1].comparabilityWarning, result.data!.compareModels[0].comparabilityWarning, result.data!.compareModelPair.comparabilityWarning]) {
      expect(warning).toContain('different losses (mse, huber (delta 1))');
      expect(warning).not.toContain('different datasets');
    }
  });

  test('names different datasets', async () => {
    const result = await query([first.experimentId, mse.experimentId], [first.modelIds[0], mse.modelIds[0]]);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data!.compareExperiments[0].comparabilityWarning).toContain('different datasets (mnist v1, energy-compare v1)');
    expect(result.data!.compareModelPair.comparabilityWarning).toContain('different datasets (mnist v1, energy-compare v1)');
    expect(result.data!.compareModelPair.comparabilityWarning).toContain('different losses (cross_entropy, mse)');
  });
});
