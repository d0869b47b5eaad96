/**
 * Model space expansion: the Cartesian product of a model space, with each
 * model's canonical hash, trainable parameter count and short label.
 */
import { createHash } from 'node:crypto';

import {
  architectureSchema,
  DEFAULT_SAMPLE_COUNT,
  LOSSES_BY_TASK,
  modelSpaceSchema,
  modelSpecSchema,
  type Activation,
  type Architecture,
  type Loss,
  type ModelSpace,
  type ModelSpec,
  type SelectionPolicy,
  type Task,
} from './config';
import { createRng, sampleDistinctIndices } from './seeds';

/** Largest grid that `expandModelSpace` enumerates. It rejects bigger grids; random sampling has no such limit on the space. */
export const MAX_MODEL_SPACE_SIZE = 100_000;

/** One model of an expanded model space. */
export interface ExpandedModel {
  spec: ModelSpec;
  /** `modelHash(spec)`: the model's identity. */
  hash: string;
  /** Trainable parameters, as TensorFlow.js `model.countParams()` counts them. */
  parameterCount: number;
  /** Short human-readable name, e.g. `conv16k3p2-d32 relu adam lr=0.001 bs=32`. */
  label: string;
}

/** Input of the network: the dataset's sample shape and the number of output units. */
export interface NetworkInput {
  /** Sample shape: [H, W, C], [H, W] or a flat [features] vector. */
  shape: readonly number[];
  /** Output units: the class count for classification, 1 per target for regression. */
  classes: number;
  /** Dataset task. When given, every listed loss must fit it. */
  task?: Task;
}

/** An expanded model space: its models and the counts over the whole space. */
export interface ExpandedSpace {
  /** The models of the experiment: the whole grid within budget, or the random sample. */
  models: ExpandedModel[];
  /** Models of the whole space left out by the parameter budget. */
  overBudget: number;
  /** Distinct models of the whole space (the Cartesian product without duplicates). */
  spaceSize: number;
  /** Models of the whole space within the parameter budget. */
  withinBudget: number;
}

/**
 * Expands a model space into its models, in a deterministic order: every
 * architecture in the listed order, then activations, initializers,
 * optimizers, learning rates, batch sizes, L2 factors, epochs and losses, the
 * last varying fastest. Values listed twice are kept once. Models with more
 * parameters than `parameterBudget` are left out and counted in `overBudget`.
 *
 * With `sampling.kind` 'random' it draws `count` distinct models uniformly
 * from the models within the budget, with the sampling seed, and returns them
 * in grid order. Without `count` it draws the smaller of DEFAULT_SAMPLE_COUNT
 * and the models within the budget. Only the drawn models are built, so the space may be far
 * larger than MAX_MODEL_SPACE_SIZE.
 *
 * @throws RangeError when the space is invalid, an architecture does not fit
 *   the input shape, a loss does not fit `input.task`, a grid exceeds
 *   MAX_MODEL_SPACE_SIZE, or a random sample requests more models than the
 *   budget leaves.
 */
export function expandModelSpace(space: ModelSpace, input: NetworkInput): ExpandedSpace {
  const plan = planModelSpace(space, input);
  const models = plan.indices.map((index) => buildModel(plan, index, true));
  return { models, overBudget: plan.overBudget, spaceSize: plan.spaceSize, withinBudget: plan.withinBudget };
}

/** A model of a summary: no hash, since only stored models need their identity. */
export type SummarizedModel = Omit<ExpandedModel, 'hash'>;

/** The counts of an expanded model space and its first models. */
export interface ModelSpaceSummary extends Omit<ExpandedSpace, 'models'> {
  /** Models of the experiment: the budgeted grid or the random sample. */
  modelCount: number;
  /** The first `limit` models of the experiment, in grid order. */
  models: SummarizedModel[];
}

/**
 * Summarizes a model space as `expandModelSpace` would expand it, but builds
 * only the first `limit` models and hashes none, so that a preview of a large
 * space stays fast. Throws what `expandModelSpace` throws.
 */
export function summarizeModelSpace(space: ModelSpace, input: NetworkInput, limit: number): ModelSpaceSummary {
  const plan = planModelSpace(space, input);
  const models = plan.indices.slice(0, limit).map((index) => buildModel(plan, index, false));
  return { modelCount: plan.indices.length, models, overBudget: plan.overBudget, spaceSize: plan.spaceSize, withinBudget: plan.withinBudget };
}

/** A parsed model space with its heads and the grid indices of the experiment's models. */
interface SpacePlan {
  space: ModelSpace;
  /** Heads within the parameter budget; the grid index runs over these heads times the tail. */
  heads: SpaceHead[];
  dimensions: unknown[][];
  tailSize: number;
  /** Ascending grid indices of the models of the experiment. */
  indices: number[];
  overBudget: number;
  spaceSize: number;
  withinBudget: number;
}

