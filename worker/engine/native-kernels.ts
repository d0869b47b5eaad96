/**
 * Native training kernels for the wasm backend (native/kernels.c).
 *
 * The wasm build of XNNPACK multiplies with 128-bit SIMD and no fused
 * multiply-add. Where `npm ci` compiled native/kernels.c and a CBLAS library
 * loads at run time (Debian: libopenblas0-pthread), these kernels replace the
 * wasm ones for matrix products, convolutions, max pooling and its gradient,
 * bias adds, ReLU and its gradient, and the Adam step. They read and write
 * the tensors in the wasm heap directly, so no data is copied.
 *
 * Cases they do not cover (other dtypes, NCHW, fused activations other than
 * ReLU, broadcasts other than a repeated row or one batch of 1) go to the
 * kernel that was registered before. `ROBUSTLAB_NATIVE_KERNELS=off` keeps the
 * wasm kernels.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Add,
  backend_util,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  FusedConv2D,
  _FusedMatMul,
  MaxPool,
  MaxPoolGrad,
  Relu,
  util,
  type BatchMatMulAttrs,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type FusedConv2DAttrs,
  type _FusedMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolAttrs,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-kernel-call';

type Shape4D = [number, number, number, number];

/** The functions of native/kernels.c. Each takes the wasm heap and a Float64Array of offsets and sizes. */
interface NativeAddon {
  info(): { blas: string | null; core?: string; error?: string; avx512Products?: boolean };
  disableAvx512Products(): void;
  matMul(heap: ArrayBuffer, args: Float64Array): void;
  conv2d(heap: ArrayBuffer, args: Float64Array): void;
  conv2dBackpropInput(heap: ArrayBuffer, args: Float64Array): void;
  conv2dBackpropFilter(heap: ArrayBuffer, args: Float64Array): void;
  maxPool(heap: ArrayBuffer, args: Float64Array): void;
  maxPoolGrad(heap: ArrayBuffer, args: Float64Array): void;
  adam(heap: ArrayBuffer, args: Float64Array, first: Float32Array, second: Float32Array): void;
  add(heap: ArrayBuffer, args: Float64Array): void;
  relu(heap: ArrayBuffer, args: Float64Array): void;
  reluGrad(heap: ArrayBuffer, args: Float64Array): void;
}

/** The wasm backend (tfjs-backend-wasm 4.22 `BackendWasm`) as these kernels use it. */
interface HeapBackend extends WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  getMemoryOffset(dataId: object): number;
}

/**
 * Whether the native kernels are in use in this process, and why not when they are not. `core` is the
 * kernel family that OpenBLAS uses, which native/kernels.c picks from the CPU's feature flags unless
 * OPENBLAS_CORETYPE is set. `avx512Products`: the products of matrix multiplications and convolutions with
 * more than 16 output columns run on the addon's own AVX-512 product rather than the BLAS. That happens on
 * a CPU with AVX-512 whose BLAS is not OpenBLAS running its AVX-512 kernels.
 */
export type NativeKernelStatus = { active: true; blas: string; core?: string; avx512Products: boolean } | { active: false; reason: string };

export const NATIVE_ADDON_PATH = fileURLToPath(new URL('../../native/build/robustlab_kernels.node', import.meta.url));

let loaded: { addon: NativeAddon | null; status: NativeKernelStatus } | undefined;

/**
 * Reads ROBUSTLAB_NATIVE_KERNELS: `on` (the default, also when empty) or `off`, in any case.
 * @throws Error naming the value when it is anything else
 */
export function nativeKernelsEnabled(value = process.env.ROBUSTLAB_NATIVE_KERNELS): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (normalized === '' || normalized === 'on') return true;
  if (normalized === 'off') return false;
  throw new Error(`Invalid ROBUSTLAB_NATIVE_KERNELS '${value}': expected on or off.`);
}

/**
 * Reads ROBUSTLAB_AVX512_PRODUCTS: `auto` (the default, also when empty) or `off`, in any case.
 * With `auto` the addon uses its own AVX-512 product where the BLAS does not use AVX-512 (see NativeKernelStatus).
 * @throws Error naming the value when it is anything else
 */
export function avx512ProductsAllowed(value = process.env.ROBUSTLAB_AVX512_PRODUCTS): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (normalized === '' || normalized === 'auto') return true;
  if (normalized === 'off') return false;
  throw new Error(`Invalid ROBUSTLAB_AVX512_PRODUCTS '${value}': expected auto or off.`);
}

