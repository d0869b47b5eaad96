import { describe, expect, test } from 'vitest';
import { robustnessValue } from '../../lib/statistics.ts';
import { sendSchedule } from '../../worker/queue.ts';
import { bootstrapSeed } from '../../worker/selection-step.ts';
import { createExperiment, decodeFloat32, divergingModel, tinyModel, useQueueWorker, waitForExperimentEnd } from './fixtures.ts';

const run = useQueueWorker('selection-run-worker');

describe('selection through the queue', () => {
  test('small experiment selects a model', async () => {
    const db = run.database.prisma;
    const { experimentId, modelIds } = await createExperiment(db, {
      name: 'three tiny models',
      models: [tinyModel({ dense: [4] }), tinyModel({ dense: [8] }), tinyModel({ dense: [16], optimizer: 'sgd', learningRate: 0.1 })],
      selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 3 },
    });

    await sendSchedule(run.boss, experimentId);
    expect(await waitForExperimentEnd(db, experimentId)).toBe('finished');

    const experiment = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
    expect(experiment.currentStep).toBe(3);
    expect(experiment.startedAt).not.toBeNull();
    expect(experiment.finishedAt).not.toBeNull();
    expect(experiment.selectedModelId).not.toBeNull();
    expect(modelIds).toContain(experiment.selectedModelId);

    const models = await db.model.findMany({ where: { experimentId }, include: { instances: true } });
    const selected = models.filter((model) => model.status === 'selected');
    expect(selected.map((model) => model.id)).toEqual([experiment.selectedModelId]);
    const eliminated = models.filter((model) => model.status === 'eliminated');
    expect(eliminated).toHaveLength(2);
    for (const model of eliminated) expect([2, 3]).toContain(model.eliminatedAtStep);

    // Steps 1 and 2 train all 3 models, step 3 the 2 survivors of the median cut.
    const instances = models.flatMap((model) => model.instances);
    expect(instances).toHaveLength(8);
    expect(instances.length).toBeLessThan(experiment.exhaustiveTrainings);
    for (const instance of instances) {
      expect(instance.status).toBe('finished');
      expect(instance.attempts).toBe(1);
      expect(instance.workerId).toBe('selection-run-worker');
      expect(instance.backend).toBe('wasm');
      expect(instance.trainLoss).toHaveLength(1);
      expect(instance.testLoss).toBeGreaterThan(0);
    }
    for (const model of models) {
      const indices = model.instances.map((instance) => instance.instanceIndex).sort();
      expect(indices).toEqual(indices.map((_, i) => i));
    }

    const steps = await db.selectionStep.findMany({ where: { experimentId }, orderBy: { step: 'asc' }, include: { models: true } });
    expect(steps.map((step) => step.step)).toEqual([1, 2, 3]);
    expect(steps[0].threshold).toBeNull();
    expect(steps[0].eliminatedCount).toBe(0);
    expect(steps[0].models).toHaveLength(3);
    expect(steps[1].threshold).not.toBeNull();
    expect(steps[1].eliminatedCount).toBe(1);
    expect(steps[2].models).toHaveLength(2);
    expect(steps[2].survivorCount).toBe(1);

    // The recorded value of the selected model is the median of its finished test losses.
    const selectedModel = selected[0];
    const losses = selectedModel.instances.map((instance) => instance.testLoss as number);
    const expected = robustnessValue(losses, 'median', { seed: bootstrapSeed(selectedModel.id) });
    const lastValue = steps[2].models.find((row) => row.modelId === selectedModel.id)!;
    expect(lastValue.instanceCount).toBe(3);
    expect(lastValue.value).toBe(expected.value);
    expect(lastValue.ciLow).toBe(expected.ciLow);
    expect(lastValue.ciHigh).toBe(expected.ciHigh);
    expect(lastValue.eliminated).toBe(false);
  });

  test('stored predictions match the test loss', async () => {
    const db = run.database.prisma;
    const instance = await db.instance.findFirstOrThrow({ where: { status: 'finished' }, include: { predictions: true } });
    const predictions = instance.predictions!;
    expect(predictions.sampleCount).toBe(2000);
    expect(predictions.predictedClass).toHaveLength(2000);
    expect(predictions.trueClassProb).toHaveLength(8000);
    expect(predictions.loss).toHaveLength(8000);

    const losses = decodeFloat32(predictions.loss);
    const meanLoss = losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
    expect(meanLoss).toBeCloseTo(instance.testLoss!, 4);
    for (const probability of decodeFloat32(predictions.trueClassProb)) {
      expect(probability).toBeGreaterThanOrEqual(0);
      expect(probability).toBeLessThanOrEqual(1);
    }
  });

  test('diverged model is stored and eliminated', async () => {
    const db = run.database.prisma;
    const stable = tinyModel({ dense: [8] });
    const { experimentId } = await createExperiment(db, {
      name: 'one diverging model',
      models: [stable, divergingModel()],
      selection: { statistic: 'mean', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 1, maxInstances: 2 },
    });

    await sendSchedule(run.boss, experimentId);
    expect(await waitForExperimentEnd(db, experimentId)).toBe('finished');

    const models = await db.model.findMany({ where: { experimentId }, include: { instances: { include: { predictions: true } } } });
    const diverging = models.find((model) => model.config !== null && (model.config as { optimizer: string }).optimizer === 'sgd')!;
    const stableModel = models.find((model) => model.id !== diverging.id)!;

    expect(diverging.instances).toHaveLength(2);
    for (const instance of diverging.instances) {
      expect(instance.status).toBe('diverged');
      expect(instance.divergedEpoch).toBe(1);
      expect(instance.testLoss).toBeNull();
      expect(instance.predictions).toBeNull();
    }
    expect(diverging.status).toBe('eliminated');
    expect(diverging.eliminatedAtStep).toBe(2);
    expect(stableModel.status).toBe('selected');

    const step2 = await db.selectionStep.findUniqueOrThrow({
      where: { experimentId_step: { experimentId, step: 2 } },
      include: { models: true },
    });
    const divergingValue = step2.models.find((row) => row.modelId === diverging.id)!;
    expect(divergingValue.value).toBeNull();
    expect(divergingValue.instanceCount).toBe(0);
    expect(divergingValue.eliminated).toBe(true);

    const stableValue = step2.models.find((row) => row.modelId === stableModel.id)!;
    const stableLosses = stableModel.instances.map((instance) => instance.testLoss as number);
    expect(stableValue.instanceCount).toBe(2);
    expect(stableValue.value).toBeCloseTo((stableLosses[0] + stableLosses[1]) / 2, 12);
    // The threshold comes from the stable model's value alone.
    expect(step2.threshold).toBe(stableValue.value);
  });
});