function planModelSpace(space: ModelSpace, input: NetworkInput): SpacePlan {
  const parsed = modelSpaceSchema.parse(space);
  if (input.task !== undefined) assertLossesFitTask(parsed.losses ?? [], input.task);

  const dimensions = spaceDimensions(parsed);
  const heads = headsOf(parsed, input);
  const tailSize = dimensions.reduce((product, values) => product * values.length, 1);
  const spaceSize = heads.length * tailSize;
  if (!Number.isSafeInteger(spaceSize)) {
    throw new RangeError(`Invalid model space: its size ${spaceSize} is beyond ${Number.MAX_SAFE_INTEGER}; list fewer values.`);
  }

  const withinHeads = heads.filter((head) => head.parameterCount <= parsed.parameterBudget);
  const withinBudget = withinHeads.length * tailSize;
  const overBudget = spaceSize - withinBudget;

  let indices: number[];
  if (parsed.sampling.kind === 'grid') {
    if (spaceSize > MAX_MODEL_SPACE_SIZE) {
      throw new RangeError(
        `Invalid model space: its ${spaceSize} models exceed the grid limit of ${MAX_MODEL_SPACE_SIZE}; list fewer values or use sampling { kind: 'random', count }.`,
      );
    }
    indices = Array.from({ length: withinBudget }, (_, index) => index);
  } else {
    const { seed } = parsed.sampling;
    const count = parsed.sampling.count ?? Math.min(DEFAULT_SAMPLE_COUNT, withinBudget);
    if (count > withinBudget) {
      throw new RangeError(
        `Invalid sampling.count ${count}: only ${withinBudget} of the ${spaceSize} models are within the parameter budget of ${parsed.parameterBudget}; lower the count, raise the budget or use grid sampling.`,
      );
    }
    indices = sampleDistinctIndices(withinBudget, count, createRng(seed));
    indices.sort((a, b) => a - b);
  }
  return { space: parsed, heads: withinHeads, dimensions, tailSize, indices, overBudget, spaceSize, withinBudget };
}

/** Builds the model at a grid index. The spec is complete and valid by construction, so it is hashed and labelled without parsing it again. */
function buildModel(plan: SpacePlan, index: number, withHash: true): ExpandedModel;
function buildModel(plan: SpacePlan, index: number, withHash: false): SummarizedModel;
function buildModel(plan: SpacePlan, index: number, withHash: boolean): ExpandedModel | SummarizedModel {
  const { head, tail } = decodeIndex(index, plan.tailSize, plan.dimensions);
  const spec = buildSpec(plan.space, plan.heads[head], tail);
  const model = { spec, parameterCount: plan.heads[head].parameterCount, label: labelOfParsedSpec(spec) };
  return withHash ? { ...model, hash: hashOfParsedSpec(spec) } : model;
}

/** Rejects a listed loss that does not fit the task, naming both. */
export function assertLossesFitTask(losses: readonly Loss[], task: Task): void {
  for (const [index, loss] of losses.entries()) {
    if (!LOSSES_BY_TASK[task].includes(loss.kind)) {
      throw new RangeError(
        `loss '${loss.kind}' (losses[${index}]) does not fit the ${task} task of the dataset; use ${LOSSES_BY_TASK[task].join(' or ')}.`,
      );
    }
  }
}

/** An architecture with an activation: the part of a model that fixes its parameter count. */
interface SpaceHead {
  architecture: Architecture;
  activation: Activation;
  parameterCount: number;
}

function headsOf(space: ModelSpace, input: NetworkInput): SpaceHead[] {
  const heads: SpaceHead[] = [];
  for (const architecture of distinct(space.architectures)) {
    const withoutPrelu = countParameters(architecture, input.shape, input.classes);
    for (const activation of distinct(space.activations)) {
      const parameterCount = activation === 'prelu' ? countParameters(architecture, input.shape, input.classes, activation) : withoutPrelu;
      heads.push({ architecture, activation, parameterCount });
    }
  }
  return heads;
}

/** Returns the value lists after architecture and activation, in grid order. An absent loss list becomes one undefined loss. */
function spaceDimensions(space: ModelSpace): unknown[][] {
  return [
    distinct(space.initializers),
    distinct(space.optimizers),
    distinct(space.learningRates),
    distinct(space.batchSizes),
    distinct(space.l2s),
    distinct(space.epochs),
    space.losses === undefined ? [undefined] : distinct(space.losses),
  ];
}