function loadAddon(): { addon: NativeAddon | null; status: NativeKernelStatus } {
  if (loaded !== undefined) return loaded;
  // Both settings are checked even where the addon is off or not built, so that a bad value never passes.
  const allowAvx512 = avx512ProductsAllowed();
  if (!nativeKernelsEnabled()) {
    loaded = { addon: null, status: { active: false, reason: 'ROBUSTLAB_NATIVE_KERNELS is off' } };
  } else if (!existsSync(NATIVE_ADDON_PATH)) {
    loaded = { addon: null, status: { active: false, reason: 'not built (run npm run build:native)' } };
  } else {
    try {
      const addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
      if (!allowAvx512) addon.disableAvx512Products();
      const info = addon.info();
      const core = info.core === undefined ? {} : { core: info.core };
      loaded =
        info.blas === null
          ? { addon: null, status: { active: false, reason: `no CBLAS library: ${info.error ?? 'not found'}` } }
          : { addon, status: { active: true, blas: info.blas, ...core, avx512Products: info.avx512Products === true } };
    } catch (error) {
      loaded = { addon: null, status: { active: false, reason: `failed to load: ${(error as Error).message}` } };
    }
  }
  return loaded;
}

/** Reports whether the native kernels load here, without registering them. */
export function nativeKernelStatus(): NativeKernelStatus {
  return loadAddon().status;
}

function offsetOf(backend: HeapBackend, info: TensorInfo): number {
  return backend.getMemoryOffset(info.dataId);
}

