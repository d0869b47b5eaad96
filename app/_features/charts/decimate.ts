/**
 * Min-max decimation of chart points: when a dataset has more points than
 * the canvas has pixel columns, the points are bucketed by pixel column and
 * each bucket keeps only its lowest and highest point. The drawn envelope
 * stays the same, outliers included, and the point count stays at most twice
 * the width.
 */

/** A point with numeric x and y; other fields (labels for tooltips) are kept. */
export type XY = { x: number; y: number };

/** Returns `points` unchanged when they fit in `width` pixels, else the lowest and highest point of each pixel column, in x order. */
export function decimateMinMax<T extends XY>(points: readonly T[], width: number): T[] {
  const columns = Math.max(1, Math.floor(width));
  if (points.length <= columns) return [...points];

  let minX = Infinity;
  let maxX = -Infinity;
  for (const point of points) {
    if (point.x < minX) minX = point.x;
    if (point.x > maxX) maxX = point.x;
  }
  const span = maxX - minX || 1;

  const lowest: (T | undefined)[] = new Array(columns);
  const highest: (T | undefined)[] = new Array(columns);
  for (const point of points) {
    if (!Number.isFinite(point.y)) continue;
    const column = Math.min(columns - 1, Math.floor(((point.x - minX) / span) * columns));
    if (!lowest[column] || point.y < lowest[column]!.y) lowest[column] = point;
    if (!highest[column] || point.y > highest[column]!.y) highest[column] = point;
  }

  const kept: T[] = [];
  for (let column = 0; column < columns; column++) {
    const low = lowest[column];
    const high = highest[column];
    if (!low || !high) continue;
    if (low === high) kept.push(low);
    else kept.push(...(low.x <= high.x ? [low, high] : [high, low]));
  }
  return kept;
}

/** Tells whether a dataset's data are {x, y} objects that decimateMinMax can take. */
export function isPointArray(data: unknown): data is XY[] {
  return Array.isArray(data) && data.length > 0 && typeof data[0] === 'object' && data[0] !== null && 'x' in data[0] && 'y' in data[0];
}
