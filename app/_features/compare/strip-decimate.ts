/**
 * Decimation of a strip plot. When one column has more losses than its area
 * can show as separate dots, the losses are bucketed into rows one dot high,
 * and each row keeps at most as many losses as there are jitter lanes. The
 * smallest and largest loss are always kept, so the envelope and the
 * outliers stay visible. Each kept dot reports how many losses it represents.
 */

/** A kept loss with the number of losses of its row that it represents. */
export type StripDot = { loss: number; count: number };

/**
 * Returns at most `rows * lanes` dots for ascending-sorted losses: all of
 * them when they fit, else per row of height (max - min) / rows up to
 * `lanes` losses spread evenly over the row, ends included. The counts of
 * one row add up to the losses in that row.
 */
export function decimateStrip(sorted: readonly number[], rows: number, lanes: number): StripDot[] {
  const rowCount = Math.max(1, Math.floor(rows));
  const laneCount = Math.max(1, Math.floor(lanes));
  if (sorted.length <= rowCount * laneCount) return sorted.map((loss) => ({ loss, count: 1 }));

  const min = sorted[0];
  const span = sorted[sorted.length - 1] - min || 1;
  const dots: StripDot[] = [];
  let start = 0;
  while (start < sorted.length) {
    const row = Math.min(rowCount - 1, Math.floor(((sorted[start] - min) / span) * rowCount));
    let end = start + 1;
    while (end < sorted.length && Math.min(rowCount - 1, Math.floor(((sorted[end] - min) / span) * rowCount)) === row) end++;
    dots.push(...sampleRow(sorted, start, end, laneCount));
    start = end;
  }
  return dots;
}

/** Keeps up to `lanes` losses of sorted[start, end) at evenly spaced ranks, both ends included, splitting the count between them. */
function sampleRow(sorted: readonly number[], start: number, end: number, lanes: number): StripDot[] {
  const size = end - start;
  if (size <= lanes) return sorted.slice(start, end).map((loss) => ({ loss, count: 1 }));
  if (lanes === 1) return [{ loss: sorted[start], count: size }];

  const dots: StripDot[] = [];
  let assigned = 0;
  for (let lane = 0; lane < lanes; lane++) {
    const rank = Math.round((lane * (size - 1)) / (lanes - 1));
    // Each kept loss stands for the losses up to the midpoint towards the next kept one.
    const upTo = lane === lanes - 1 ? size : Math.round(((lane + 0.5) * (size - 1)) / (lanes - 1)) + 1;
    dots.push({ loss: sorted[start + rank], count: upTo - assigned });
    assigned = upTo;
  }
  return dots;
}
