/**
 * Networks of the training-engine benchmark, described so that bench/engine.ts
 * (TensorFlow.js) and bench/engine_torch.py (PyTorch) build the same layers.
 * Every hidden layer uses ReLU. Classifiers end in softmax and train on the
 * engine's cross-entropy (PyTorch takes logits instead, its faster form), and
 * regression networks end in a linear unit and train on mean squared error.
 */
import * as tf from '@tensorflow/tfjs';
import { DEMO_ARCHITECTURES } from '../server/demo-config';
import { meanCrossEntropy } from '../worker/engine/batches';

export interface ConvSpec {
  filters: number;
  kernel: number;
  /** Max-pooling window and stride after the convolution; 1 means none. */
  pool: number;
  padding: 'same' | 'valid';
  bias: boolean;
}

export interface NetworkSpec {
  /** [H, W, C] for convolutional networks, [features] otherwise. */
  input: number[];
  conv: ConvSpec[];
  dense: number[];
  outputs: number;
  loss: 'mse' | 'crossentropy';
}

export interface BenchModel {
  name: string;
  spec: NetworkSpec;
}

const MNIST_INPUT = [28, 28, 1];

/** The three networks of the throughput goal, then the demo experiment's architectures. */
export const BENCH_MODELS: BenchModel[] = [
  {
    name: 'calo-cnn',
    spec: {
      input: [15, 15, 1],
      conv: [
        { filters: 32, kernel: 3, pool: 2, padding: 'same', bias: false },
        { filters: 64, kernel: 3, pool: 2, padding: 'same', bias: false },
      ],
      dense: [9],
      outputs: 1,
      loss: 'mse',
    },
  },
  {
    name: 'mnist-cnn',
    spec: {
      input: MNIST_INPUT,
      conv: [
        { filters: 16, kernel: 3, pool: 2, padding: 'valid', bias: true },
        { filters: 32, kernel: 3, pool: 2, padding: 'valid', bias: true },
      ],
      dense: [32],
      outputs: 10,
      loss: 'crossentropy',
    },
  },
  { name: 'mnist-mlp', spec: { input: [784], conv: [], dense: [128, 64], outputs: 10, loss: 'crossentropy' } },
  ...DEMO_ARCHITECTURES.map((architecture, index) => ({
    name: `demo-${index + 1}`,
    spec: {
      // The engine's layout (worker/engine/model.ts): 'same' convolutions with bias.
      input: architecture.conv.length > 0 ? MNIST_INPUT : [784],
      conv: architecture.conv.map((conv) => ({ filters: conv.filters, kernel: conv.kernelSize, pool: conv.pool, padding: 'same' as const, bias: true })),
      dense: architecture.dense,
      outputs: 10,
      loss: 'crossentropy' as const,
    },
  })),
];

/** Builds `spec` as a tf.LayersModel with He normal weights drawn from `seed` and zero biases. */
export function buildNetwork(spec: NetworkSpec, seed: number): tf.LayersModel {
  let layerSeed = seed;
  const initializer = () => tf.initializers.heNormal({ seed: layerSeed++ });
  const inputs = tf.input({ shape: spec.input });
  let outputs = inputs;

  for (const conv of spec.conv) {
    const layer = tf.layers.conv2d({
      filters: conv.filters,
      kernelSize: conv.kernel,
      padding: conv.padding,
      useBias: conv.bias,
      activation: 'relu',
      kernelInitializer: initializer(),
    });
    outputs = layer.apply(outputs) as tf.SymbolicTensor;
    if (conv.pool > 1) {
      outputs = tf.layers.maxPooling2d({ poolSize: conv.pool, strides: conv.pool }).apply(outputs) as tf.SymbolicTensor;
    }
  }
  if (spec.conv.length > 0) outputs = tf.layers.flatten().apply(outputs) as tf.SymbolicTensor;

  for (const units of spec.dense) {
    outputs = tf.layers.dense({ units, activation: 'relu', kernelInitializer: initializer() }).apply(outputs) as tf.SymbolicTensor;
  }
  // Softmax in the network and the cross-entropy of its probabilities, as the engine trains classifiers.
  const activation = spec.loss === 'crossentropy' ? 'softmax' : 'linear';
  outputs = tf.layers.dense({ units: spec.outputs, activation, kernelInitializer: initializer() }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs });
}

/** The loss of `spec` for a batch of network outputs; `ys` holds one-hot labels or targets. */
export function networkLoss(spec: NetworkSpec, ys: tf.Tensor, outputs: tf.Tensor): tf.Scalar {
  return spec.loss === 'mse' ? tf.losses.meanSquaredError(ys, outputs) : meanCrossEntropy(ys as tf.Tensor2D, outputs as tf.Tensor2D);
}

/** Finds a benchmark model by name, or throws listing the known names. */
export function findBenchModel(name: string): BenchModel {
  const model = BENCH_MODELS.find((candidate) => candidate.name === name);
  if (model === undefined) {
    throw new Error(`Unknown benchmark model '${name}': expected one of ${BENCH_MODELS.map((m) => m.name).join(', ')}.`);
  }
  return model;
}
