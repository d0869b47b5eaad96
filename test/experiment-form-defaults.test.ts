import { describe, expect, it } from 'vitest';
import { datasetSwitchPatch, defaultArchitectures, defaultTrainSize } from '../app/_features/experiment-form/dataset-defaults.ts';
import { initialFormState } from '../app/_features/experiment-form/form-state.ts';

const mnist = { inputShape: [28, 28, 1], trainCount: 60_000 };
const smallTable = { inputShape: [4], trainCount: 120 };

describe('experiment form dataset defaults', () => {
  it('drops conv layers for tabular data', () => {
    const rows = defaultArchitectures(smallTable);
    expect(rows.map((row) => row.conv)).toEqual(['', '']);
    expect(rows.map((row) => row.dense)).toEqual(['32', '16']);
    expect(defaultArchitectures(mnist).map((row) => row.conv)).toEqual(['', '4:3']);
  });

  it('clamps train size to the pool', () => {
    expect(defaultTrainSize(smallTable)).toBe('120');
    expect(defaultTrainSize(mnist)).toBe('2000');
    expect(defaultTrainSize(undefined)).toBe('2000');
  });

  it('replaces untouched defaults on switch', () => {
    const state = initialFormState();
    const patch = datasetSwitchPatch(state, mnist, smallTable);
    expect(patch.architectures?.map((row) => row.conv)).toEqual(['', '']);
    expect(patch.trainSize).toBe('120');
  });

  it('keeps user edits on switch', () => {
    const state = { ...initialFormState(), trainSize: '500', architectures: [{ key: 1, conv: '8:3', dense: '' }] };
    expect(datasetSwitchPatch(state, mnist, smallTable)).toEqual({});
  });
});
