import { describe, expect, test } from 'vitest';
import { sendSchedule } from '../../worker/queue.ts';
import { createExperiment, tinyModel, useQueueWorker, waitForExperimentEnd } from './fixtures.ts';

const run = useQueueWorker('model-space-worker');

describe('model-space options through the queue', () => {
  test('stores stopped epoch and test metrics', async () => {
    const db = run.database.prisma;
    // A min delta above any loss: epoch 1 sets the best value and epoch 2 ends the training with patience 1.
    const stopping = tinyModel({ dense: [8], epochs: 4, earlyStopping: { patience: 1, minDelta: 1000, restoreBestWeights: false } });
    const prelu = tinyModel({ dense: [8], activation: 'prelu', epochs: 2 });
    const { experimentId } = await createExperiment(db, {
      name: 'early stopping and prelu',
      models: [stopping, prelu],
      selection: { statistic: 'median', rule: { kind: 'quantile', q: 0.5 }, warmupSteps: 2, maxInstances: 2 },
    });

    await sendSchedule(run.boss, experimentId);
    expect(await waitForExperimentEnd(db, experimentId)).toBe('finished');

    const models = await db.model.findMany({ where: { experimentId }, include: { instances: true }, orderBy: { label: 'asc' } });
    const byLabel = new Map(models.map((model) => [model.label, model]));
    const stopped = byLabel.get('d8 relu adam lr=0.01 bs=32 ep=4 patience=1')!;
    const withPrelu = byLabel.get('d8 prelu adam lr=0.01 bs=32 ep=2')!;

    expect(stopped.instances).toHaveLength(2);
    for (const instance of stopped.instances) {
      expect(instance.status).toBe('finished');
      expect(instance.stoppedEpoch).toBe(2);
      expect(instance.trainLoss).toHaveLength(2);
    }
    for (const instance of withPrelu.instances) {
      expect(instance.status).toBe('finished');
      expect(instance.stoppedEpoch).toBeNull();
      expect(instance.testMetrics).toEqual([{ name: 'accuracy', value: instance.testAccuracy, unit: '' }]);
    }
  });
});
