/**
 * Experiment configuration and job payloads, shared by the API and the worker.
 *
 * Glossary (the same words are used in code, API, UI and docs):
 * - study: a team's shared workspace.
 * - dataset: an immutable, versioned set of samples with a task.
 * - experiment: one search over a model space on one dataset.
 * - model: one point of the model space (architecture plus training
 *   hyperparameters), identified by a canonical hash of its configuration.
 * - instance: one training of a model; instances differ only in their seeds.
 * - robustness value: a statistic of a model's instance test losses.
 * - selection step: every surviving model gets one more instance, then
 *   models may be eliminated.
 */
import { z } from 'zod';

/** Activations; 'prelu' is a leaky ReLU with one trainable slope per channel or unit. */
export const ACTIVATIONS = ['relu', 'prelu', 'elu', 'tanh', 'sigmoid'] as const;
export const INITIALIZERS = ['he', 'glorot', 'lecun', 'normal'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad'] as const;
export const STATISTICS = ['mean', 'median', 'q3', 'q3_iqr', 'max', 'min', 'std', 'iqr'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type Initializer = (typeof INITIALIZERS)[number];
export type Optimizer = (typeof OPTIMIZERS)[number];
export type Statistic = (typeof STATISTICS)[number];

/** Display name of each statistic, as charts and texts show it. */
export const STATISTIC_DISPLAY_NAMES: Readonly<Record<Statistic, string>> = {
  mean: 'Mean',
  median: 'Median',
  q3: 'Q3',
  q3_iqr: 'Q3 + IQR',
  max: 'Max',
  min: 'Min',
  std: 'Std',
  iqr: 'IQR',
};

/** Training losses: the first three for regression, cross-entropy for classification. */
export const LOSSES = ['mse', 'mae', 'huber', 'cross_entropy'] as const;
export type LossKind = (typeof LOSSES)[number];
export type Task = 'classification' | 'regression';

/** Losses that fit each dataset task. */
export const LOSSES_BY_TASK: Record<Task, readonly LossKind[]> = {
  classification: ['cross_entropy'],
  regression: ['mse', 'mae', 'huber'],
};

/**
 * Training loss of a model. Regression losses compare standardized targets
 * (z-scores with the training pool's mean and standard deviation), so the
 * Huber delta is in standard deviations of the target.
 */
export const lossSchema = z.preprocess(
  // The bare name 'mse' is short for { kind: 'mse' }.
  (value) => (typeof value === 'string' ? { kind: value } : value),
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('mse') }),
    z.strictObject({ kind: z.literal('mae') }),
    /** Quadratic within |error| <= delta, linear beyond. */
    z.strictObject({ kind: z.literal('huber'), delta: z.number().gt(0).max(100).default(1) }),
    z.strictObject({ kind: z.literal('cross_entropy') }),
  ]),
);
export type Loss = z.infer<typeof lossSchema>;

/** Returns the loss a model trains with when its spec names none: MSE for regression, cross-entropy for classification. */
export function defaultLoss(task: Task): Loss {
  return task === 'regression' ? { kind: 'mse' } : { kind: 'cross_entropy' };
}

/**
 * Early stopping: training ends after `patience` epochs in a row whose
 * validation loss is not below the best one so far by more than `minDelta`.
 * The model's `epochs` is then the maximum. Needs a validation split.
 */
export const earlyStoppingSchema = z.strictObject({
  patience: z.number().int().min(1).max(200),
  minDelta: z.number().min(0).default(0),
  /** When true, the test set is evaluated with the weights of the epoch with the lowest validation loss, also when no early stop happened. */
  restoreBestWeights: z.boolean().default(false),
});
export type EarlyStopping = z.infer<typeof earlyStoppingSchema>;

/** Default cap on trainable parameters of a model. */
export const DEFAULT_PARAMETER_BUDGET = 30_000;

export const convLayerSchema = z.strictObject({
  filters: z.number().int().min(1).max(128),
  kernelSize: z.number().int().min(1).max(7),
  /** Max-pooling window and stride after the convolution; 1 means no pooling. */
  pool: z.number().int().min(1).max(4).default(2),
});
export type ConvLayer = z.infer<typeof convLayerSchema>;

/** Architecture: up to 2 convolution layers, then up to 4 hidden dense layers. */
export const architectureSchema = z.strictObject({
  conv: z.array(convLayerSchema).max(2).default([]),
  dense: z.array(z.number().int().min(1).max(1024)).max(4).default([]),
});
export type Architecture = z.infer<typeof architectureSchema>;

