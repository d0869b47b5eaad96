'use client';

import { useEffect, useRef } from 'react';

/** Draws one image sample ([H, W, C] row-major) on a canvas, scaled to its own min and max. */
export function SampleThumbnail({ values, shape, label }: { values: number[]; shape: number[]; label: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [height, width, channels = 1] = shape;

  useEffect(() => {
    const context = canvasRef.current?.getContext('2d');
    if (!context) return;
    let min = Infinity;
    let max = -Infinity;
    for (const value of values) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    const range = max > min ? max - min : 1;
    const image = context.createImageData(width, height);
    for (let pixel = 0; pixel < width * height; pixel++) {
      for (let c = 0; c < 3; c++) {
        const value = values[pixel * channels + (channels >= 3 ? c : 0)];
        image.data[pixel * 4 + c] = Math.round(((value - min) / range) * 255);
      }
      image.data[pixel * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }, [values, width, height, channels]);

  return <canvas ref={canvasRef} width={width} height={height} aria-label={label} role="img" style={{ width: 56, height: 56, imageRendering: 'pixelated' }} />;
}

/** Shows a sample as a thumbnail for image datasets, or as its encoded feature values for tables. */
export function SampleView({ values, shape, featureNames, label }: { values: number[]; shape: number[]; featureNames?: string[]; label: string }) {
  if (shape.length >= 2) return <SampleThumbnail values={values} shape={shape} label={label} />;
  return (
    <span className="small" aria-label={label}>
      {values
        .slice(0, 12)
        .map((value, index) => `${featureNames?.[index] ?? `x${index + 1}`}=${Number(value.toFixed(3))}`)
        .join(', ')}
      {values.length > 12 ? ', …' : ''}
    </span>
  );
}
