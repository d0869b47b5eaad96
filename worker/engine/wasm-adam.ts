/**
 * Adam for the wasm backend that computes the new weights in the wasm heap
 * with one JavaScript loop per variable. tf.train.adam (tfjs-core 4.22) runs
 * about 15 kernels per variable and step, and at batch 32 their dispatch
 * costs more than the small networks' gradients themselves.
 *
 * Every operation is rounded to float32 (Math.fround) in the order of
 * tf.train.adam, so the weights match it bit for bit on IEEE float32 backends
 * (checked against the cpu and wasm backends by wasm-adam.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { nativeAdamStep, type AdamConstants } from './native-kernels';
import type { WasmBackendLike } from './wasm-kernel-call';

const f32 = Math.fround;

interface Moments {
  first: Float32Array;
  second: Float32Array;
}

/**
 * Adam whose state lives in JavaScript arrays instead of tensors.
 * NOTE: getWeights() and setWeights() do not include that state, so the
 * optimizer cannot be saved and restored; the engine never does either.
 */
export class WasmAdamOptimizer extends tf.AdamOptimizer {
  private readonly moments = new Map<string, Moments>();
  private accBeta1Value: number;
  private accBeta2Value: number;
  /** The same step in native/kernels.c, when the native kernels are active. */
  private readonly nativeStep: ReturnType<typeof nativeAdamStep>;

  /** `useNative` false keeps the JavaScript loop even where the native kernels are active (for tests). */
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, useNative = true) {
    super(learningRate, beta1, beta2);
    this.nativeStep = useNative ? nativeAdamStep() : null;
    this.accBeta1Value = f32(beta1);
    this.accBeta2Value = f32(beta2);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    if (tf.getBackend() !== 'wasm') {
      throw new Error(`WasmAdamOptimizer runs on the wasm backend only, but '${tf.getBackend()}' is active; use tf.train.adam there.`);
    }
    const backend = tf.backend() as unknown as WasmBackendLike;
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map(({ name, tensor }) => [name, tensor] as const)
      : Object.entries(variableGradients);
    const constants = this.constants();

    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      // New weights go to a new buffer: the wasm kernels cache XNNPACK operators with
      // packed weights by buffer, so changing weights in place would leave them stale.
      const variable = tf.engine().registeredVariables[name];
      const output = backend.makeOutput(variable.shape, 'float32');
      const moments = this.momentsOf(name, variable.size);
      if (this.nativeStep !== null) {
        this.nativeStep(backend, variable, gradient, output, moments.first, moments.second, constants);
      } else {
        // Views are taken after makeOutput because allocating may grow the heap and detach older views.
        const values = backend.typedArrayFromHeap(variable);
        this.update(moments, constants, values, backend.typedArrayFromHeap(gradient), backend.typedArrayFromHeap(output));
      }
      const updated = tf.engine().makeTensorFromTensorInfo(output);
      variable.assign(updated);
      updated.dispose();
    }

    this.accBeta1Value = f32(this.accBeta1Value * f32(this.beta1));
    this.accBeta2Value = f32(this.accBeta2Value * f32(this.beta2));
    this.incrementIterations();
  }

  private momentsOf(name: string, size: number): Moments {
    let moments = this.moments.get(name);
    if (moments === undefined) {
      moments = { first: new Float32Array(size), second: new Float32Array(size) };
      this.moments.set(name, moments);
    }
    return moments;
  }

  /** This step's constants, each rounded to float32 as tf.train.adam rounds them. */
  private constants(): AdamConstants {
    return {
      beta1: f32(this.beta1),
      beta2: f32(this.beta2),
      oneMinusBeta1: f32(1 - this.beta1),
      oneMinusBeta2: f32(1 - this.beta2),
      oneMinusAccBeta1: f32(1 - this.accBeta1Value),
      oneMinusAccBeta2: f32(1 - this.accBeta2Value),
      epsilon: f32(this.epsilon),
      negativeRate: f32(-this.learningRate),
    };
  }

  private update({ first, second }: Moments, constants: AdamConstants, values: Float32Array, gradient: Float32Array, updated: Float32Array): void {
    const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negativeRate } = constants;

    for (let i = 0; i < values.length; i++) {
      const g = gradient[i];
      const m = f32(f32(first[i] * beta1) + f32(g * oneMinusBeta1));
      const v = f32(f32(second[i] * beta2) + f32(f32(g * g) * oneMinusBeta2));
      first[i] = m;
      second[i] = v;
      const correctedFirst = f32(m / oneMinusAccBeta1);
      const correctedSecond = f32(v / oneMinusAccBeta2);
      const step = f32(correctedFirst / f32(f32(Math.sqrt(correctedSecond)) + epsilon));
      updated[i] = f32(step * negativeRate) + values[i];
    }
  }

  override dispose(): void {
    super.dispose();
    this.moments.clear();
  }
}
