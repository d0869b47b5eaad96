/**
 * Model space expansion: the Cartesian product of a model space, with each
 * model's canonical hash, trainable parameter count and short label.
 */
import { createHash } from 'node:crypto';

import {
  architectureSchema,
  modelSpaceSchema,
  modelSpecSchema,
  type Architecture,
  type ModelSpace,
  type ModelSpec,
} from './config';

/** Largest Cartesian product that `expandModelSpace` enumerates. It rejects bigger spaces. */
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
}

/**
 * Expands a model space into its models, in a deterministic order: every
 * architecture in the listed order, then activations, initializers,
 * optimizers, learning rates, batch sizes, L2 factors and epochs, the last
 * varying fastest. Models listed twice (same hash) are kept once. Models with
 * more parameters than `parameterBudget` are left out and counted in
 * `overBudget`.
 *
 * @throws when the space is invalid, an architecture does not fit the input
 *   shape, or the product exceeds MAX_MODEL_SPACE_SIZE.
 */
export function expandModelSpace(
  space: ModelSpace,
  input: NetworkInput,
): { models: ExpandedModel[]; overBudget: number } {
  const parsed = modelSpaceSchema.parse(space);
  const size =
    parsed.architectures.length *
    parsed.activations.length *
    parsed.initializers.length *
    parsed.optimizers.length *
    parsed.learningRates.length *
    parsed.batchSizes.length *
    parsed.l2s.length *
    parsed.epochs.length;
  if (size > MAX_MODEL_SPACE_SIZE) {
    throw new RangeError(`Invalid model space: its ${size} models exceed the limit of ${MAX_MODEL_SPACE_SIZE}; list fewer values.`);
  }

  const models: ExpandedModel[] = [];
  const seen = new Set<string>();
  let overBudget = 0;
  for (const architecture of parsed.architectures) {
    const parameterCount = countParameters(architecture, input.shape, input.classes);
    for (const spec of specsOf(parsed, architecture)) {
      const hash = modelHash(spec);
      if (seen.has(hash)) continue;
      seen.add(hash);

      if (parameterCount > parsed.parameterBudget) overBudget++;
      else models.push({ spec, hash, parameterCount, label: modelLabel(spec) });
    }
  }
  return { models, overBudget };
}

function* specsOf(space: ModelSpace, architecture: Architecture): Generator<ModelSpec> {
  for (const activation of space.activations)
    for (const initializer of space.initializers)
      for (const optimizer of space.optimizers)
        for (const learningRate of space.learningRates)
          for (const batchSize of space.batchSizes)
            for (const l2 of space.l2s)
              for (const epochs of space.epochs)
                yield { architecture, activation, initializer, optimizer, learningRate, batchSize, l2, epochs };
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
 *
 *   conv:  k * k * channelsIn * filters + filters, and H, W become floor(H / pool), floor(W / pool)
 *   dense: (unitsIn + 1) * unitsOut
 *
 * @throws when pooling shrinks a feature map to zero size.
 */
export function countParameters(architecture: Architecture, shape: readonly number[], classes: number): number {
  const parsed = architectureSchema.parse(architecture);
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`Invalid classes ${classes}: expected an integer of at least 1 output unit.`);
  }
  assertShape(shape);

  let parameters = 0;
  let units: number;
  if (parsed.conv.length > 0) {
    let [height, width, channels] = convInputShape(shape);
    for (const [index, layer] of parsed.conv.entries()) {
      parameters += layer.kernelSize * layer.kernelSize * channels * layer.filters + layer.filters;
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

  for (const width of [...parsed.dense, classes]) {
    parameters += (units + 1) * width;
    units = width;
  }
  return parameters;
}

/**
 * Returns the model's identity: the hex SHA-256 of the canonical JSON of the
 * parsed spec, so defaults are filled in and key order does not matter.
 */
export function modelHash(spec: ModelSpec): string {
  const parsed = modelSpecSchema.parse(spec);
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
 * (he, 0, 5). An architecture without layers is `linear`.
 */
export function modelLabel(spec: ModelSpec): string {
  const parsed = modelSpecSchema.parse(spec);
  const layers = [
    ...parsed.architecture.conv.map((layer) => `conv${layer.filters}k${layer.kernelSize}p${layer.pool}`),
    ...parsed.architecture.dense.map((width) => `d${width}`),
  ];

  const parts = [layers.length > 0 ? layers.join('-') : 'linear', parsed.activation];
  if (parsed.initializer !== DEFAULT_SPEC.initializer) parts.push(parsed.initializer);
  parts.push(parsed.optimizer, `lr=${parsed.learningRate}`, `bs=${parsed.batchSize}`);
  if (parsed.l2 !== DEFAULT_SPEC.l2) parts.push(`l2=${parsed.l2}`);
  if (parsed.epochs !== DEFAULT_SPEC.epochs) parts.push(`ep=${parsed.epochs}`);
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
