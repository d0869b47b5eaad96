import type { Chart, ChartType, Plugin } from 'chart.js';

/** Charts being drawn for a PNG export. Only these get the white background. */
const exportingCharts = new WeakSet<object>();

/**
 * Chart.js plugin that paints a white background under a chart while it is
 * exported. A canvas is transparent, so without it the PNG shows the chart
 * on whatever background the viewer uses, often black.
 */
export const exportBackgroundPlugin: Plugin = {
  id: 'robustlabExportBackground',
  beforeDraw(chart) {
    if (!exportingCharts.has(chart)) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Turns free text into a file-name part: lowercase letters, digits and single dashes, at most 80 characters. */
export function fileNamePart(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 80).replace(/-+$/, '') || 'chart';
}

/** Builds a PNG file name from its parts, for example `sample-size-mean-test-loss.png`. */
export function chartFileName(parts: readonly string[]): string {
  return `${parts.map(fileNamePart).join('-')}.png`;
}

/**
 * Downloads a chart as a PNG on a white background: redraws it with the
 * background, reads it with Chart.js `toBase64Image`, then redraws it as on
 * screen. The PNG has the canvas's device pixels, so it is sharper on a
 * high-density display.
 */
export function downloadChartPng<T extends ChartType>(chart: Chart<T>, fileName: string): void {
  exportingCharts.add(chart);
  let dataUrl: string;
  try {
    chart.draw();
    dataUrl = chart.toBase64Image('image/png', 1);
  } finally {
    exportingCharts.delete(chart);
    chart.draw();
  }

  const link = document.createElement('a');
  link.href = dataUrl;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
}