function buildSpec(space: ModelSpace, head: SpaceHead, tail: unknown[]): ModelSpec {
  const [initializer, optimizer, learningRate, batchSize, l2, epochs, loss] = tail as [
    ModelSpec['initializer'], ModelSpec['optimizer'], number, number, number, number, Loss | undefined,
  ];
  const spec: ModelSpec = { architecture: head.architecture, activation: head.activation, initializer, optimizer, learningRate, batchSize, l2, epochs };
  // Absent fields stay absent, so a model without them keeps the hash it had before losses and early stopping existed.
  if (loss !== undefined) spec.loss = loss;
  if (space.earlyStopping !== undefined) spec.earlyStopping = space.earlyStopping;
  return spec;
}

/** Splits a grid index into its head (architecture and activation) and one value per dimension; the last dimension varies fastest. */
function decodeIndex(index: number, tailSize: number, dimensions: unknown[][]): { head: number; tail: unknown[] } {
  const head = Math.floor(index / tailSize);
  let rest = index - head * tailSize;
  const tail = new Array<unknown>(dimensions.length);
  for (let d = dimensions.length - 1; d >= 0; d--) {
    const size = dimensions[d].length;
    tail[d] = dimensions[d][rest % size];
    rest = Math.floor(rest / size);
  }
  return { head, tail };
}

/** Keeps the first of values with the same canonical JSON. */
function distinct<T>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = canonicalJson(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Returns the [H, W, C] input of the first Conv2D layer: [H, W, C] as is,
 * [H, W] as [H, W, 1], and a flat vector of a square length d as
 * [sqrt(d), sqrt(d), 1].
 */
export function convInputShape(shape: readonly number[]): [number, number, number] {
  assertShape(shape);
  if (shape.length === 3) return [shape[0], shape[1], shape[2]];
  if (shape.length === 2) return [shape[0], shape[1], 1];

  const side = Math.round(Math.sqrt(shape[0]));
  if (side * side !== shape[0]) {
    throw new RangeError(
      `Invalid input shape [${shape[0]}] for convolution layers: a flat input needs a square length to be reshaped to [H, W, 1].`,
    );
  }
  return [side, side, 1];
}

/**
 * Counts the trainable parameters of the network that the trainer builds:
 * each conv layer is Conv2D(filters, kernelSize, stride 1, padding 'same',
 * with bias), followed by MaxPooling2D(pool, stride pool, padding 'valid')
 * when pool > 1; then Flatten, each dense layer with bias, and the output
 * Dense(classes) with bias. Without conv layers the input is flattened.
 * With the 'prelu' activation each conv and hidden dense layer also has one
 * trainable slope per filter or unit (the output layer has no activation).
 *
 *   conv:  k * k * channelsIn * filters + filters, and H, W become floor(H / pool), floor(W / pool)
 *   dense: (unitsIn + 1) * unitsOut
 *   prelu: + filters per conv layer, + unitsOut per hidden dense layer
 *
 * @throws when pooling shrinks a feature map to zero size.
 */
export function countParameters(architecture: Architecture, shape: readonly number[], classes: number, activation?: Activation): number {
  const parsed = architectureSchema.parse(architecture);
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`Invalid classes ${classes}: expected an integer of at least 1 output unit.`);
  }
  assertShape(shape);

  const slopes = activation === 'prelu';
  let parameters = 0;
  let units: number;
  if (parsed.conv.length > 0) {
    let [height, width, channels] = convInputShape(shape);
    for (const [index, layer] of parsed.conv.entries()) {
      parameters += layer.kernelSize * layer.kernelSize * channels * layer.filters + layer.filters;
      if (slopes) parameters += layer.filters;
      channels = layer.filters;
      if (layer.pool > 1) {
        if (height < layer.pool || width < layer.pool) {
          throw new RangeError(
            `Invalid architecture: conv layer ${index + 1} pools a ${height}x${width} feature map with pool ${layer.pool}; use a smaller pool or fewer conv layers.`,
          );
        }
        height = Math.floor(height / layer.pool);
        width = Math.floor(width / layer.pool);
      }
    }
    units = height * width * channels;
  } else {
    units = shape.reduce((product, size) => product * size, 1);
  }

  for (const width of parsed.dense) {
    parameters += (units + 1) * width + (slopes ? width : 0);
    units = width;
  }
  parameters += (units + 1) * classes;
  return parameters;
}

/**
 * Returns the model's identity: the hex SHA-256 of the canonical JSON of the
 * parsed spec, so defaults are filled in and key order does not matter.
 */
export function modelHash(spec: ModelSpec): string {
  return hashOfParsedSpec(modelSpecSchema.parse(spec));
}

function hashOfParsedSpec(parsed: ModelSpec): string {
  return createHash('sha256').update(canonicalJson(parsed)).digest('hex');
}

