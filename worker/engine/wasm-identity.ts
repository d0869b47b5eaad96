/**
 * A zero-copy `Identity` for the wasm backend. tfjs-core clones every tensor
 * that a gradient needs later (`saveTensorsForBackwardMode`), and the kernel
 * shipped in @tensorflow/tfjs-backend-wasm 4.22.0 copies the whole buffer for
 * each clone: 26 copies of weights and activations per training step of the
 * MNIST CNN. Tensors never change after they are written, so the clone can
 * share the buffer, as the cpu backend's Identity does. The wasm backend
 * counts references per buffer and frees it when the last one is disposed;
 * these kernels add one reference.
 *
 * The gradient of each such clone is a `Cast` of a float32 gradient to
 * float32, which the shipped kernel also copies. A cast to the tensor's own
 * dtype shares the buffer the same way.
 */
import { Cast, Identity, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm 4.22 `BackendWasm` that holds the reference counts. */
interface RefCountedBackend {
  dataIdMap: { get(dataId: object): { refCount: number } | undefined };
}

/** Returns x as a new reference to its buffer, or null when the backend does not count references for it. */
function shareBuffer(x: TensorInfo, backend: unknown): TensorInfo | null {
  const entry = (backend as RefCountedBackend).dataIdMap.get(x.dataId);
  if (x.dtype === 'string' || entry === undefined || typeof entry.refCount !== 'number') return null;
  entry.refCount++;
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Creates the kernel config around `shipped`, which still handles string tensors. */
export function createWasmIdentityConfig(shipped: KernelConfig): KernelConfig {
  const identity: KernelFunc = (args) => shareBuffer((args.inputs as { x: TensorInfo }).x, args.backend) ?? shipped.kernelFunc(args);
  return { kernelName: Identity, backendName: 'wasm', setupFunc: shipped.setupFunc, kernelFunc: identity };
}

/** Creates the `Cast` config around `shipped`, which still converts between dtypes. */
export function createWasmCastConfig(shipped: KernelConfig): KernelConfig {
  const cast: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as CastAttrs;
    return (x.dtype === dtype ? shareBuffer(x, args.backend) : null) ?? shipped.kernelFunc(args);
  };
  return { kernelName: Cast, backendName: 'wasm', setupFunc: shipped.setupFunc, kernelFunc: cast };
}
