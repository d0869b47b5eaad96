'use client';

import { useMemo } from 'react';
import type { ChartConfiguration, ChartDataset, PointStyle } from 'chart.js';
import type { ModelData, StepData } from '../experiment/experiment-query.ts';
import { ChartCanvas } from './ChartCanvas.tsx';
import { SELECTED_COLOR, THRESHOLD_COLOR, seriesColor, wholeNumberAxis } from './palette.ts';

type Point = { x: number; y: number };
type LineDataset = ChartDataset<'line', Point[]>;

/** Returns the line of one model: its value at every step it was trained, a cross where it was eliminated. */
function modelDataset(model: ModelData, index: number, steps: StepData[], highlighted: boolean): LineDataset {
  const points: Point[] = [];
  const styles: PointStyle[] = [];
  const radii: number[] = [];
  for (const step of steps) {
    const entry = step.models.find((candidate) => candidate.model.id === model.id);
    if (!entry || entry.value == null) continue;
    points.push({ x: step.step, y: entry.value });
    styles.push(entry.eliminated ? 'crossRot' : 'circle');
    if (entry.eliminated) radii.push(7);
    else radii.push(highlighted ? 3.5 : 2);
  }

  const color = highlighted ? SELECTED_COLOR : seriesColor(index, 0.75);
  return {
    label: model.label,
    data: points,
    borderColor: color,
    backgroundColor: color,
    borderWidth: highlighted ? 3 : 1.5,
    pointStyle: styles,
    pointRadius: radii,
    pointBorderWidth: styles.map((style) => (style === 'crossRot' ? 2.5 : 1)),
    order: highlighted ? 0 : 2,
  };
}

/**
 * Robustness value of every model per selection step, eliminated models
 * ending in a cross, and the threshold of each step as a dashed line.
 */
export function EliminationPathChart({ models, steps, highlightId }: { models: ModelData[]; steps: StepData[]; highlightId: string | null }) {
  const config = useMemo((): ChartConfiguration<'line', Point[]> => {
    const datasets: LineDataset[] = models.map((model, index) => modelDataset(model, index, steps, model.id === highlightId));
    datasets.push({
      label: 'Threshold',
      data: steps.filter((step) => step.threshold != null).map((step) => ({ x: step.step, y: step.threshold as number })),
      borderColor: THRESHOLD_COLOR,
      backgroundColor: THRESHOLD_COLOR,
      borderDash: [7, 5],
      borderWidth: 2,
      // A short horizontal mark per step keeps a one-step threshold visible.
      pointStyle: 'line',
      pointRadius: 9,
      pointBorderWidth: 2,
      order: 1,
    });
    const legendNames = new Set(['Threshold', models.find((model) => model.id === highlightId)?.label]);

    return {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: wholeNumberAxis(steps.length, 'Selection step'),
          y: { title: { display: true, text: 'Robustness value' } },
        },
        plugins: {
          legend: {
            position: 'top',
            align: 'end',
            labels: { boxWidth: 18, boxHeight: 2, filter: (item) => legendNames.has(item.text) },
          },
        },
      },
    };
  }, [models, steps, highlightId]);

  return <ChartCanvas label="Elimination path: robustness value per selection step" config={config} />;
}
