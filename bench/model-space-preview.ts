/**
 * Times model space expansion for the model-space preview: random sampling of
 * 100,000 models from a 614,400-model space on MNIST's input shape, both the
 * full expansion that createExperiment stores and the preview's summary (the
 * counts plus the first 200 models). Prints the median of 5 runs after one
 * warm-up run, and the machine.
 *
 * Run: npx tsx bench/model-space-preview.ts
 */
import os from 'node:os';

import type { ModelSpace } from '../lib/config.ts';
import { expandModelSpace, summarizeModelSpace } from '../lib/space.ts';

const INPUT = { shape: [28, 28, 1], classes: 10, task: 'classification' as const };
const RUNS = 5;

/** 16 architectures x 5 activations x 4 initializers x 4 optimizers x 5 learning rates x 4 batch sizes x 3 L2 factors x 8 epoch counts. */
const SPACE = {
  architectures: [4, 8, 12, 16].flatMap((width) => [
    { dense: [width] },
    { dense: [width, width] },
    { conv: [{ filters: 4, kernelSize: 3 }], dense: [width] },
    { conv: [{ filters: 4, kernelSize: 3 }, { filters: 8, kernelSize: 3 }], dense: [width] },
  ]),
  activations: ['relu', 'prelu', 'elu', 'tanh', 'sigmoid'],
  initializers: ['he', 'glorot', 'lecun', 'normal'],
  optimizers: ['adam', 'sgd', 'rmsprop', 'adagrad'],
  learningRates: [0.0003, 0.001, 0.003, 0.01, 0.03],
  batchSizes: [16, 32, 64, 128],
  l2s: [0, 0.0001, 0.001],
  epochs: [1, 2, 3, 4, 5, 6, 8, 10],
  parameterBudget: 1_000_000,
  sampling: { kind: 'random', count: 100_000, seed: 7 },
} as unknown as ModelSpace;

function medianMs(run: () => void): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const full = expandModelSpace(SPACE, INPUT);
console.log(`space: ${full.spaceSize} models, ${full.withinBudget} within budget, ${full.models.length} sampled`);
console.log(`expandModelSpace (all 100,000 models with hash and label): ${medianMs(() => expandModelSpace(SPACE, INPUT)).toFixed(0)} ms`);
console.log(`summarizeModelSpace (counts and first 200 models): ${medianMs(() => summarizeModelSpace(SPACE, INPUT, 200)).toFixed(0)} ms`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
