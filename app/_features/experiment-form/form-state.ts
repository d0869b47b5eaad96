/**
 * State of the new-experiment form and its conversion to an experiment
 * configuration. The client checks only that lists and numbers parse. Ranges
 * and cross-field rules are left to the server's zod schema, so that there is
 * one source of them, and its BAD_USER_INPUT messages appear next to the form.
 */

export const ACTIVATIONS = ['relu', 'prelu', 'elu', 'tanh', 'sigmoid'] as const;
/** Losses the form offers for each dataset task; none chosen means the task's default (MSE or cross-entropy). */
export const LOSSES_BY_TASK: Record<string, readonly string[]> = {
  regression: ['mse', 'mae', 'huber'],
  classification: ['cross_entropy'],
};
export const INITIALIZERS = ['he', 'glorot', 'lecun', 'normal'] as const;
export const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'adagrad'] as const;

export type ArchitectureRow = {
  /** Stable React key of the row. */
  key: number;
  /** Convolution layers as `filters:kernel[:pool]`, comma-separated; empty for none. */
  conv: string;
  /** Hidden dense layer widths, comma-separated; empty for none. */
  dense: string;
};

export type FormState = {
  name: string;
  dataset: string;
  architectures: ArchitectureRow[];
  activations: string[];
  initializers: string[];
  optimizers: string[];
  learningRates: string;
  batchSizes: string;
  epochs: string;
  l2s: string;
  /** The chosen loss as a list of at most one; empty for the dataset task's default. */
  losses: string[];
  huberDelta: string;
  earlyStopping: boolean;
  patience: string;
  minDelta: string;
  restoreBestWeights: boolean;
  parameterBudget: string;
  samplingKind: 'grid' | 'random';
  sampleCount: string;
  sampleSeed: string;
  trainSize: string;
  validationFraction: string;
  randomness: { init: boolean; sample: boolean; shuffle: boolean };
  statistic: string;
  ruleKind: 'quantile' | 'keepBest' | 'racing';
  quantile: string;
  keepBest: string;
  /** Confidence level of the racing rule's CIs, from 0 to 1. */
  racingConfidence: string;
  warmupSteps: string;
  maxInstances: string;
  seed: string;
};

/** Client-side errors by field name; architecture errors use `architecture-<key>`. */
export type FormErrors = Record<string, string>;

/** Returns the form's initial state: a small dense and a small convolutional model. */
export function initialFormState(): FormState {
  return {
    name: '',
    dataset: 'mnist',
    architectures: [
      { key: 1, conv: '', dense: '32' },
      { key: 2, conv: '4:3', dense: '16' },
    ],
    activations: ['relu'],
    initializers: ['he'],
    optimizers: ['adam'],
    learningRates: '0.001',
    batchSizes: '32',
    epochs: '3',
    l2s: '0',
    losses: [],
    huberDelta: '1',
    earlyStopping: false,
    patience: '3',
    minDelta: '0',
    restoreBestWeights: false,
    parameterBudget: '30000',
    samplingKind: 'grid',
    sampleCount: '',
    sampleSeed: '1',
    trainSize: '2000',
    validationFraction: '0.1',
    randomness: { init: true, sample: true, shuffle: true },
    statistic: 'median',
    ruleKind: 'quantile',
    quantile: '0.5',
    keepBest: '2',
    racingConfidence: '0.95',
    warmupSteps: '3',
    maxInstances: '8',
    seed: '1',
  };
}

/** Parses a comma-separated list of numbers; returns an error message naming the bad item. */
export function parseNumberList(text: string, { integer = false, allowEmpty = false } = {}): number[] | string {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (items.length === 0) return allowEmpty ? [] : 'Enter at least one value, separated by commas.';

  const values: number[] = [];
  for (const item of items) {
    const value = Number(item);
    if (!Number.isFinite(value)) return `"${item}" is not a number.`;
    if (integer && !Number.isInteger(value)) return `"${item}" is not a whole number.`;
    values.push(value);
  }
  return values;
}

/** Parses convolution layers written as `filters:kernel[:pool]`, for example `8:3, 16:3:1`. */
export function parseConvLayers(text: string): { filters: number; kernelSize: number; pool: number }[] | string {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const layers = [];
  for (const item of items) {
    const parts = item.split(':').map(Number);
    if (parts.length < 2 || parts.length > 3 || parts.some((part) => !Number.isInteger(part))) {
      return `"${item}" is not a convolution layer; write filters:kernel or filters:kernel:pool, for example 8:3.`;
    }
    layers.push({ filters: parts[0], kernelSize: parts[1], pool: parts[2] ?? 2 });
  }
  return layers;
}