/** One model: architecture plus training hyperparameters. */
export const modelSpecSchema = z.strictObject({
  architecture: architectureSchema,
  activation: z.enum(ACTIVATIONS).default('relu'),
  initializer: z.enum(INITIALIZERS).default('he'),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().gt(0).max(10).default(0.001),
  batchSize: z.number().int().min(1).max(4096).default(32),
  l2: z.number().min(0).max(1).default(0),
  epochs: z.number().int().min(1).max(200).default(5),
  /** Absent: the task's default loss (`defaultLoss`). Optional so that older specs keep their hash. */
  loss: lossSchema.optional(),
  /** Absent: train all `epochs`. */
  earlyStopping: earlyStoppingSchema.optional(),
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** Largest model count that random sampling draws, the same limit as a grid's size. */
export const MAX_SAMPLED_MODELS = 100_000;

/** Models that random sampling draws without a `count`, or all models within the budget when fewer. */
export const DEFAULT_SAMPLE_COUNT = 200;

/**
 * Sampling of models from the space: the whole grid, or `count` distinct
 * models drawn uniformly from the models within the parameter budget, the
 * same ones for the same seed. Without `count`, the smaller of
 * DEFAULT_SAMPLE_COUNT and the models within the budget.
 */
export const samplingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('grid') }),
  z.strictObject({
    kind: z.literal('random'),
    count: z.number().int().min(1).max(MAX_SAMPLED_MODELS).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  }),
]);
export type Sampling = z.infer<typeof samplingSchema>;

/**
 * Model space: the Cartesian product of every listed value. Models over the
 * parameter budget are left out and reported.
 */
export const modelSpaceSchema = z.strictObject({
  architectures: z.array(architectureSchema).min(1).max(64),
  activations: z.array(z.enum(ACTIVATIONS)).min(1).default(['relu']),
  initializers: z.array(z.enum(INITIALIZERS)).min(1).default(['he']),
  optimizers: z.array(z.enum(OPTIMIZERS)).min(1).default(['adam']),
  learningRates: z.array(z.number().gt(0).max(10)).min(1).default([0.001]),
  batchSizes: z.array(z.number().int().min(1).max(4096)).min(1).default([32]),
  l2s: z.array(z.number().min(0).max(1)).min(1).default([0]),
  epochs: z.array(z.number().int().min(1).max(200)).min(1).default([5]),
  /**
   * Absent: the dataset task's default loss for every model. A new experiment
   * takes one loss at most (newModelSpaceSchema); stored ones may have more.
   */
  losses: z.array(lossSchema).min(1).max(16).optional(),
  /** Applied to every model; absent: no early stopping. */
  earlyStopping: earlyStoppingSchema.optional(),
  parameterBudget: z.number().int().min(1).default(DEFAULT_PARAMETER_BUDGET),
  sampling: samplingSchema.default({ kind: 'grid' }),
});
export type ModelSpace = z.infer<typeof modelSpaceSchema>;

/** Which randomness differs between the instances of a model. */
export const randomnessSchema = z.strictObject({
  init: z.boolean().default(true),
  sample: z.boolean().default(true),
  shuffle: z.boolean().default(true),
});
export type Randomness = z.infer<typeof randomnessSchema>;

export const thresholdRuleSchema = z.discriminatedUnion('kind', [
  /** Eliminate models whose value is above this quantile of the survivors' values. */
  z.strictObject({ kind: z.literal('quantile'), q: z.number().gt(0).lt(1).default(0.5) }),
  /** Keep the n best models by robustness value. */
  z.strictObject({ kind: z.literal('keepBest'), n: z.number().int().min(1) }),
  /**
   * Confidence racing: eliminate a model once the lower bound of its
   * bootstrap CI is above the upper bound of the best model's CI, both at
   * this confidence level.
   */
  z.strictObject({ kind: z.literal('racing'), confidence: z.number().gt(0).lt(1).default(0.95) }),
]);
export type ThresholdRule = z.infer<typeof thresholdRuleSchema>;

export const selectionPolicySchema = z.strictObject({
  statistic: z.enum(STATISTICS).default('median'),
  rule: thresholdRuleSchema.default({ kind: 'quantile', q: 0.5 }),
  /** Steps in which every model is trained before any elimination (k). */
  warmupSteps: z.number().int().min(1).max(100).default(3),
  /** Instance cap per model (n_max). */
  maxInstances: z.number().int().min(2).max(200).default(8),
});
export type SelectionPolicy = z.infer<typeof selectionPolicySchema>;

