'use client';

import { useMemo } from 'react';
import { Chart, LogarithmicScale, type ChartConfiguration } from 'chart.js';
import { statisticLabel } from '../../_components/format.ts';
import { ChartCanvas } from '../charts/ChartCanvas.tsx';
import { seriesColor, wholeNumberAxis } from '../charts/palette.ts';
import type { SelectionReplayData } from './template-query.ts';

Chart.register(LogarithmicScale);

type Point = { x: number; y: number };

/** Draws the surviving model count after each replayed selection step, one line per replay, on a log axis. */
export function SurvivorsChart({ replays, maxInstances, pngFileName }: { replays: SelectionReplayData[]; maxInstances: number; pngFileName?: string }) {
  const config = useMemo((): ChartConfiguration<'line', Point[]> => ({
    type: 'line',
    data: {
      datasets: replays.map((replay, index) => ({
        label: `${statisticLabel(replay.statistic)}${replay.rule === 'racing' ? ' (racing)' : ''}`,
        data: replay.survivorsPerStep.map((survivors, step) => ({ x: step + 1, y: survivors })),
        borderColor: seriesColor(index),
        backgroundColor: seriesColor(index),
        pointRadius: 3,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: wholeNumberAxis(maxInstances, 'Selection step'),
        y: { type: 'logarithmic', title: { display: true, text: 'Surviving models' } },
      },
      plugins: { legend: { position: 'top', align: 'end', labels: { boxWidth: 12 } } },
    },
  }), [replays, maxInstances]);

  return <ChartCanvas label="Surviving models per replayed selection step" config={config} pngFileName={pngFileName} />;
}