function parseNumber(text: string, field: string, errors: FormErrors): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) errors[field] = `"${text}" is not a number.`;
  return value;
}

function parseList(state: FormState, field: 'learningRates' | 'batchSizes' | 'epochs' | 'l2s', errors: FormErrors) {
  const integer = field === 'batchSizes' || field === 'epochs';
  const result = parseNumberList(state[field], { integer });
  if (typeof result === 'string') {
    errors[field] = result;
    return [];
  }
  return result;
}

function parseArchitectures(state: FormState, errors: FormErrors) {
  if (state.architectures.length === 0) errors.architectures = 'Add at least one architecture.';

  return state.architectures.map((row) => {
    const conv = parseConvLayers(row.conv);
    const dense = parseNumberList(row.dense, { integer: true, allowEmpty: true });
    if (typeof conv === 'string') errors[`architecture-${row.key}`] = conv;
    else if (typeof dense === 'string') errors[`architecture-${row.key}`] = dense;
    return { conv: typeof conv === 'string' ? [] : conv, dense: typeof dense === 'string' ? [] : dense };
  });
}

/** Losses, early stopping and sampling: fields left out of the configuration while they have their defaults. */
function optionalSpaceFields(state: FormState, errors: FormErrors): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (state.losses.length > 0) {
    fields.losses = state.losses.map((loss) => (loss === 'huber' ? { kind: 'huber', delta: parseNumber(state.huberDelta, 'huberDelta', errors) } : loss));
  }
  if (state.earlyStopping) {
    fields.earlyStopping = {
      patience: parseNumber(state.patience, 'patience', errors),
      minDelta: parseNumber(state.minDelta, 'minDelta', errors),
      restoreBestWeights: state.restoreBestWeights,
    };
  }
  fields.sampling =
    state.samplingKind === 'grid'
      ? { kind: 'grid' }
      : {
          kind: 'random',
          // An empty count leaves the default to the server: the smaller of 200 and the models within the budget.
          ...(state.sampleCount.trim() === '' ? {} : { count: parseNumber(state.sampleCount, 'sampleCount', errors) }),
          seed: parseNumber(state.sampleSeed, 'sampleSeed', errors),
        };
  return fields;
}

/** Converts the form state to an experiment configuration, or returns the client-side errors. */
export function buildConfig(state: FormState): { config: Record<string, unknown>; errors: FormErrors } {
  const errors: FormErrors = {};
  const space = {
    architectures: parseArchitectures(state, errors),
    activations: state.activations,
    initializers: state.initializers,
    optimizers: state.optimizers,
    learningRates: parseList(state, 'learningRates', errors),
    batchSizes: parseList(state, 'batchSizes', errors),
    epochs: parseList(state, 'epochs', errors),
    l2s: parseList(state, 'l2s', errors),
    parameterBudget: parseNumber(state.parameterBudget, 'parameterBudget', errors),
    ...optionalSpaceFields(state, errors),
  };
  for (const field of ['activations', 'initializers', 'optimizers'] as const) {
    if (state[field].length === 0) errors[field] = 'Choose at least one.';
  }

  const rule =
    state.ruleKind === 'quantile'
      ? { kind: 'quantile', q: parseNumber(state.quantile, 'quantile', errors) }
      : state.ruleKind === 'racing'
        ? { kind: 'racing', confidence: parseNumber(state.racingConfidence, 'racingConfidence', errors) }
        : { kind: 'keepBest', n: parseNumber(state.keepBest, 'keepBest', errors) };

  const config = {
    name: state.name,
    dataset: state.dataset,
    space,
    trainSize: parseNumber(state.trainSize, 'trainSize', errors),
    validationFraction: parseNumber(state.validationFraction, 'validationFraction', errors),
    randomness: state.randomness,
    selection: {
      statistic: state.statistic,
      rule,
      warmupSteps: parseNumber(state.warmupSteps, 'warmupSteps', errors),
      maxInstances: parseNumber(state.maxInstances, 'maxInstances', errors),
    },
    seed: parseNumber(state.seed, 'seed', errors),
  };
  return { config, errors };
}
