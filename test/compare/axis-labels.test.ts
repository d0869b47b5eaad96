import { describe, expect, test } from 'vitest';
import { maxTickLength, tickRotation, truncateLabel } from '../../app/_features/compare/axis-labels.ts';

describe('comparison axis labels', () => {
  test('keeps a short name', () => {
    expect(truncateLabel('baseline', 14)).toBe('baseline');
  });

  test('truncates a long name with an ellipsis', () => {
    const label = truncateLabel('Sample size · n=32000 reference', 14);
    expect(label).toBe('Sample size ·…');
    expect([...label]).toHaveLength(14);
  });

  test('shortens and slants labels of 12 columns', () => {
    expect(maxTickLength(12)).toBeLessThan(maxTickLength(2));
    expect(tickRotation(12)).toBe(45);
    expect(tickRotation(3)).toBe(0);
  });
});
