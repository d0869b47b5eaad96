/** Colours of the charts: a highlight for the selected model and distinct hues for the rest. */

export const SELECTED_COLOR = '#e8590c';
export const MUTED_COLOR = 'rgba(71, 84, 103, 0.55)';
export const THRESHOLD_COLOR = '#101828';

/** Returns a distinct colour for the i-th series. Hues are spread by the golden angle. */
export function seriesColor(index: number, alpha = 1): string {
  const hue = (210 + index * 137.508) % 360;
  return `hsla(${hue.toFixed(1)}, 62%, 46%, ${alpha})`;
}

/** Returns a small deterministic horizontal offset for the i-th point of a strip plot. */
export function jitter(index: number): number {
  const offsets = [0, -0.12, 0.12, -0.06, 0.06, -0.18, 0.18, -0.24, 0.24];
  return offsets[index % offsets.length];
}

/** Returns Chart.js ticks at the whole numbers 1..count, for axes of steps, epochs or model columns. */
export function wholeNumberTicks(count: number): { value: number }[] {
  return Array.from({ length: count }, (_, index) => ({ value: index + 1 }));
}

/**
 * Builds a linear x axis with one tick at each whole number from 1 to `count`
 * and half a unit of margin on both sides. Chart.js would otherwise step its
 * ticks from min = 0.5.
 */
export function wholeNumberAxis(count: number, title: string) {
  return {
    type: 'linear' as const,
    min: 0.5,
    max: count + 0.5,
    title: { display: true, text: title },
    afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
      axis.ticks = wholeNumberTicks(count);
    },
  };
}
