/**
 * A faster `BatchMatMul` for the wasm backend when an operand is transposed.
 * In @tensorflow/tfjs-backend-wasm 4.22.0 only the untransposed product runs
 * on XNNPACK. With a transposed operand, as in every backward pass of a dense
 * layer, a plain loop runs instead: 4.0 ms for aᵀ·g with a of [32, 784] and g of
 * [32, 128], against 0.5 ms for transposing a first and multiplying on XNNPACK.
 * This kernel transposes such operands with the Transpose kernel first.
 */
import { BatchMatMul, Transpose, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { callKernel, type WasmBackendLike } from './wasm-kernel-call';

function transposeInnerAxes(x: TensorInfo, wasm: WasmBackendLike): TensorInfo {
  const perm = x.shape.map((_, axis) => axis);
  const rank = x.shape.length;
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return callKernel(Transpose, { x }, { perm }, wasm);
}

/** Creates the kernel config around `shipped`, the backend's own BatchMatMul, which still computes every product. */
export function createWasmBatchMatMulConfig(shipped: KernelConfig): KernelConfig {
  const batchMatMul: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!transposeA && !transposeB) return shipped.kernelFunc(args);

    const wasm = backend as unknown as WasmBackendLike;
    const left = transposeA ? transposeInnerAxes(a, wasm) : a;
    const right = transposeB ? transposeInnerAxes(b, wasm) : b;
    const product = shipped.kernelFunc({
      inputs: { a: left, b: right },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as TensorInfo;

    if (left !== a) wasm.disposeData(left.dataId);
    if (right !== b) wasm.disposeData(right.dataId);
    return product;
  };

  return { kernelName: BatchMatMul, backendName: 'wasm', setupFunc: shipped.setupFunc, kernelFunc: batchMatMul };
}
