'use client';

import { useEffect, useRef } from 'react';
import {
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';

import { downloadChartPng, exportBackgroundPlugin } from './chart-export.ts';
import { decimateMinMax, isPointArray } from './decimate.ts';

// Only the pieces the three charts use, so that the bundle stays small.
Chart.register(ScatterController, LineController, PointElement, LineElement, LinearScale, Tooltip, Legend, exportBackgroundPlugin);

Chart.defaults.font.family = 'Inter, "Segoe UI", system-ui, -apple-system, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#475467';
Chart.defaults.borderColor = '#e4e7ec';

type ChartCanvasProps<T extends ChartType> = {
  /** Accessible name of the canvas, read by screen readers and used by the e2e tests. */
  label: string;
  config: ChartConfiguration<T>;
  height?: number;
  /** File name of the PNG that the chart's "Download PNG" button saves; without it the chart has no button. */
  pngFileName?: string;
};

/**
 * Returns the chart data with every {x, y} dataset that has more points than
 * the canvas is wide reduced by min-max decimation.
 * NOTE: the width is read when the data change; resizing the window later does not decimate again.
 */
function decimated<T extends ChartType>(data: ChartConfiguration<T>['data'], width: number): ChartConfiguration<T>['data'] {
  if (width <= 0) return data;
  const datasets = data.datasets.map((dataset) =>
    isPointArray(dataset.data) && dataset.data.length > width ? { ...dataset, data: decimateMinMax(dataset.data, width) } : dataset,
  );
  return { ...data, datasets } as ChartConfiguration<T>['data'];
}

/** Renders a Chart.js chart on a canvas. New data and options update the existing chart without animation. */
export function ChartCanvas<T extends ChartType>({ label, config, height = 280, pngFileName }: ChartCanvasProps<T>) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<Chart<T> | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;

    const chart = new Chart<T>(canvas, { ...config, data: decimated(config.data, canvas.clientWidth) });
    chartRef.current = chart;
    return () => {
      chart.destroy();
      chartRef.current = null;
    };
    // The chart is created once per type; the effect below applies later configurations.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config.type]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    chart.data = decimated(config.data, chart.canvas.clientWidth);
    if (config.options) chart.options = config.options;
    chart.update('none');
  }, [config]);

  const chartBox = (
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvasRef} role="img" aria-label={label} />
    </div>
  );
  if (pngFileName === undefined) return chartBox;

  const download = () => {
    const chart = chartRef.current;
    if (chart) downloadChartPng(chart, pngFileName);
  };
  return (
    <div>
      {chartBox}
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginTop: 4 }}>
        <button type="button" className="button button-small button-quiet" aria-label={`Download PNG of ${label}`} onClick={download}>
          Download PNG
        </button>
      </div>
    </div>
  );
}
