import { describe, expect, it } from 'vitest';
import { datasetSwitchPatch } from '../app/_features/experiment-form/dataset-defaults.ts';
import { buildConfig, initialFormState } from '../app/_features/experiment-form/form-state.ts';
import { newExperimentConfigSchema } from '../lib/config.ts';

describe('experiment form model-space options', () => {
  it('leaves losses and early stopping out by default', () => {
    const { config, errors } = buildConfig({ ...initialFormState(), name: 'defaults' });
    const space = config.space as Record<string, unknown>;

    expect(errors).toEqual({});
    expect(space.losses).toBeUndefined();
    expect(space.earlyStopping).toBeUndefined();
    expect(space.sampling).toEqual({ kind: 'grid' });
    expect(newExperimentConfigSchema.safeParse(config).success).toBe(true);
  });

  it('builds losses, early stopping and random sampling', () => {
    const state = {
      ...initialFormState(),
      name: 'options',
      losses: ['huber'],
      huberDelta: '0.5',
      earlyStopping: true,
      patience: '4',
      minDelta: '0.001',
      restoreBestWeights: true,
      samplingKind: 'random' as const,
      sampleCount: '25',
      sampleSeed: '9',
    };
    const { config, errors } = buildConfig(state);
    const space = config.space as Record<string, unknown>;

    expect(errors).toEqual({});
    expect(space.losses).toEqual([{ kind: 'huber', delta: 0.5 }]);
    expect(space.earlyStopping).toEqual({ patience: 4, minDelta: 0.001, restoreBestWeights: true });
    expect(space.sampling).toEqual({ kind: 'random', count: 25, seed: 9 });
    expect(newExperimentConfigSchema.safeParse(config).success).toBe(true);
  });

  it('leaves an empty sample count to the server default', () => {
    const { config, errors } = buildConfig({ ...initialFormState(), name: 'sampled', samplingKind: 'random', sampleCount: '  ', sampleSeed: '3' });
    expect(errors).toEqual({});
    expect((config.space as Record<string, unknown>).sampling).toEqual({ kind: 'random', seed: 3 });
    expect(newExperimentConfigSchema.safeParse(config).success).toBe(true);
  });

  it('starts with an empty sample count', () => {
    expect(initialFormState().sampleCount).toBe('');
  });

  it('reports a bad patience', () => {
    const { errors } = buildConfig({ ...initialFormState(), earlyStopping: true, patience: 'soon' });
    expect(errors.patience).toBe('"soon" is not a number.');
  });

  it('resets losses when the task changes', () => {
    const state = { ...initialFormState(), losses: ['mae'] };
    const regression = { inputShape: [15, 15, 1], trainCount: 51_200, task: 'regression' };
    const classification = { inputShape: [28, 28, 1], trainCount: 60_000, task: 'classification' };

    expect(datasetSwitchPatch(state, regression, classification).losses).toEqual([]);
    expect(datasetSwitchPatch(state, regression, { ...regression, trainCount: 1000 }).losses).toBeUndefined();
  });
});
