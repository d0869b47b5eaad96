import { describe, expect, it } from 'vitest';
import { compareQueryString, parseCompareParams } from '../../app/_features/compare/compare-params.ts';
import { decimateStrip } from '../../app/_features/compare/strip-decimate.ts';

describe('decimateStrip', () => {
  it('keeps every loss that fits', () => {
    expect(decimateStrip([0.1, 0.2, 0.3], 2, 2)).toEqual([
      { loss: 0.1, count: 1 },
      { loss: 0.2, count: 1 },
      { loss: 0.3, count: 1 },
    ]);
  });

  it('caps each row and keeps the extremes', () => {
    // 1000 losses from 0 to 0.999 in 10 rows of 3 lanes: 30 dots, each row's count is 100.
    const sorted = Array.from({ length: 1000 }, (_, i) => i / 1000);
    const dots = decimateStrip(sorted, 10, 3);
    expect(dots).toHaveLength(30);
    expect(dots[0].loss).toBe(0);
    expect(dots[dots.length - 1].loss).toBe(0.999);
    expect(dots.reduce((sum, dot) => sum + dot.count, 0)).toBe(1000);
    for (let row = 0; row < 10; row++) {
      const rowDots = dots.slice(row * 3, row * 3 + 3);
      expect(rowDots.reduce((sum, dot) => sum + dot.count, 0)).toBe(100);
      for (const dot of rowDots) expect(dot.count).toBeGreaterThan(0);
    }
  });

  it('keeps an outlier far from the bulk', () => {
    const sorted = [...Array.from({ length: 500 }, () => 0.2), 9];
    const dots = decimateStrip(sorted, 50, 2);
    expect(dots.map((dot) => dot.loss)).toEqual([0.2, 0.2, 9]);
    expect(dots[0].count + dots[1].count).toBe(500);
    expect(dots[2].count).toBe(1);
  });
});

describe('compare URL parameters', () => {
  it('round-trips a selection', () => {
    const selection = { mode: 'experiments' as const, ids: ['e1', 'e2'], statistic: 'Q3', a: 'm1', b: 'm2' };
    const query = compareQueryString(selection);
    expect(query).toBe('experiments=e1,e2&statistic=Q3&a=m1&b=m2');
    expect(parseCompareParams(new URLSearchParams(query))).toEqual(selection);
  });

  it('prefers models, drops duplicates and unknown statistics', () => {
    const parsed = parseCompareParams(new URLSearchParams('experiments=e1&models=m1,m2,m1&statistic=BEST'));
    expect(parsed).toEqual({ mode: 'models', ids: ['m1', 'm2'], statistic: null, a: null, b: null });
  });
});
