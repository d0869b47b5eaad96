import { describe, expect, test } from 'vitest';
import { robustnessValue } from '../../lib/statistics.ts';
import { sendSchedule } from '../../worker/queue.ts';
import { bootstrapSeed } from '../../worker/selection-step.ts';
import { createExperiment, tinyModel, useQueueWorker, waitForExperimentEnd } from '../worker/fixtures.ts';

const run = useQueueWorker('racing-worker');

describe('racing rule through the worker', () => {
  test('eliminates a clearly worse model only', async () => {
    const db = run.database.prisma;
    // Two well-trained models that differ only by a negligible L2 term, so their losses overlap,
    // and one that barely moves from its initial weights (SGD at lr 1e-5), so its loss stays near ln(10).
    const good = tinyModel({ dense: [16], epochs: 3 });
    const twin = tinyModel({ dense: [16], epochs: 3, l2: 1e-7 });
    const untrained = tinyModel({ dense: [16], epochs: 3, optimizer: 'sgd', learningRate: 1e-5 });
    const { experimentId } = await createExperiment(db, {
      name: 'racing',
      models: [good, twin, untrained],
      selection: { statistic: 'median', rule: { kind: 'racing', confidence: 0.95 }, warmupSteps: 4, maxInstances: 6 },
      trainSize: 600,
    });
    const models = await db.model.findMany({ where: { experimentId } });
    const idOf = (learningRate: number, l2: number) =>
      models.find((model) => {
        const config = model.config as { learningRate: number; l2: number };
        return config.learningRate === learningRate && config.l2 === l2;
      })!.id;
    const goodId = idOf(0.01, 0);
    const twinId = idOf(0.01, 1e-7);
    const untrainedId = idOf(1e-5, 0);

    await sendSchedule(run.boss, experimentId);
    expect(await waitForExperimentEnd(db, experimentId, 280_000)).toBe('finished');

    const steps = await db.selectionStep.findMany({ where: { experimentId }, orderBy: { step: 'asc' }, include: { models: true } });
    expect(steps.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const warmup of steps.slice(0, 4)) {
      expect(warmup.threshold).toBeNull();
      expect(warmup.eliminatedCount).toBe(0);
    }

    // Step 5: the threshold is the upper CI bound of the best model, and only the untrained model's CI lies above it.
    const racingStep = steps[4];
    const byModel = new Map(racingStep.models.map((entry) => [entry.modelId, entry]));
    const best = [...racingStep.models].sort((a, b) => (a.value as number) - (b.value as number))[0];
    expect([goodId, twinId]).toContain(best.modelId);
    expect(racingStep.threshold).toBe(best.ciHigh);
    expect(racingStep.eliminatedCount).toBe(1);
    expect(byModel.get(untrainedId)!.eliminated).toBe(true);
    expect(byModel.get(untrainedId)!.ciLow).toBeGreaterThan(racingStep.threshold as number);
    expect(byModel.get(goodId)!.eliminated).toBe(false);
    expect(byModel.get(twinId)!.eliminated).toBe(false);
    const other = best.modelId === goodId ? byModel.get(twinId)! : byModel.get(goodId)!;
    expect(other.ciLow).toBeLessThanOrEqual(racingStep.threshold as number);

    // The recorded CI is the seeded bootstrap at the rule's confidence level.
    const untrainedLosses = await db.instance.findMany({
      where: { modelId: untrainedId, status: 'finished' },
      orderBy: { instanceIndex: 'asc' },
      select: { testLoss: true },
    });
    const expected = robustnessValue(
      untrainedLosses.map((instance) => instance.testLoss as number),
      'median',
      { seed: bootstrapSeed(untrainedId), confidence: 0.95 },
    );
    expect(byModel.get(untrainedId)!.ciLow).toBe(expected.ciLow);
    expect(byModel.get(untrainedId)!.ciHigh).toBe(expected.ciHigh);

    // Step 6 trains the two overlapping models up to n_max, and the better one is selected.
    expect(steps[5].models.map((entry) => entry.modelId).sort()).toEqual([goodId, twinId].sort());
    const finalModels = await db.model.findMany({ where: { experimentId } });
    const statusOf = (id: string) => finalModels.find((model) => model.id === id)!.status;
    expect(statusOf(untrainedId)).toBe('eliminated');
    expect(finalModels.find((model) => model.id === untrainedId)!.eliminatedAtStep).toBe(5);
    expect([statusOf(goodId), statusOf(twinId)].sort()).toEqual(['active', 'selected']);
  }, 300_000);
});
