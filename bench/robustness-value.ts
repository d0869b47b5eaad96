/**
 * Times `robustnessValue` with its default 1000-resample bootstrap for 100
 * models of 20 instance test losses each, the size of a large selection step.
 * Run: npx tsx bench/robustness-value.ts
 */
import { STATISTICS } from '../lib/config';
import { createRng } from '../lib/seeds';
import { robustnessValue } from '../lib/statistics';

const MODELS = 100;
const LOSSES_PER_MODEL = 20;

const rng = createRng(1);
const lossesByModel = Array.from({ length: MODELS }, () =>
  Array.from({ length: LOSSES_PER_MODEL }, () => 0.2 + 0.3 * rng()),
);

for (const statistic of STATISTICS) {
  const start = performance.now();
  for (const losses of lossesByModel) robustnessValue(losses, statistic);
  const milliseconds = performance.now() - start;
  console.log(`${statistic.padEnd(7)} ${MODELS} models x ${LOSSES_PER_MODEL} losses x 1000 resamples: ${milliseconds.toFixed(1)} ms`);
}
