import { describe, expect, test } from 'vitest';
import { decimateMinMax, isPointArray } from '../../app/_features/charts/decimate.ts';

describe('decimateMinMax', () => {
  test('points that fit are returned unchanged', () => {
    const points = [{ x: 1, y: 2 }, { x: 2, y: 1 }];
    expect(decimateMinMax(points, 10)).toEqual(points);
  });

  test('keeps at most two points per pixel column with the envelope', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ x: i / 10, y: Math.sin(i) + (i === 4321 ? 50 : 0), id: i }));
    const kept = decimateMinMax(points, 300);
    expect(kept.length).toBeLessThanOrEqual(600);
    expect(kept.length).toBeGreaterThan(300);
    expect(Math.max(...kept.map((point) => point.y))).toBe(Math.max(...points.map((point) => point.y)));
    expect(Math.min(...kept.map((point) => point.y))).toBe(Math.min(...points.map((point) => point.y)));
    expect(kept.some((point) => point.id === 4321)).toBe(true);
    const xs = kept.map((point) => point.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  test('strip plot columns keep each model extremes', () => {
    // 2,000 models with 10 losses each on a 500-pixel canvas: 4 models per column.
    const points = Array.from({ length: 2000 }, (_, model) => Array.from({ length: 10 }, (_, i) => ({ x: model + 1, y: model * 0.001 + i * 0.01 }))).flat();
    const kept = decimateMinMax(points, 500);
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept[0]).toEqual({ x: 1, y: 0 });
    expect(kept[kept.length - 1]).toEqual({ x: 2000, y: 1.999 + 0.09 });
  });

  test('non-finite y values are dropped when decimating', () => {
    const points = [...Array.from({ length: 20 }, (_, i) => ({ x: i, y: i })), { x: 3, y: Number.NaN }];
    expect(decimateMinMax(points, 5).some((point) => Number.isNaN(point.y))).toBe(false);
  });
});

describe('isPointArray', () => {
  test('detects x/y objects only', () => {
    expect(isPointArray([{ x: 1, y: 2 }])).toBe(true);
    expect(isPointArray([1, 2, 3])).toBe(false);
    expect(isPointArray([])).toBe(false);
  });
});