/**
 * Serializes JSON data with object keys sorted and undefined properties left
 * out. Numbers use the shortest round-trip form, and -0 becomes 0.
 *
 * @throws on non-finite numbers and on values JSON cannot represent.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Invalid number ${value}: canonical JSON needs finite numbers.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`Invalid value of type ${typeof value}: canonical JSON supports null, booleans, numbers, strings, arrays and objects.`);
}

/** Orders strings by UTF-16 code units, independent of the locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

const DEFAULT_SPEC = modelSpecSchema.parse({ architecture: {} });

/**
 * Returns a short name such as `conv16k3p2-conv32k3p2-d32 relu adam lr=0.001 bs=32`.
 * Initializer, L2 and epochs appear only when they differ from the defaults
 * (he, 0, 5), the loss and early-stopping patience only when the spec sets
 * them (`loss=huber:1`, `patience=3`). An architecture without layers is `linear`.
 */
export function modelLabel(spec: ModelSpec): string {
  return labelOfParsedSpec(modelSpecSchema.parse(spec));
}

function labelOfParsedSpec(parsed: ModelSpec): string {
  const layers = [
    ...parsed.architecture.conv.map((layer) => `conv${layer.filters}k${layer.kernelSize}p${layer.pool}`),
    ...parsed.architecture.dense.map((width) => `d${width}`),
  ];

  const parts = [layers.length > 0 ? layers.join('-') : 'linear', parsed.activation];
  if (parsed.initializer !== DEFAULT_SPEC.initializer) parts.push(parsed.initializer);
  parts.push(parsed.optimizer, `lr=${parsed.learningRate}`, `bs=${parsed.batchSize}`);
  if (parsed.l2 !== DEFAULT_SPEC.l2) parts.push(`l2=${parsed.l2}`);
  if (parsed.epochs !== DEFAULT_SPEC.epochs) parts.push(`ep=${parsed.epochs}`);
  if (parsed.loss !== undefined) parts.push(`loss=${parsed.loss.kind}${parsed.loss.kind === 'huber' ? `:${parsed.loss.delta}` : ''}`);
  if (parsed.earlyStopping !== undefined) parts.push(`patience=${parsed.earlyStopping.patience}`);
  return parts.join(' ');
}

function assertShape(shape: readonly number[]): void {
  const valid =
    Array.isArray(shape) &&
    shape.length >= 1 &&
    shape.length <= 3 &&
    shape.every((size) => Number.isInteger(size) && size >= 1);
  if (!valid) {
    throw new RangeError(`Invalid input shape ${JSON.stringify(shape)}: expected 1 to 3 positive integers ([features], [H, W] or [H, W, C]).`);
  }
}

/** Trainings that selection over a model space needs, before it starts. */
export interface TrainingEstimate {
  /** Minimum trainings: every model through the k warm-up steps and one more step, after which one model is left. */
  min: number;
  /**
   * Trainings when every instance finishes and no two robustness values tie:
   * the quantile and keepBest rules then eliminate a known number of models
   * per step. Null for the racing rule, whose eliminations depend on the CIs.
   */
  expected: number | null;
  /** Maximum trainings, those of exhaustive search: every model n_max times. */
  max: number;
}

/**
 * Estimates the trainings of the selection algorithm for `modelCount` models.
 * With one model nothing can be eliminated, so all three equal n_max.
 */
export function estimateTrainings(modelCount: number, selection: SelectionPolicy): TrainingEstimate {
  const { warmupSteps, maxInstances, rule } = selection;
  const max = modelCount * maxInstances;
  if (modelCount <= 1) return { min: max, expected: max, max };

  const min = modelCount * Math.min(warmupSteps + 1, maxInstances);
  if (rule.kind === 'racing') return { min, expected: null, max };

  let survivors = modelCount;
  let trainings = 0;
  for (let step = 1; step <= maxInstances && survivors > 0; step++) {
    trainings += survivors;
    if (survivors === 1 || step <= warmupSteps) continue;
    survivors = survivorsAfterStep(survivors, rule);
    if (survivors <= 1) break;
  }
  return { min, expected: trainings, max };
}

/**
 * Survivors of one elimination among n distinct values. A quantile threshold
 * at position q (n - 1) of the sorted values, interpolated linearly, keeps the
 * floor(q (n - 1)) + 1 values at or below it.
 */
function survivorsAfterStep(count: number, rule: Exclude<SelectionPolicy['rule'], { kind: 'racing' }>): number {
  switch (rule.kind) {
    case 'quantile':
      return Math.floor(rule.q * (count - 1)) + 1;
    case 'keepBest':
      return Math.min(rule.n, count);
    default: {
      const unreachable: never = rule;
      throw new RangeError(`Unknown threshold rule ${JSON.stringify(unreachable)}.`);
    }
  }
}
