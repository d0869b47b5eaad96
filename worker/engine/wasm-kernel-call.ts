/** Helpers for kernels that the engine adds to the wasm backend by composing its existing kernels. */
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';

/** The part of the wasm backend (tfjs-backend-wasm 4.22 `BackendWasm`) that the added kernels use. */
export interface WasmBackendLike {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A Float32Array view of the tensor in the wasm heap; it is invalid once the heap grows. */
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/** Runs the wasm kernel `name` directly, without the engine's tensor bookkeeping. */
export function callKernel(
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
  backend: WasmBackendLike,
): TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (kernel === undefined) {
    throw new Error(`Kernel ${name} is not registered for the wasm backend.`);
  }
  return kernel.kernelFunc({ inputs, attrs, backend: backend as never }) as TensorInfo;
}
