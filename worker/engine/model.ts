/**
 * Builds the TensorFlow.js network and optimizer of a model.
 *
 * The layout is the one that `countParameters` in lib/space.ts counts: conv
 * layers (stride 1, 'same' padding, bias, the model's activation), each
 * followed by max-pooling with window = stride = `pool` when pool > 1 ('valid'
 * padding, so a side of n becomes floor(n / pool)), then flatten, the hidden
 * dense layers and the output layer: softmax for classification, linear for
 * regression. With 'prelu' each conv and hidden dense layer is linear and
 * followed by a PReLU layer with one slope per channel or unit.
 */
import * as tf from '@tensorflow/tfjs';
import type { Initializer, ModelSpec, Optimizer, Task } from '../../lib/config';
import { createRng } from '../../lib/seeds';
import { convInputShape } from '../../lib/space';
import { WasmAdamOptimizer } from './wasm-adam';

/** Shape of one sample (without the batch axis), the number of output units and the task. */
export interface ModelInput {
  shape: number[];
  /** Classes for classification; targets for regression. */
  classes: number;
  /** Absent: classification for more than one output unit, else regression. */
  task?: Task;
}

function taskOf(input: ModelInput): Task {
  return input.task ?? (input.classes > 1 ? 'classification' : 'regression');
}

/** Initial PReLU slope, the default `init` of PyTorch `nn.PReLU`. */
const PRELU_INITIAL_SLOPE = 0.25;

type LayerInitializer = ReturnType<typeof tf.initializers.heNormal>;

function createInitializer(kind: Initializer, seed: number): LayerInitializer {
  switch (kind) {
    case 'he':
      return tf.initializers.heNormal({ seed });
    case 'glorot':
      return tf.initializers.glorotNormal({ seed });
    case 'lecun':
      return tf.initializers.leCunNormal({ seed });
    case 'normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 0.05, seed });
    default: {
      const unreachable: never = kind;
      throw new Error(`Unknown initializer '${String(unreachable)}'.`);
    }
  }
}

function layerOptions(spec: ModelSpec, rng: () => number) {
  // One seed per layer, all derived from the init seed, so every kernel is reproducible.
  const seed = Math.floor(rng() * 2 ** 31);
  return {
    kernelInitializer: createInitializer(spec.initializer, seed),
    biasInitializer: 'zeros' as const,
    kernelRegularizer: spec.l2 > 0 ? tf.regularizers.l2({ l2: spec.l2 }) : undefined,
    useBias: true,
  };
}

function validateInput(input: ModelInput): void {
  const classification = taskOf(input) === 'classification';
  const least = classification ? 2 : 1;
  if (!Number.isInteger(input.classes) || input.classes < least) {
    throw new Error(`Invalid number of ${classification ? 'classes' : 'targets'} ${input.classes}: expected an integer of at least ${least}.`);
  }
  if (input.shape.length === 0 || input.shape.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error(`Invalid input shape [${input.shape.join(', ')}]: expected positive integer sizes.`);
  }
}

/**
 * Builds the network of `spec` for `input` with weights drawn from `seed`.
 * Same spec, input and seed give the same initial weights on every backend.
 */
export function buildModel(spec: ModelSpec, input: ModelInput, seed: number): tf.LayersModel {
  validateInput(input);
  const rng = createRng(seed);
  // PReLU is a layer of its own after a linear conv or dense layer.
  const prelu = spec.activation === 'prelu';
  const activation = spec.activation === 'prelu' ? 'linear' : spec.activation;
  const hasConv = spec.architecture.conv.length > 0;

  // A functional model rather than tf.sequential: Sequential.calculateLosses()
  // returns no regularization losses in tfjs-layers 4.22, the L2 penalty would be lost.
  const inputs = tf.input({ shape: input.shape });
  let outputs = inputs;
  if (hasConv && input.shape.length !== 3) {
    // [H, W] and flat square inputs become [H, W, 1], as countParameters assumes.
    outputs = tf.layers.reshape({ targetShape: convInputShape(input.shape) }).apply(outputs) as tf.SymbolicTensor;
  }

  for (const conv of spec.architecture.conv) {
    const layer = tf.layers.conv2d({
      filters: conv.filters,
      kernelSize: conv.kernelSize,
      strides: 1,
      padding: 'same',
      activation,
      ...layerOptions(spec, rng),
    });
    outputs = layer.apply(outputs) as tf.SymbolicTensor;
    // One slope per filter, shared over height and width.
    if (prelu) outputs = preluLayer([1, 2]).apply(outputs) as tf.SymbolicTensor;
    if (conv.pool > 1) {
      const pooling = tf.layers.maxPooling2d({ poolSize: conv.pool, strides: conv.pool, padding: 'valid' });
      outputs = pooling.apply(outputs) as tf.SymbolicTensor;
    }
  }

  // A tabular input [d] is already flat, and tfjs Flatten rejects rank-2 batches.
  if (hasConv || input.shape.length > 1) outputs = tf.layers.flatten().apply(outputs) as tf.SymbolicTensor;
  for (const units of spec.architecture.dense) {
    outputs = tf.layers.dense({ units, activation, ...layerOptions(spec, rng) }).apply(outputs) as tf.SymbolicTensor;
    if (prelu) outputs = preluLayer(undefined).apply(outputs) as tf.SymbolicTensor;
  }

  const outputActivation = taskOf(input) === 'classification' ? 'softmax' : 'linear';
  const output = tf.layers.dense({ units: input.classes, activation: outputActivation, ...layerOptions(spec, rng) });
  outputs = output.apply(outputs) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs });
}

function preluLayer(sharedAxes: number[] | undefined): tf.layers.Layer {
  return tf.layers.prelu({ sharedAxes, alphaInitializer: tf.initializers.constant({ value: PRELU_INITIAL_SLOPE }) });
}

/** SGD with momentum that also frees its learning-rate scalar on `dispose`. */
class MomentumOptimizer extends tf.MomentumOptimizer {
  override dispose(): void {
    super.dispose();
    // tfjs-core 4.22 MomentumOptimizer.dispose() does not call SGDOptimizer.dispose(),
    // so the scalar `c` (the negated learning rate) would leak one tensor per instance.
    this.c.dispose();
  }
}

/**
 * Creates the optimizer of `spec` for the active backend; plain SGD uses
 * momentum 0.9. Adam on wasm is `WasmAdamOptimizer`, which gives the same
 * weights as tf.train.adam with fewer kernel calls.
 */
export function createOptimizer(spec: Pick<ModelSpec, 'optimizer' | 'learningRate'>): tf.Optimizer {
  const kind: Optimizer = spec.optimizer;
  switch (kind) {
    case 'adam':
      return tf.getBackend() === 'wasm' ? new WasmAdamOptimizer(spec.learningRate) : tf.train.adam(spec.learningRate);
    case 'sgd':
      return new MomentumOptimizer(spec.learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(spec.learningRate);
    case 'adagrad':
      return tf.train.adagrad(spec.learningRate);
    default: {
      const unreachable: never = kind;
      throw new Error(`Unknown optimizer '${String(unreachable)}': expected adam, sgd, rmsprop or adagrad.`);
    }
  }
}
