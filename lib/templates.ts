/**
 * Experiment templates: the five studies of the robustness paper
 * (Boldyrev, Shevelev and Ratnikov, arXiv 2505.17254) as parameterised plans.
 *
 * A template run starts one or more experiments from one set of params and
 * reports one finding over them. This file contains the param schemas with
 * their defaults and turns valid params into experiment configurations.
 * lib/templates-summary.ts computes the findings.
 *
 * The defaults are sized so that all five templates together train in under
 * an hour with two wasm worker processes: 46 min on a loaded 2-core machine
 * (bench/templates.ts, figures in docs/templates.md).
 */
import { z } from 'zod';

import {
  INITIALIZERS,
  STATISTICS,
  modelSpaceSchema,
  modelSpecSchema,
  type ExperimentConfigInput,
  type ModelSpace,
  type ModelSpec,
  type Statistic,
} from './config';

export const TEMPLATE_KINDS = ['sample_size', 'randomness_sources', 'initializers', 'inductive_bias', 'model_search'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The six statistics that the paper compares. */
export const PAPER_STATISTICS = ['mean', 'median', 'q3', 'q3_iqr', 'max', 'min'] as const satisfies readonly Statistic[];

/** Randomness sources of an instance, plus `all` for the three varied together. */
export const RANDOMNESS_SOURCES = ['init', 'sample', 'shuffle', 'all'] as const;
export type RandomnessSource = (typeof RANDOMNESS_SOURCES)[number];

/** The two datasets of the inductive-bias template: the original pixel order and one fixed permutation. */
export const INDUCTIVE_BIAS_DATASETS = ['mnist', 'mnist-permuted'] as const;

const seedSchema = z.number().int().min(0).max(2 ** 31 - 1).default(1);
const instancesSchema = z.number().int().min(2).max(200);
const nameSchema = z.string().trim().min(1).max(160).optional();

/** A small MLP for calorimeter energy: 225 inputs, 16 hidden units, 3,633 parameters. */
const SMALL_REGRESSION_MODEL: z.input<typeof modelSpecSchema> = {
  architecture: { conv: [], dense: [16] },
  activation: 'relu',
  initializer: 'he',
  optimizer: 'adam',
  learningRate: 0.003,
  batchSize: 64,
  epochs: 3,
};

/**
 * Builds the schema of a model param. The given fields are merged onto the
 * template's default model, nested objects field by field, so a partial
 * override such as `{ architecture: { dense: [8] } }` keeps the template's
 * other values. Arrays and other values replace the default.
 */
function modelParamSchema(defaults: z.input<typeof modelSpecSchema>) {
  return z.preprocess((value) => mergeOnto(defaults, value), modelSpecSchema).default(modelSpecSchema.parse(defaults));
}

/** Deep-merges `override` onto `base`: plain objects merge key by key, anything else in `override` replaces. */
export function mergeOnto(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;

  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeOnto(base[key], value);
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Sample size: one model trained on training samples of growing size; the
 * robustness value and the mean test loss per size, and the plateau size.
 */
export const sampleSizeParamsSchema = z.strictObject({
  name: nameSchema,
  dataset: z.string().min(1).max(100).default('calorimeter-energy-a'),
  /** Training-sample sizes in strictly ascending order, validation part included. */
  sizes: z
    .array(z.number().int().min(10).max(10_000_000))
    .min(2)
    .max(12)
    .default([1000, 2000, 4000, 8000, 16000, 32000])
    .refine((sizes) => sizes.every((size, i) => i === 0 || size > sizes[i - 1]), {
      message: 'sizes must be strictly ascending, for example [1000, 2000, 4000].',
    }),
  model: modelParamSchema(SMALL_REGRESSION_MODEL),
  /** Instances per size (n). */
  instances: instancesSchema.default(8),
  statistic: z.enum(STATISTICS).default('q3_iqr'),
  /**
   * Relative improvement of the robustness value between two consecutive
   * sizes that still counts as improving; 0.05 means 5%.
   */
  tolerance: z.number().min(0).max(1).default(0.05),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: seedSchema,
});

/**
 * Randomness sources: the same model with only the init seed varied, only
 * the training sample, only the shuffle, and all three together.
 */
export const randomnessSourcesParamsSchema = z.strictObject({
  name: nameSchema,
  dataset: z.string().min(1).max(100).default('calorimeter-energy-a'),
  model: modelParamSchema(SMALL_REGRESSION_MODEL),
  trainSize: z.number().int().min(10).max(10_000_000).default(2000),
  /** Instances per source (n). */
  instances: instancesSchema.default(12),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: seedSchema,
});

/** Initializers: one architecture and one set of hyperparameters under each listed initializer. */
export const initializersParamsSchema = z.strictObject({
  name: nameSchema,
  dataset: z.string().min(1).max(100).default('calorimeter-energy-a'),
  /** The model; its `initializer` is replaced by each entry of `initializers`. */
  model: modelParamSchema({ ...SMALL_REGRESSION_MODEL, architecture: { conv: [], dense: [32, 16] } }),
  initializers: z
    .array(z.enum(INITIALIZERS))
    .min(2)
    .default([...INITIALIZERS])
    .refine((list) => new Set(list).size === list.length, { message: 'initializers must not repeat an entry.' }),
  trainSize: z.number().int().min(10).max(10_000_000).default(2000),
  instances: instancesSchema.default(8),
  statistic: z.enum(STATISTICS).default('median'),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: seedSchema,
});

/**
 * Inductive bias: a CNN and a fully connected model of similar parameter
 * count, each trained on MNIST and on MNIST with permuted pixels.
 */
export const inductiveBiasParamsSchema = z.preprocess(
  shareHyperparametersWithMissingModel,
  z.strictObject({
  name: nameSchema,
  /** Convolutional model: 9,098 parameters on 28x28 digits by default. */
  cnn: modelParamSchema({
    architecture: { conv: [{ filters: 8, kernelSize: 3, pool: 2 }, { filters: 16, kernelSize: 3, pool: 2 }], dense: [] },
    learningRate: 0.003,
    batchSize: 32,
    epochs: 4,
  }),
  /** Fully connected model: 7,960 parameters on 28x28 digits by default. */
  fc: modelParamSchema({ architecture: { conv: [], dense: [10] }, learningRate: 0.003, batchSize: 32, epochs: 4 }),
  /** Largest allowed ratio of the larger parameter count to the smaller one. */
  maxParameterRatio: z.number().min(1).max(10).default(1.5),
  trainSize: z.number().int().min(10).max(10_000_000).default(2000),
  instances: instancesSchema.default(8),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: seedSchema,
})
  .refine((params) => params.cnn.architecture.conv.length > 0, {
    message: 'cnn needs at least one convolution layer in architecture.conv.',
    path: ['cnn', 'architecture', 'conv'],
  })
  .refine((params) => params.fc.architecture.conv.length === 0, {
    message: 'fc must be fully connected: leave architecture.conv empty.',
    path: ['fc', 'architecture', 'conv'],
  })
  .refine((params) => sharedHyperparameterMismatch(params.cnn, params.fc) === null, {
    error: (issue) => {
      const { cnn, fc } = issue.input as { cnn: ModelSpec; fc: ModelSpec };
      const key = sharedHyperparameterMismatch(cnn, fc) as keyof ModelSpec;
      return `cnn and fc must share every training hyperparameter (activation, initializer, optimizer, learningRate, batchSize, l2, epochs, loss, earlyStopping), but ${key} is ${JSON.stringify(cnn[key]) ?? 'unset'} in cnn and ${JSON.stringify(fc[key]) ?? 'unset'} in fc; change only the architecture.`;
    },
    path: ['fc'],
  }),
);

const ARCHITECTURE_KEY = 'architecture';

/**
 * Gives the model of cnn and fc that the params leave out the training
 * hyperparameters of the one they give, so that overriding only cnn (or only
 * fc) keeps the two comparable. The missing one keeps its default architecture.
 */
function shareHyperparametersWithMissingModel(value: unknown): unknown {
  if (!isPlainObject(value)) return value;

  const hyperparametersOf = (model: Record<string, unknown>) => Object.fromEntries(Object.entries(model).filter(([key]) => key !== ARCHITECTURE_KEY));
  if (isPlainObject(value.cnn) && value.fc === undefined) return { ...value, fc: hyperparametersOf(value.cnn) };
  if (isPlainObject(value.fc) && value.cnn === undefined) return { ...value, cnn: hyperparametersOf(value.fc) };
  return value;
}



/** Returns the first training hyperparameter in which two model specs differ, or null when they share all. */
export function sharedHyperparameterMismatch(first: ModelSpec, second: ModelSpec): string | null {
  const keys = ['activation', 'initializer', 'optimizer', 'learningRate', 'batchSize', 'l2', 'epochs', 'loss', 'earlyStopping'] as const;
  return keys.find((key) => JSON.stringify(first[key]) !== JSON.stringify(second[key])) ?? null;
}

/** The default search space: 5 architectures x 3 activations x 2 optimizers x 4 learning rates x 2 batch sizes = 240 models. */
const DEFAULT_SEARCH_SPACE: z.input<typeof modelSpaceSchema> = {
  architectures: [
    { conv: [], dense: [8] },
    { conv: [], dense: [16] },
    { conv: [], dense: [32] },
    { conv: [], dense: [16, 8] },
    { conv: [], dense: [32, 16] },
  ],
  activations: ['relu', 'tanh', 'elu'],
  initializers: ['he'],
  optimizers: ['adam', 'rmsprop'],
  learningRates: [0.0003, 0.001, 0.003, 0.01],
  batchSizes: [32, 128],
  l2s: [0],
  epochs: [2],
};

/**
 * Robust model search: one exhaustive reference experiment (every model
 * trained `maxInstances` times, nothing eliminated), then a replay of the
 * selection algorithm over the stored instances for each statistic and for
 * the confidence racing rule.
 */
export const modelSearchParamsSchema = z.strictObject({
  name: nameSchema,
  dataset: z.string().min(1).max(100).default('calorimeter-energy-a'),
  space: modelSpaceSchema.default(modelSpaceSchema.parse(DEFAULT_SEARCH_SPACE)),
  trainSize: z.number().int().min(10).max(10_000_000).default(1000),
  /**
   * Instance cap per model (n_max); the reference experiment trains every model this often.
   * With the median rule the replay trains about (warmupSteps + 2) x models, so
   * 20 with 2 warm-up steps saves about 5x against exhaustive search.
   */
  maxInstances: z.number().int().min(2).max(200).default(20),
  /** Warm-up steps (k) of the replayed selection. */
  warmupSteps: z.number().int().min(1).max(100).default(2),
  /** Quantile of the replayed threshold rule: models above this quantile of the survivors' values leave. */
  quantile: z.number().gt(0).lt(1).default(0.5),
  /** Statistics to replay the quantile rule with. */
  statistics: z
    .array(z.enum(STATISTICS))
    .min(1)
    .default([...PAPER_STATISTICS])
    .refine((list) => new Set(list).size === list.length, { message: 'statistics must not repeat an entry.' }),
  /** Replay of the confidence racing rule; null leaves it out. */
  racing: z
    .strictObject({ statistic: z.enum(STATISTICS).default('mean'), confidence: z.number().gt(0).lt(1).default(0.95) })
    .nullable()
    .default({ statistic: 'mean', confidence: 0.95 }),
  validationFraction: z.number().min(0).max(0.5).default(0.1),
  seed: seedSchema,
}).refine((params) => params.warmupSteps < params.maxInstances, {
  message: 'warmupSteps must be below maxInstances, or the replayed selection never eliminates a model.',
  path: ['warmupSteps'],
});

export const TEMPLATE_PARAM_SCHEMAS = {
  sample_size: sampleSizeParamsSchema,
  randomness_sources: randomnessSourcesParamsSchema,
  initializers: initializersParamsSchema,
  inductive_bias: inductiveBiasParamsSchema,
  model_search: modelSearchParamsSchema,
} as const;

export type SampleSizeParams = z.infer<typeof sampleSizeParamsSchema>;
export type RandomnessSourcesParams = z.infer<typeof randomnessSourcesParamsSchema>;
export type InitializersParams = z.infer<typeof initializersParamsSchema>;
export type InductiveBiasParams = z.infer<typeof inductiveBiasParamsSchema>;
export type ModelSearchParams = z.infer<typeof modelSearchParamsSchema>;

/** Params of each template kind, after defaults. */
export interface TemplateParamsByKind {
  sample_size: SampleSizeParams;
  randomness_sources: RandomnessSourcesParams;
  initializers: InitializersParams;
  inductive_bias: InductiveBiasParams;
  model_search: ModelSearchParams;
}

/** Valid params tagged with their template kind. */
export type TemplateParams = { [K in TemplateKind]: { kind: K; params: TemplateParamsByKind[K] } }[TemplateKind];

/** Title and one-line description of each template, shown in the dashboard and the API. */
export const TEMPLATE_DEFINITIONS: Readonly<Record<TemplateKind, { title: string; description: string }>> = {
  sample_size: {
    title: 'Sample size',
    description:
      'Trains one model on training samples of growing size and reports the robustness value and mean test loss per size, ' +
      'and the smallest size from which the robustness value stops improving by more than the tolerance.',
  },
  randomness_sources: {
    title: 'Randomness sources',
    description:
      'Trains one model with only the init seed varied, only the training sample, only the shuffle, and all three together, ' +
      'and reports the spread of each and the share of the variance each source explains.',
  },
  initializers: {
    title: 'Initializers',
    description: 'Trains one architecture under each weight initializer and compares their robustness values.',
  },
  inductive_bias: {
    title: 'Inductive bias',
    description:
      'Trains a CNN and a fully connected model of similar parameter count on MNIST and on MNIST with permuted pixels, ' +
      'and reports the test accuracy of each of the four cells with CIs.',
  },
  model_search: {
    title: 'Robust model search',
    description:
      'Trains every model of a search space n_max times, then replays the selection algorithm over the stored instances ' +
      'under each statistic and the confidence racing rule: selected model, its exhaustive rank, trainings used and saving factor.',
  },
};

/** One experiment that a template run starts. */
export interface PlannedExperiment {
  /** Role of the experiment in the run, unique within it: `n=4000`, `init`, `mnist`, `reference`. */
  key: string;
  config: ExperimentConfigInput;
}

/** Returns the default params of a template, as stored after validation. */
export function defaultTemplateParams<K extends TemplateKind>(kind: K): TemplateParamsByKind[K] {
  return TEMPLATE_PARAM_SCHEMAS[kind].parse({}) as TemplateParamsByKind[K];
}

/** Returns the name of a template run: the `name` param, or the template's title. */
export function templateRunName(params: TemplateParams): string {
  return params.params.name ?? TEMPLATE_DEFINITIONS[params.kind].title;
}

/** Returns the model space that contains exactly one model. */
export function singleModelSpace(spec: ModelSpec): ModelSpace {
  return modelSpaceSchema.parse({
    architectures: [spec.architecture],
    activations: [spec.activation],
    initializers: [spec.initializer],
    optimizers: [spec.optimizer],
    learningRates: [spec.learningRate],
    batchSizes: [spec.batchSize],
    l2s: [spec.l2],
    epochs: [spec.epochs],
    ...(spec.loss === undefined ? {} : { losses: [spec.loss] }),
    ...(spec.earlyStopping === undefined ? {} : { earlyStopping: spec.earlyStopping }),
  });
}

/**
 * Builds a selection policy that trains every model `instances` times and
 * never eliminates, because every step is a warm-up step.
 */
function exhaustivePolicy(statistic: Statistic, instances: number) {
  return { statistic, rule: { kind: 'quantile' as const, q: 0.5 }, warmupSteps: instances, maxInstances: instances };
}

/** Builds the experiment configurations of a template run from valid params. */
export function planTemplate(template: TemplateParams): PlannedExperiment[] {
  const name = templateRunName(template);
  switch (template.kind) {
    case 'sample_size': {
      const { params } = template;
      return params.sizes.map((size) => ({
        key: `n=${size}`,
        config: {
          name: `${name} · n=${size}`,
          dataset: params.dataset,
          space: singleModelSpace(params.model),
          trainSize: size,
          validationFraction: params.validationFraction,
          randomness: { init: true, sample: true, shuffle: true },
          selection: exhaustivePolicy(params.statistic, params.instances),
          seed: params.seed,
        },
      }));
    }
    case 'randomness_sources': {
      const { params } = template;
      return RANDOMNESS_SOURCES.map((source) => ({
        key: source,
        config: {
          name: `${name} · ${source === 'all' ? 'all sources' : `${source} only`}`,
          dataset: params.dataset,
          space: singleModelSpace(params.model),
          trainSize: params.trainSize,
          validationFraction: params.validationFraction,
          randomness: { init: source === 'all' || source === 'init', sample: source === 'all' || source === 'sample', shuffle: source === 'all' || source === 'shuffle' },
          selection: exhaustivePolicy('std', params.instances),
          // The same seed in all four experiments: a source that is not varied keeps the seed it has in the others.
          seed: params.seed,
        },
      }));
    }
    case 'initializers': {
      const { params } = template;
      return [
        {
          key: 'initializers',
          config: {
            name,
            dataset: params.dataset,
            space: { ...singleModelSpace(params.model), initializers: params.initializers },
            trainSize: params.trainSize,
            validationFraction: params.validationFraction,
            randomness: { init: true, sample: true, shuffle: true },
            selection: exhaustivePolicy(params.statistic, params.instances),
            seed: params.seed,
          },
        },
      ];
    }
    case 'inductive_bias': {
      const { params } = template;
      return INDUCTIVE_BIAS_DATASETS.map((dataset) => {
        const cnn = singleModelSpace(params.cnn);
        const fc = singleModelSpace(params.fc);
        return {
          key: dataset,
          config: {
            name: `${name} · ${dataset}`,
            dataset,
            space: mergeSpaces(cnn, fc),
            trainSize: params.trainSize,
            validationFraction: params.validationFraction,
            randomness: { init: true, sample: true, shuffle: true },
            selection: exhaustivePolicy('mean', params.instances),
            seed: params.seed,
          },
        };
      });
    }
    case 'model_search': {
      const { params } = template;
      return [
        {
          key: 'reference',
          config: {
            name: `${name} · exhaustive reference`,
            dataset: params.dataset,
            space: params.space,
            trainSize: params.trainSize,
            validationFraction: params.validationFraction,
            randomness: { init: true, sample: true, shuffle: true },
            selection: exhaustivePolicy(params.statistics[0], params.maxInstances),
            seed: params.seed,
          },
        },
      ];
    }
    default: {
      const unknown: never = template;
      throw new RangeError(`Invalid template kind ${JSON.stringify((unknown as { kind: unknown }).kind)}.`);
    }
  }
}

/**
 * Combines two single-model spaces into one grid of exactly two models. The
 * grid of the two spaces' union would also pair each architecture with the
 * other's hyperparameters, so both models must share every hyperparameter,
 * which `inductiveBiasParamsSchema` checks.
 */
function mergeSpaces(first: ModelSpace, second: ModelSpace): ModelSpace {
  return { ...first, architectures: [first.architectures[0], second.architectures[0]] };
}
