'use client';

import { useMemo } from 'react';
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import { formatValue } from '../../_components/format.ts';
import { ChartCanvas } from '../charts/ChartCanvas.tsx';
import { wholeNumberAxis, seriesColor } from '../charts/palette.ts';
import type { DifferenceData } from './template-query.ts';

/** One category of an interval chart: a label and an estimate with its CI. */
export type IntervalEntry = { label: string; estimate: DifferenceData };

type Point = { x: number; y: number };

/**
 * Draws one dot per category at its estimate and a vertical whisker from the
 * lower to the upper CI bound. Categories without a value are left empty.
 */
export function IntervalChart({ label, entries, yTitle, pngFileName }: { label: string; entries: IntervalEntry[]; yTitle: string; pngFileName?: string }) {
  const config = useMemo((): ChartConfiguration<'scatter', Point[]> => {
    const whiskers = entries.flatMap((entry, index) =>
      entry.estimate.ciLow === null || entry.estimate.ciHigh === null
        ? []
        : [
            {
              label: `${entry.label} 95% CI`,
              data: [
                { x: index + 1, y: entry.estimate.ciLow },
                { x: index + 1, y: entry.estimate.ciHigh },
              ],
              showLine: true,
              borderColor: seriesColor(index, 0.7),
              borderWidth: 2,
              pointRadius: 0,
            },
          ],
    );
    const dots = entries.map((entry, index) => ({
      label: entry.label,
      data: entry.estimate.value === null ? [] : [{ x: index + 1, y: entry.estimate.value }],
      backgroundColor: seriesColor(index),
      pointRadius: 6,
      pointHoverRadius: 8,
    }));

    return {
      type: 'scatter',
      data: { datasets: [...whiskers, ...dots] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: {
            ...wholeNumberAxis(entries.length, ''),
            title: { display: false },
            ticks: { callback: (value) => entries[Number(value) - 1]?.label ?? '' },
            grid: { display: false },
          },
          y: { title: { display: true, text: yTitle } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'scatter'>) => `${item.dataset.label}: ${formatValue((item.raw as Point).y)}`,
            },
          },
        },
      },
    };
  }, [entries, yTitle]);

  return <ChartCanvas label={label} config={config} height={260} pngFileName={pngFileName} />;
}
