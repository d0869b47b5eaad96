import { describe, expect, test } from 'vitest';
import { describeModelsLeft, highlightNote, highlightTitle } from '../app/_features/experiment/status-wording.ts';

describe('experiment page wording', () => {
  test('models left per status', () => {
    expect(describeModelsLeft('QUEUED', 6)).toBe('6 models in selection');
    expect(describeModelsLeft('RUNNING', 1)).toBe('1 model in selection');
    expect(describeModelsLeft('FINISHED', 0)).toBe('1 model left');
    expect(describeModelsLeft('CANCELLED', 4)).toBe('4 models left when cancelled');
    expect(describeModelsLeft('FAILED', 2)).toBe('2 models left when it failed');
  });

  test('highlight title per status', () => {
    expect(highlightTitle('FINISHED', true)).toBe('Selected model');
    expect(highlightTitle('RUNNING', false)).toBe('Current best model');
    expect(highlightTitle('QUEUED', false)).toBe('Current best model');
    expect(highlightTitle('CANCELLED', false)).toBe('Best model when cancelled');
    expect(highlightTitle('FAILED', false)).toBe('Best model before the failure');
  });

  test('cancelled note does not claim a running selection', () => {
    const note = highlightNote({ status: 'CANCELLED', final: false, statistic: 'Median', modelCount: 6, stepCount: 2 });
    expect(note).toBe('Lowest Median among the models left when the experiment was cancelled after 2 selection steps; no model was selected.');
    expect(note).not.toContain('still running');
  });

  test('running and finished notes', () => {
    expect(highlightNote({ status: 'RUNNING', final: false, statistic: 'Median', modelCount: 6, stepCount: 1 })).toBe(
      'Lowest Median among the models left so far; the selection is still running.',
    );
    expect(highlightNote({ status: 'FINISHED', final: true, statistic: 'Median', modelCount: 6, stepCount: 3 })).toBe(
      'Kept from 6 models after 3 selection steps.',
    );
  });
});
