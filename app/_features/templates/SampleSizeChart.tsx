'use client';

import { useMemo } from 'react';
import { Chart, LogarithmicScale, type ChartConfiguration, type TooltipItem } from 'chart.js';
import { formatCount, formatValue } from '../../_components/format.ts';
import { ChartCanvas } from '../charts/ChartCanvas.tsx';
import { SELECTED_COLOR, seriesColor } from '../charts/palette.ts';
import type { EstimateData } from './template-query.ts';

// Sizes usually double, so they are spaced evenly on a log axis.
Chart.register(LogarithmicScale);

type Point = { x: number; y: number };

/**
 * Draws an estimate against the training-sample size on a log axis, with its
 * 95% CI as dashed lines and an optional vertical marker at the plateau size.
 */
export function SampleSizeChart({
  label,
  points,
  yTitle,
  plateauSize,
  pngFileName,
}: {
  label: string;
  points: { size: number; estimate: EstimateData }[];
  yTitle: string;
  plateauSize?: number | null;
  pngFileName?: string;
}) {
  const config = useMemo((): ChartConfiguration<'line', Point[]> => {
    const series = (pick: (estimate: EstimateData) => number | null) =>
      points.flatMap((point) => {
        const y = pick(point.estimate);
        return y === null ? [] : [{ x: point.size, y }];
      });
    const values = series((estimate) => estimate.value);
    const lows = series((estimate) => estimate.ciLow);
    const highs = series((estimate) => estimate.ciHigh);
    const allY = [...lows, ...highs, ...values].map((point) => point.y);
    const marker =
      plateauSize == null || allY.length === 0
        ? []
        : [
            {
              label: `Plateau from n=${formatCount(plateauSize)}`,
              data: [
                { x: plateauSize, y: Math.min(...allY) },
                { x: plateauSize, y: Math.max(...allY) },
              ],
              borderColor: SELECTED_COLOR,
              borderDash: [2, 3],
              pointRadius: 0,
            },
          ];

    return {
      type: 'line',
      data: {
        datasets: [
          { label: yTitle, data: values, borderColor: seriesColor(0), backgroundColor: seriesColor(0), pointRadius: 4 },
          { label: 'CI low (95%)', data: lows, borderColor: seriesColor(0, 0.45), borderDash: [5, 4], pointRadius: 0 },
          { label: 'CI high (95%)', data: highs, borderColor: seriesColor(0, 0.45), borderDash: [5, 4], pointRadius: 0 },
          ...marker,
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: {
            type: 'logarithmic',
            title: { display: true, text: 'Training-sample size' },
            afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
              axis.ticks = points.map((point) => ({ value: point.size }));
            },
            ticks: { callback: (value) => formatCount(Number(value)) },
          },
          y: { title: { display: true, text: yTitle } },
        },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'line'>) => `${item.dataset.label}: ${formatValue((item.raw as Point).y)} at n=${formatCount((item.raw as Point).x)}`,
            },
          },
        },
      },
    };
  }, [points, yTitle, plateauSize]);

  return <ChartCanvas label={label} config={config} pngFileName={pngFileName} />;
}
