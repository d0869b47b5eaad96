'use client';

import { useMemo } from 'react';
import type { Chart, ChartConfiguration, Plugin, TooltipItem } from 'chart.js';
import { formatValue } from '../../_components/format.ts';
import { ChartCanvas } from '../charts/ChartCanvas.tsx';
import { jitter, seriesColor, wholeNumberAxis } from '../charts/palette.ts';
import { maxTickLength, tickRotation, truncateLabel } from './axis-labels.ts';
import type { CompareEntry, LossSummary } from './compare-query.ts';
import { decimateStrip } from './strip-decimate.ts';

/** Accessible name of the chart canvas, by which the e2e test finds the chart. */
export const LOSS_CHART_LABEL = 'Instance test loss distributions';

const CHART_HEIGHT = 340;
/** Dot rows per column: about one row per 3 px of plot height, the size of a dot. */
const STRIP_ROWS = Math.floor((CHART_HEIGHT - 80) / 3);
/** Horizontal jitter positions (palette.ts jitter) that a row can fill before dots overlap. */
const STRIP_LANES = 9;
const BOX_HALF_WIDTH = 0.32;

// `lane` and `loss` instead of `x` and `y`: ChartCanvas min-max decimates {x, y} data by pixel
// column, which would reduce a strip to its extremes, and these dots are already decimated by row.
type StripPoint = { lane: number; loss: number; count: number };

/** Draws a Tukey box (Q1 to Q3, median line, whiskers) behind the dots of each column. */
function boxPlugin(summaries: (LossSummary | null)[]): Plugin<'scatter'> {
  return {
    id: 'lossBoxes',
    beforeDatasetsDraw(chart: Chart<'scatter'>) {
      const { ctx, scales } = chart;
      const x = scales.x;
      const y = scales.y;
      ctx.save();
      summaries.forEach((summary, index) => {
        if (!summary) return;
        const center = x.getPixelForValue(index + 1);
        const halfWidth = Math.abs(x.getPixelForValue(index + 1 + BOX_HALF_WIDTH) - center);
        const top = y.getPixelForValue(summary.q3);
        const bottom = y.getPixelForValue(summary.q1);
        ctx.strokeStyle = seriesColor(index, 0.9);
        ctx.fillStyle = seriesColor(index, 0.12);
        ctx.lineWidth = 1.5;

        ctx.fillRect(center - halfWidth, top, 2 * halfWidth, bottom - top);
        ctx.strokeRect(center - halfWidth, top, 2 * halfWidth, bottom - top);

        ctx.beginPath();
        const median = y.getPixelForValue(summary.median);
        ctx.moveTo(center - halfWidth, median);
        ctx.lineTo(center + halfWidth, median);
        for (const [from, to] of [
          [summary.q3, summary.whiskerHigh],
          [summary.q1, summary.whiskerLow],
        ]) {
          ctx.moveTo(center, y.getPixelForValue(from));
          ctx.lineTo(center, y.getPixelForValue(to));
          ctx.moveTo(center - halfWidth / 2, y.getPixelForValue(to));
          ctx.lineTo(center + halfWidth / 2, y.getPixelForValue(to));
        }
        ctx.lineWidth = 2;
        ctx.stroke();
      });
      ctx.restore();
    },
  };
}

/**
 * Draws the instance test losses of each compared experiment or model as one
 * column: a box plot with the dots of every loss on top. Columns with more
 * losses than dots fit are decimated by row (strip-decimate.ts).
 */
export function LossComparisonChart({ entries }: { entries: CompareEntry[] }) {
  const config = useMemo((): ChartConfiguration<'scatter', StripPoint[]> => {
    const datasets = entries.map((entry, index) => {
      const dots = decimateStrip(entry.losses, STRIP_ROWS, STRIP_LANES);
      return {
        label: entry.name,
        data: dots.map((dot, i) => ({ lane: index + 1 + jitter(i), loss: dot.loss, count: dot.count })),
        parsing: { xAxisKey: 'lane', yAxisKey: 'loss' },
        backgroundColor: seriesColor(index, 0.75),
        borderColor: seriesColor(index, 1),
        pointRadius: 2.5,
        pointHoverRadius: 4,
      };
    });

    return {
      type: 'scatter',
      data: { datasets },
      plugins: [boxPlugin(entries.map((entry) => entry.summary))],
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: {
            ...wholeNumberAxis(entries.length, ''),
            title: { display: false },
            ticks: {
              callback: (value) => truncateLabel(entries[Number(value) - 1]?.name ?? '', maxTickLength(entries.length)),
              autoSkip: false,
              minRotation: tickRotation(entries.length),
              maxRotation: tickRotation(entries.length),
            },
            grid: { display: false },
          },
          y: { title: { display: true, text: 'Instance test loss' } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              // The full column name, since the axis may show it shortened.
              title: (items: TooltipItem<'scatter'>[]) => entries[items[0]?.datasetIndex ?? -1]?.name ?? '',
              label: (item: TooltipItem<'scatter'>) => {
                const point = item.raw as StripPoint;
                const represents = point.count > 1 ? ` (represents ${point.count} instances)` : '';
                return `Test loss ${formatValue(point.loss)}${represents}`;
              },
            },
          },
        },
      },
    };
  }, [entries]);

  // ChartCanvas is typed for Chart.js's default data, and the parsing keys make these points valid scatter data.
  return <ChartCanvas label={LOSS_CHART_LABEL} config={config as unknown as ChartConfiguration<'scatter'>} height={CHART_HEIGHT} />;
}
