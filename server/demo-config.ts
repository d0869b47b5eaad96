import type { Architecture, ExperimentConfigInput } from '../lib/config.ts';

/** Email of the demo user created on first start. */
export const DEMO_EMAIL = 'demo@robustlab.local';
export const DEMO_USER_NAME = 'Demo user';
export const DEMO_STUDY_NAME = 'Demo: robust model selection on MNIST';
export const DEMO_STUDY_DESCRIPTION =
  'Created on first start. Six small convolutional and fully connected models on MNIST, ' +
  'each trained several times with different seeds; unstable models are eliminated step by step.';

/**
 * Architectures of the demo: convolutional and fully connected, different
 * widths, each under 30,000 trainable parameters for 28x28x1 inputs and 10
 * classes (a test checks the counts with lib/space.ts countParameters).
 */
export const DEMO_ARCHITECTURES: Architecture[] = [
  { conv: [{ filters: 8, kernelSize: 3, pool: 2 }, { filters: 16, kernelSize: 3, pool: 2 }], dense: [32] },
  { conv: [{ filters: 8, kernelSize: 3, pool: 2 }], dense: [16] },
  { conv: [{ filters: 8, kernelSize: 5, pool: 2 }, { filters: 8, kernelSize: 3, pool: 2 }], dense: [16] },
  { conv: [], dense: [32] },
  { conv: [], dense: [32, 16] },
  { conv: [], dense: [24, 24] },
];

/**
 * The demo experiment: He initialisation, Adam with learning rate 0.001,
 * batch 32, 3 epochs on 2,000-sample training subsamples; 3 warm-up steps,
 * at most 8 instances per model, and after the warm-up every model above the
 * median robustness value is eliminated. With 6 models that is about 30
 * trainings in total.
 */
export const DEMO_EXPERIMENT_CONFIG = {
  name: 'Demo: CNN vs fully connected on MNIST',
  dataset: 'mnist',
  space: {
    architectures: DEMO_ARCHITECTURES,
    activations: ['relu'],
    initializers: ['he'],
    optimizers: ['adam'],
    learningRates: [0.001],
    batchSizes: [32],
    l2s: [0],
    epochs: [3],
    parameterBudget: 30_000,
  },
  trainSize: 2000,
  validationFraction: 0.1,
  randomness: { init: true, sample: true, shuffle: true },
  selection: {
    statistic: 'median',
    rule: { kind: 'quantile', q: 0.5 },
    warmupSteps: 3,
    maxInstances: 8,
  },
  seed: 1,
} satisfies ExperimentConfigInput;