function heapOf(backend: HeapBackend): ArrayBuffer {
  // Read on every call: growing the heap replaces the buffer.
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

/** Maps a fused activation to its code in native/kernels.c (0 none, 1 ReLU), or null when the native kernels lack it. */
function activationCode(activation: string | undefined | null): 0 | 1 | null {
  if (activation === undefined || activation === null || activation === 'linear') return 0;
  return activation === 'relu' ? 1 : null;
}

function createMatMulKernel(addon: NativeAddon, name: string, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(12);
  const kernelFunc: KernelFunc = (call) => {
    const { a, b, bias, preluActivationWeights } = call.inputs as Record<string, TensorInfo | undefined>;
    const attrs = call.attrs as unknown as _FusedMatMulAttrs & BatchMatMulAttrs;
    const activation = activationCode(attrs.activation);
    const rankA = a!.shape.length;
    const rankB = b!.shape.length;
    if (a!.dtype !== 'float32' || b!.dtype !== 'float32' || rankA < 2 || rankB < 2 || activation === null || preluActivationWeights) {
      return previous.kernelFunc(call);
    }
    const [m, kA] = attrs.transposeA ? [a!.shape[rankA - 1], a!.shape[rankA - 2]] : [a!.shape[rankA - 2], a!.shape[rankA - 1]];
    const [kB, n] = attrs.transposeB ? [b!.shape[rankB - 1], b!.shape[rankB - 2]] : [b!.shape[rankB - 2], b!.shape[rankB - 1]];
    const batchShapeA = a!.shape.slice(0, -2);
    const batchShapeB = b!.shape.slice(0, -2);
    const batchA = util.sizeFromShape(batchShapeA);
    const batchB = util.sizeFromShape(batchShapeB);
    const oneSided = batchA === 1 || batchB === 1 || util.arraysEqual(batchShapeA, batchShapeB);
    if (kA !== kB || !oneSided || (bias !== undefined && !isChannelBias(bias, n))) {
      return previous.kernelFunc(call);
    }

    const backend = call.backend as unknown as HeapBackend;
    const batchShape = backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
    const out = backend.makeOutput([...batchShape, m, n], 'float32');
    // An empty product has nothing to compute; its buffer may be too small for any write.
    if (util.sizeFromShape(out.shape) === 0) return out;
    args[0] = offsetOf(backend, a!);
    args[1] = offsetOf(backend, b!);
    args[2] = offsetOf(backend, out);
    args[3] = bias === undefined ? -1 : offsetOf(backend, bias);
    args[4] = activation;
    args[5] = batchA;
    args[6] = batchB;
    args[7] = m;
    args[8] = n;
    args[9] = kA;
    args[10] = attrs.transposeA ? 1 : 0;
    args[11] = attrs.transposeB ? 1 : 0;
    addon.matMul(heapOf(backend), args);
    return out;
  };
  return { kernelName: name, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

/** Checks that `bias` has one float32 value per output channel: shape [channels] with any leading axes of size 1. */
function isChannelBias(bias: TensorInfo, channels: number): boolean {
  return bias.dtype === 'float32' && bias.shape.length > 0 && isRepeatedRow([channels], bias.shape.slice(-1)) && bias.shape.slice(0, -1).every((size) => size === 1);
}

/** Writes the 15 convolution sizes that native/kernels.c reads, from `start`. */
function writeConvSizes(args: Float64Array, start: number, info: backend_util.Conv2DInfo): void {
  const sizes = [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
  args.set(sizes, start);
}

function createConv2DKernel(addon: NativeAddon, name: string, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(20);
  const kernelFunc: KernelFunc = (call) => {
    const { x, filter, bias, preluActivationWeights } = call.inputs as Record<string, TensorInfo | undefined>;
    const attrs = call.attrs as unknown as FusedConv2DAttrs & Conv2DAttrs;
    const activation = activationCode(attrs.activation);
    const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
    if (x!.dtype !== 'float32' || filter!.dtype !== 'float32' || format !== 'channelsLast' || activation === null || preluActivationWeights) {
      return previous.kernelFunc(call);
    }
    const info = backend_util.computeConv2DInfo(
      x!.shape as Shape4D,
      filter!.shape as Shape4D,
      attrs.strides,
      attrs.dilations,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      format,
    );
    if (bias !== undefined && !isChannelBias(bias, info.outChannels)) {
      return previous.kernelFunc(call);
    }

    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(info.outShape, 'float32');
    args[0] = offsetOf(backend, x!);
    args[1] = offsetOf(backend, filter!);
    args[2] = offsetOf(backend, out);
    args[3] = bias === undefined ? -1 : offsetOf(backend, bias);
    args[4] = activation;
    writeConvSizes(args, 5, info);
    addon.conv2d(heapOf(backend), args);
    return out;
  };
  return { kernelName: name, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

/** The differences between the two convolution gradients, as native/kernels.c computes them. */
interface ConvGradient {
  kernelName: string;
  /** The kernel's two input tensors, in the order native/kernels.c reads their offsets. */
  inputNames: [string, string];
  /** The forward convolution's input and filter shapes, from the kernel's inputs and attributes. */
  convShapes(inputs: Record<string, TensorInfo>, attrs: Conv2DBackpropInputAttrs & Conv2DBackpropFilterAttrs): { input: number[]; filter: number[] };
  /** The tensor whose shape the gradient has: the convolution input or the filter. */
  output: 'input' | 'filter';
  compute(addon: NativeAddon, heap: ArrayBuffer, args: Float64Array): void;
}

const INPUT_GRADIENT: ConvGradient = {
  kernelName: Conv2DBackpropInput,
  inputNames: ['dy', 'filter'],
  convShapes: (inputs, attrs) => ({ input: attrs.inputShape, filter: inputs.filter.shape }),
  output: 'input',
  compute: (addon, heap, args) => addon.conv2dBackpropInput(heap, args),
};

const FILTER_GRADIENT: ConvGradient = {
  kernelName: Conv2DBackpropFilter,
  inputNames: ['x', 'dy'],
  convShapes: (inputs, attrs) => ({ input: inputs.x.shape, filter: attrs.filterShape }),
  output: 'filter',
  compute: (addon, heap, args) => addon.conv2dBackpropFilter(heap, args),
};

function createConvGradientKernel(addon: NativeAddon, gradient: ConvGradient, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(18);
  const kernelFunc: KernelFunc = (call) => {
    const inputs = call.inputs as Record<string, TensorInfo>;
    const [first, second] = gradient.inputNames.map((name) => inputs[name]);
    const attrs = call.attrs as unknown as Conv2DBackpropInputAttrs & Conv2DBackpropFilterAttrs;
    const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
    if (first.dtype !== 'float32' || second.dtype !== 'float32' || format !== 'channelsLast') return previous.kernelFunc(call);
    const shapes = gradient.convShapes(inputs, attrs);
    const info = backend_util.computeConv2DInfo(
      shapes.input as Shape4D,
      shapes.filter as Shape4D,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      format,
    );

    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(shapes[gradient.output], 'float32');
    args[0] = offsetOf(backend, first);
    args[1] = offsetOf(backend, second);
    args[2] = offsetOf(backend, out);
    writeConvSizes(args, 3, info);
    gradient.compute(addon, heapOf(backend), args);
    return out;
  };
  return { kernelName: gradient.kernelName, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

/** Writes the 12 pooling sizes that native/kernels.c reads, from `start`. */
function writePoolSizes(args: Float64Array, start: number, info: backend_util.Conv2DInfo): void {
  const sizes = [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.effectiveFilterHeight,
    info.effectiveFilterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
  args.set(sizes, start);
}

/** `MaxPool` with the cpu backend's NaN rule (NaN never wins), which max-pool gradients here follow too. */
function createMaxPoolKernel(addon: NativeAddon, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(14);
  const kernelFunc: KernelFunc = (call) => {
    const { x } = call.inputs as { x: TensorInfo };
    const attrs = call.attrs as unknown as MaxPoolAttrs;
    if (x.dtype !== 'float32') return previous.kernelFunc(call);
    const info = backend_util.computePool2DInfo(x.shape as Shape4D, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);

    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(info.outShape, 'float32');
    // Pooling an empty input gives an empty output.
    if (util.sizeFromShape(x.shape) === 0) return out;
    args[0] = offsetOf(backend, x);
    args[1] = offsetOf(backend, out);
    writePoolSizes(args, 2, info);
    addon.maxPool(heapOf(backend), args);
    return out;
  };
  return { kernelName: MaxPool, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

function createMaxPoolGradKernel(addon: NativeAddon, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(15);
  const kernelFunc: KernelFunc = (call) => {
    const { dy, input } = call.inputs as { dy: TensorInfo; input: TensorInfo };
    const attrs = call.attrs as unknown as MaxPoolGradAttrs;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return previous.kernelFunc(call);
    const info = backend_util.computePool2DInfo(input.shape as Shape4D, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);

    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(input.shape, 'float32');
    if (util.sizeFromShape(input.shape) === 0) return out;
    args[0] = offsetOf(backend, input);
    args[1] = offsetOf(backend, dy);
    args[2] = offsetOf(backend, out);
    writePoolSizes(args, 3, info);
    addon.maxPoolGrad(heapOf(backend), args);
    return out;
  };
  return { kernelName: MaxPoolGrad, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

/** The Adam step constants, in the order native/kernels.c reads them after the three offsets and the length. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negativeRate: number;
}

const adamArgs = new Float64Array(12);

/**
 * Returns a native Adam step over tensors in the wasm heap, bit for bit the
 * JavaScript loop of wasm-adam.ts, or null when the native kernels are not active.
 */
export function nativeAdamStep(): ((backend: WasmBackendLike, values: TensorInfo, gradient: TensorInfo, updated: TensorInfo, first: Float32Array, second: Float32Array, constants: AdamConstants) => void) | null {
  const { addon } = loadAddon();
  if (addon === null) return null;
  return (wasmBackend, values, gradient, updated, first, second, c) => {
    const backend = wasmBackend as HeapBackend;
    adamArgs.set([
      offsetOf(backend, values),
      offsetOf(backend, gradient),
      offsetOf(backend, updated),
      first.length,
      c.beta1,
      c.beta2,
      c.oneMinusBeta1,
      c.oneMinusBeta2,
      c.oneMinusAccBeta1,
      c.oneMinusAccBeta2,
      c.epsilon,
      c.negativeRate,
    ]);
    addon.adam(heapOf(backend), adamArgs, first, second);
  };
}

/**
 * `Add` of same-shaped tensors, or of a tensor and a row repeated along it
 * (the bias of every dense and NHWC convolution layer: tfjs-core does not
 * fuse bias and activation while it records gradients). The shipped kernel
 * took 0.8 ms to add a bias to a [32, 26, 26, 16] tensor, 2.5 times a
 * same-shaped add. Other broadcasts go to the previous kernel.
 */
function createAddKernel(addon: NativeAddon, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(5);
  const kernelFunc: KernelFunc = (call) => {
    const { a, b } = call.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return previous.kernelFunc(call);
    // Addition commutes exactly in float32, so the row may be either operand.
    const [full, row] = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape) ? [a, b] : [b, a];
    if (!isRepeatedRow(full.shape, row.shape)) return previous.kernelFunc(call);

    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(full.shape, 'float32');
    args[0] = offsetOf(backend, full);
    args[1] = offsetOf(backend, row);
    args[2] = offsetOf(backend, out);
    args[3] = util.sizeFromShape(full.shape);
    args[4] = util.sizeFromShape(row.shape);
    addon.add(heapOf(backend), args);
    return out;
  };
  return { kernelName: Add, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

/** Tells whether `row` is `full` itself, or its last axis with any leading axes of size 1. */
export function isRepeatedRow(full: number[], row: number[]): boolean {
  if (util.arraysEqual(full, row)) return util.sizeFromShape(full) > 0;
  if (row.length === 0 || row.length > full.length || full.length === 0) return false;
  const last = row[row.length - 1];
  return last > 0 && last === full[full.length - 1] && row.slice(0, -1).every((size) => size === 1);
}

function createReluKernel(addon: NativeAddon, previous: KernelConfig): KernelConfig {
  const args = new Float64Array(3);
  const kernelFunc: KernelFunc = (call) => {
    const { x } = call.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return previous.kernelFunc(call);
    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(x.shape, 'float32');
    args[0] = offsetOf(backend, x);
    args[1] = offsetOf(backend, out);
    args[2] = util.sizeFromShape(x.shape);
    addon.relu(heapOf(backend), args);
    return out;
  };
  return { kernelName: Relu, backendName: 'wasm', setupFunc: previous.setupFunc, kernelFunc };
}

/** Kernel of the fused ReLU gradient dy * step(x), registered for wasm only. */
export const NATIVE_RELU_GRAD = 'RobustlabReluGrad';

function createReluGradKernel(addon: NativeAddon): KernelConfig {
  const args = new Float64Array(4);
  const kernelFunc: KernelFunc = (call) => {
    const { dy, x } = call.inputs as { dy: TensorInfo; x: TensorInfo };
    const backend = call.backend as unknown as HeapBackend;
    const out = backend.makeOutput(x.shape, 'float32');
    args[0] = offsetOf(backend, dy);
    args[1] = offsetOf(backend, x);
    args[2] = offsetOf(backend, out);
    args[3] = util.sizeFromShape(x.shape);
    addon.reluGrad(heapOf(backend), args);
    return out;
  };
  return { kernelName: NATIVE_RELU_GRAD, backendName: 'wasm', kernelFunc };
}

/**
 * Replaces tfjs-core's ReLU gradient, mul(dy, cast(step(x))), by one pass
 * where the active backend has the native kernel, and keeps the same
 * formula everywhere else. Gradients are registered for every backend.
 */
export function registerNativeReluGradient(): void {
  tf.registerGradient({
    kernelName: Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const dyTensor = dy as tf.Tensor;
      const native = x.dtype === 'float32' && dyTensor.dtype === 'float32' && tf.getKernel(NATIVE_RELU_GRAD, tf.getBackend()) !== undefined;
      return {
        x: () => (native ? (tf.engine().runKernel(NATIVE_RELU_GRAD, { dy: dyTensor, x }) as tf.Tensor) : tf.mul(dyTensor, tf.cast(tf.step(x), 'float32'))),
      };
    },
  });
}

/** The kernels named here are replaced when the native kernels are active. */
export const NATIVE_KERNEL_NAMES = [BatchMatMul, _FusedMatMul, Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter, MaxPool, MaxPoolGrad, Add, Relu];

/**
 * Native kernel configs that wrap `previous(name)`, the wasm kernel registered
 * before, for the cases they leave to it. Empty when the addon is not active.
 */
export function nativeKernelConfigs(previous: (name: string) => KernelConfig): KernelConfig[] {
  const { addon } = loadAddon();
  if (addon === null) return [];
  return [
    createMatMulKernel(addon, BatchMatMul, previous(BatchMatMul)),
    createMatMulKernel(addon, _FusedMatMul, previous(_FusedMatMul)),
    createConv2DKernel(addon, Conv2D, previous(Conv2D)),
    createConv2DKernel(addon, FusedConv2D, previous(FusedConv2D)),
    createConvGradientKernel(addon, INPUT_GRADIENT, previous(Conv2DBackpropInput)),
    createConvGradientKernel(addon, FILTER_GRADIENT, previous(Conv2DBackpropFilter)),
    createMaxPoolKernel(addon, previous(MaxPool)),
    createMaxPoolGradKernel(addon, previous(MaxPoolGrad)),
    createAddKernel(addon, previous(Add)),
    createReluKernel(addon, previous(Relu)),
    createReluGradKernel(addon),
  ];
}
