/**
 * A faster `Sum` for the wasm backend when the reduced axes are the leading
 * ones, as in the bias gradient of every dense and NHWC convolution layer
 * (axes [0] and [0, 1, 2]). The shipped kernel (@tensorflow/tfjs-backend-wasm
 * 4.22.0) transposes the input so that those axes come last, then sums: 33 ms
 * for a [256, 26, 26, 16] gradient. Seen as a [rows, width] matrix, the sum
 * is a row of ones times that matrix, which XNNPACK multiplies in about 1 ms
 * (bench/engine-kernels.ts). Other reductions, including those over every
 * axis, and non-float32 inputs go to the shipped kernel.
 */
import { backend_util, BatchMatMul, Reshape, Sum, util, type KernelConfig, type KernelFunc, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { callKernel, type WasmBackendLike } from './wasm-kernel-call';

/** Returns how many leading axes `axis` reduces, or null when it reduces other axes too. */
export function leadingAxisCount(axis: number | number[] | null, rank: number): number | null {
  const shape = new Array<number>(rank).fill(1);
  const axes = [...new Set(util.parseAxisParam(axis ?? null as never, shape))].sort((a, b) => a - b);
  return axes.every((value, index) => value === index) ? axes.length : null;
}

/** Sums the `rows` leading rows of x, seen as [rows, width], with one XNNPACK product. */
function sumLeadingRows(x: TensorInfo, rows: number, width: number, outShape: number[], wasm: WasmBackendLike): TensorInfo {
  const ones = wasm.makeOutput([1, 1, rows], 'float32');
  wasm.typedArrayFromHeap(ones).fill(1);
  const matrix = callKernel(Reshape, { x }, { shape: [1, rows, width] }, wasm);
  const product = callKernel(BatchMatMul, { a: ones, b: matrix }, { transposeA: false, transposeB: false }, wasm);
  wasm.disposeData(ones.dataId);
  wasm.disposeData(matrix.dataId);

  const shaped = callKernel(Reshape, { x: product }, { shape: outShape }, wasm);
  wasm.disposeData(product.dataId);
  return shaped;
}

/** Creates the kernel config around `shipped`, the backend's own Sum, which still handles every other reduction. */
export function createWasmSumConfig(shipped: KernelConfig): KernelConfig {
  const sum: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const leading = rank === 0 || x.dtype !== 'float32' ? null : leadingAxisCount(axis, rank);
    // A reduction over every axis needs no transpose, so the shipped kernel is as fast. Empty inputs go there too.
    if (leading === null || leading === 0 || leading === rank || util.sizeFromShape(x.shape) === 0) {
      return shipped.kernelFunc(args);
    }

    const innerShape = x.shape.slice(leading);
    const rows = util.sizeFromShape(x.shape.slice(0, leading));
    const outShape = keepDims ? backend_util.expandShapeToKeepDim(innerShape, [...Array(leading).keys()]) : innerShape;
    return sumLeadingRows(x, rows, util.sizeFromShape(innerShape), outShape, args.backend as unknown as WasmBackendLike);
  };

  return { kernelName: Sum, backendName: 'wasm', setupFunc: shipped.setupFunc, kernelFunc: sum };
}