/** Validation samples held out of a training sample, rounded as the trainer splits it. */
export function validationSampleCount(trainSize: number, validationFraction: number): number {
  return Math.round(trainSize * validationFraction);
}

export const experimentConfigSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    /** Key of the dataset, for example `mnist`. */
    dataset: z.string().min(1).max(100),
    space: modelSpaceSchema,
    /** Training-sample size drawn from the dataset's training pool for each instance. */
    trainSize: z.number().int().min(10).max(10_000_000).default(2000),
    /** Fraction of the training sample held out to report validation loss per epoch. */
    validationFraction: z.number().min(0).max(0.5).default(0.1),
    randomness: randomnessSchema.default({ init: true, sample: true, shuffle: true }),
    selection: selectionPolicySchema.default({
      statistic: 'median',
      rule: { kind: 'quantile', q: 0.5 },
      warmupSteps: 3,
      maxInstances: 8,
    }),
    /** Base seed from which every instance's seeds are derived. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .refine((c) => c.selection.warmupSteps <= c.selection.maxInstances, {
    message: 'selection.warmupSteps must not exceed selection.maxInstances',
    path: ['selection', 'warmupSteps'],
  })
  .refine((c) => c.space.earlyStopping === undefined || c.validationFraction > 0, {
    message: 'Early stopping watches the validation loss, so validationFraction must be above 0. Set it (for example 0.1) or remove space.earlyStopping.',
    path: ['space', 'earlyStopping'],
  });
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>;

/**
 * Rejects a second loss: robustness values of different losses have different
 * scales (an MSE is about the square of an MAE), so ranking them together
 * would eliminate the models of the larger-scale loss, not the less robust ones.
 */
const ONE_LOSS_RULE = {
  check: (space: ModelSpace) => (space.losses?.length ?? 0) <= 1,
  message: (space: ModelSpace) =>
    `An experiment trains every model with one loss, so that robustness values share one scale; found ${space.losses?.length} losses. Start one experiment per loss.`,
};

/**
 * Model space of a new experiment: modelSpaceSchema plus the rules that
 * stored spaces may predate (at most one loss).
 */
export const newModelSpaceSchema = modelSpaceSchema.refine(ONE_LOSS_RULE.check, {
  error: (issue) => ONE_LOSS_RULE.message(issue.input as ModelSpace),
  path: ['losses'],
});

/**
 * Configuration of a new experiment: experimentConfigSchema plus the rules
 * that stored experiments may predate (at most one loss, at least one
 * validation sample for early stopping). Stored configurations are read with
 * experimentConfigSchema, so experiments created before a rule still run.
 */
export const newExperimentConfigSchema = experimentConfigSchema
  .refine((c) => ONE_LOSS_RULE.check(c.space), {
    error: (issue) => ONE_LOSS_RULE.message((issue.input as ExperimentConfig).space),
    path: ['space', 'losses'],
  })
  .refine((c) => c.space.earlyStopping === undefined || c.validationFraction === 0 || validationSampleCount(c.trainSize, c.validationFraction) >= 1, {
    error: (issue) => {
      const c = issue.input as ExperimentConfig;
      return `Early stopping watches the validation loss, but trainSize ${c.trainSize} x validationFraction ${c.validationFraction} rounds to 0 validation samples. Raise trainSize or validationFraction so that at least 1 sample is held out, or remove space.earlyStopping.`;
    },
    path: ['space', 'earlyStopping'],
  });
export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;

/** Seeds of one instance. */
export const instanceSeedsSchema = z.object({
  init: z.number().int().min(0),
  sample: z.number().int().min(0),
  shuffle: z.number().int().min(0),
});
export type InstanceSeeds = z.infer<typeof instanceSeedsSchema>;

export const QUEUE_SCHEDULE = 'schedule-experiment';
export const QUEUE_TRAIN = 'train-instance';

/** Payload of a scheduling job: decide and enqueue the next step of an experiment. */
export const scheduleJobSchema = z.object({ experimentId: z.string().uuid() });
export type ScheduleJob = z.infer<typeof scheduleJobSchema>;

/** Payload of a training job: train one instance. */
export const trainJobSchema = z.object({
  experimentId: z.string().uuid(),
  instanceId: z.string().uuid(),
});
export type TrainJob = z.infer<typeof trainJobSchema>;
