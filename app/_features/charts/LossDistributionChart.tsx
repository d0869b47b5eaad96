'use client';

import { useMemo } from 'react';
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import { formatValue } from '../../_components/format.ts';
import type { ModelData } from '../experiment/experiment-query.ts';
import { ChartCanvas } from './ChartCanvas.tsx';
import { MUTED_COLOR, SELECTED_COLOR, jitter, wholeNumberAxis } from './palette.ts';

type Point = { x: number; y: number; model: string; instance: number };

type LossDistributionChartProps = {
  models: ModelData[];
  highlightId: string | null;
  /** Legend entry of the highlighted model, for example `Selected model`. */
  highlightName: string;
};

/**
 * Draws a strip plot of instance test losses, with one column per model in
 * table order and one point per finished instance. The highlighted model is orange.
 */
export function LossDistributionChart({ models, highlightId, highlightName }: LossDistributionChartProps) {
  const config = useMemo((): ChartConfiguration<'scatter', Point[]> => {
    const others: Point[] = [];
    const highlighted: Point[] = [];
    models.forEach((model, rank) => {
      model.testLosses.forEach((loss, instance) => {
        const point = { x: rank + 1 + jitter(instance), y: loss, model: model.label, instance };
        (model.id === highlightId ? highlighted : others).push(point);
      });
    });

    return {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'Models', data: others, backgroundColor: MUTED_COLOR, pointRadius: 3.5, pointHoverRadius: 5 },
          { label: highlightName, data: highlighted, backgroundColor: SELECTED_COLOR, pointRadius: 5, pointHoverRadius: 7 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: {
            ...wholeNumberAxis(models.length, 'Model (rank in the table)'),
            ticks: { callback: (value) => `#${value}`, autoSkip: true, maxRotation: 0 },
            grid: { display: false },
          },
          y: { title: { display: true, text: 'Test loss' } },
        },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { usePointStyle: true, boxWidth: 8 } },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'scatter'>) => {
                const point = item.raw as Point;
                return `${point.model} · instance ${point.instance}: ${formatValue(point.y)}`;
              },
            },
          },
        },
      },
    };
  }, [models, highlightId, highlightName]);

  return <ChartCanvas label="Test loss distribution per model" config={config} />;
}
