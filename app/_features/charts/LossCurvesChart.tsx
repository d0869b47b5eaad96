'use client';

import { useMemo } from 'react';
import type { ChartConfiguration } from 'chart.js';
import type { ModelCurves } from '../experiment/experiment-query.ts';
import { ChartCanvas } from './ChartCanvas.tsx';
import { seriesColor, wholeNumberAxis } from './palette.ts';

type Point = { x: number; y: number | null };

function toPoints(losses: (number | null)[]): Point[] {
  return losses.map((loss, epoch) => ({ x: epoch + 1, y: loss }));
}

/** Above this many entries the legend is hidden, but the tooltip still names each series. */
const MAX_LEGEND_ENTRIES = 12;

/** Draws the training (solid) and validation (dashed) loss per epoch of every instance of one model. */
export function LossCurvesChart({ model }: { model: ModelCurves }) {
  const config = useMemo((): ChartConfiguration<'line', Point[]> => {
    const instances = model.instances.edges.map((edge) => edge.node).filter((instance) => instance.trainLoss.length > 0);
    const datasets = instances.flatMap((instance, index) => {
      const color = seriesColor(index);
      const common = { borderColor: color, backgroundColor: color, borderWidth: 1.8, pointRadius: 2, spanGaps: false };
      return [
        { ...common, label: `Instance ${instance.instanceIndex} train`, data: toPoints(instance.trainLoss) },
        { ...common, label: `Instance ${instance.instanceIndex} validation`, data: toPoints(instance.valLoss), borderDash: [5, 4] },
      ];
    });

    const epochs = Math.max(1, ...instances.map((instance) => instance.trainLoss.length));

    return {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: wholeNumberAxis(epochs, 'Epoch'),
          y: { title: { display: true, text: 'Loss' } },
        },
        plugins: {
          legend: {
            display: datasets.length <= MAX_LEGEND_ENTRIES,
            position: 'top',
            align: 'end',
            labels: { boxWidth: 14, boxHeight: 2, font: { size: 11 } },
          },
        },
      },
    };
  }, [model]);

  return <ChartCanvas label={`Loss curves of ${model.label}`} config={config} />;
}
