import { describe, expect, test } from 'vitest';
import { buildConfig, initialFormState } from '../../app/_features/experiment-form/form-state.ts';
import { selectionPolicySchema } from '../../lib/config.ts';

describe('experiment form racing rule', () => {
  test('builds a racing rule the server accepts', () => {
    const { config, errors } = buildConfig({ ...initialFormState(), ruleKind: 'racing', racingConfidence: '0.9' });
    expect(errors).toEqual({});
    const selection = config.selection as Record<string, unknown>;
    expect(selection.rule).toEqual({ kind: 'racing', confidence: 0.9 });
    expect(selectionPolicySchema.parse(selection).rule).toEqual({ kind: 'racing', confidence: 0.9 });
  });

  test('reports an unparsable confidence', () => {
    const { errors } = buildConfig({ ...initialFormState(), ruleKind: 'racing', racingConfidence: 'high' });
    expect(errors.racingConfidence).toBe('"high" is not a number.');
  });

  test('server rejects a confidence of 1', () => {
    const { config } = buildConfig({ ...initialFormState(), ruleKind: 'racing', racingConfidence: '1' });
    const result = selectionPolicySchema.safeParse(config.selection);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['rule', 'confidence']);
  });
});
