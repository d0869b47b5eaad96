/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it
 * (@tensorflow/tfjs-backend-wasm 4.22.0).
 *
 * The filter gradient is itself a convolution:
 *   dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[b, oh, ow, co]
 * Transposing x to [ci, H, W, b] and dy to [outH, outW, b, co] turns this into a
 * forward convolution with stride 1 and dilation = the forward stride, whose
 * output [ci, kh, kw, co] is transposed back to the filter layout. Layers
 * with one input channel use an im2col product instead (`im2colFilterGradient`).
 */
import {
  backend_util,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Reshape,
  Slice,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { callKernel, type WasmBackendLike } from './wasm-kernel-call';

type Shape4D = [number, number, number, number];

/**
 * Convolutions with at most this many input channels get the im2col filter gradient.
 * NOTE: only 1, 16 and 32 input channels were measured; 2 to 15 may favour im2col too.
 */
const IM2COL_MAX_IN_CHANNELS = 1;

/**
 * Computes the filter gradient as one matrix product on XNNPACK. The left
 * matrix holds the input patches (im2col, filled in JavaScript on the wasm
 * heap), [filterHeight * filterWidth * inChannels, batch * outHeight * outWidth].
 * The right one is dy seen as [batch * outHeight * outWidth, outChannels].
 * The product is already in the filter layout [kh, kw, ci, co], so no transpose follows.
 */
function im2colFilterGradient(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, wasm: WasmBackendLike): TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const rows = filterHeight * filterWidth * inChannels;
  const columns = batchSize * outHeight * outWidth;

  const patches = wasm.makeOutput([1, rows, columns], 'float32');
  // Views are taken after makeOutput, because allocating may grow the wasm heap.
  const xValues = wasm.typedArrayFromHeap(x);
  const patchValues = wasm.typedArrayFromHeap(patches);
  let row = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      for (let ci = 0; ci < inChannels; ci++, row++) {
        fillPatchRow(patchValues, row * columns, xValues, info, kh, kw, ci);
      }
    }
  }

  const dyMatrix = callKernel(Reshape, { x: dy }, { shape: [1, columns, outChannels] }, wasm);
  const product = callKernel(BatchMatMul, { a: patches, b: dyMatrix }, { transposeA: false, transposeB: false }, wasm);
  wasm.disposeData(patches.dataId);
  wasm.disposeData(dyMatrix.dataId);

  const dw = callKernel(Reshape, { x: product }, { shape: [filterHeight, filterWidth, inChannels, outChannels] }, wasm);
  wasm.disposeData(product.dataId);
  return dw;
}

/** Writes the input values that filter tap (kh, kw, ci) meets at every output position, zero where it falls in the padding. */
function fillPatchRow(target: Float32Array, offset: number, x: Float32Array, info: backend_util.Conv2DInfo, kh: number, kw: number, ci: number): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const rowStride = inWidth * inChannels;
  let index = offset;
  for (let b = 0; b < batchSize; b++) {
    const imageStart = b * inHeight * rowStride + ci;
    for (let oh = 0; oh < outHeight; oh++) {
      const ih = oh * strideHeight + kh - info.padInfo.top;
      if (ih < 0 || ih >= inHeight) {
        target.fill(0, index, index + outWidth);
        index += outWidth;
        continue;
      }
      const lineStart = imageStart + ih * rowStride;
      for (let ow = 0; ow < outWidth; ow++, index++) {
        const iw = ow * strideWidth + kw - info.padInfo.left;
        target[index] = iw >= 0 && iw < inWidth ? x[lineStart + iw * inChannels] : 0;
      }
    }
  }
}

/** Filter gradient by the transposed forward convolution described at the top of this file. */
function convolutionFilterGradient(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, wasm: WasmBackendLike): TensorInfo {
  // Bottom and right padding only need to reach the last tap of the filter.
  // Any surplus rows or columns of the result are cut off below.
  const padBottom = Math.max(
    0,
    info.filterHeight + (info.outHeight - 1) * info.strideHeight - info.inHeight - info.padInfo.top,
  );
  const padRight = Math.max(
    0,
    info.filterWidth + (info.outWidth - 1) * info.strideWidth - info.inWidth - info.padInfo.left,
  );

  const xT = callKernel(Transpose, { x }, { perm: [3, 1, 2, 0] }, wasm);
  const dyT = callKernel(Transpose, { x: dy }, { perm: [1, 2, 0, 3] }, wasm);
  const full = callKernel(
    Conv2D,
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [info.padInfo.top, padBottom],
        [info.padInfo.left, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: null as never,
    },
    wasm,
  );
  wasm.disposeData(xT.dataId);
  wasm.disposeData(dyT.dataId);

  let cropped = full;
  if (full.shape[1] !== info.filterHeight || full.shape[2] !== info.filterWidth) {
    cropped = callKernel(
      Slice,
      { x: full },
      { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] },
      wasm,
    );
    wasm.disposeData(full.dataId);
  }

  const dw = callKernel(Transpose, { x: cropped }, { perm: [1, 2, 0, 3] }, wasm);
  wasm.disposeData(cropped.dataId);
  return dw;
}

/** Filter gradient strategies, exported so that the benchmark and the tests can run each one. */
export const FILTER_GRADIENT_METHODS = { im2col: im2colFilterGradient, convolution: convolutionFilterGradient } as const;
export type FilterGradientMethod = keyof typeof FILTER_GRADIENT_METHODS;

/**
 * Picks im2col for one input channel, where it measured 3 to 4 times faster
 * (bench/engine-kernel-variants.ts), and the convolution otherwise.
 */
export function chooseFilterGradientMethod(info: backend_util.Conv2DInfo): FilterGradientMethod {
  return info.inChannels <= IM2COL_MAX_IN_CHANNELS ? 'im2col' : 'convolution';
}

/**
 * Creates the kernel config. `choose` picks the strategy per convolution, by
 * default `chooseFilterGradientMethod`. The benchmark passes a fixed one.
 */
export function createWasmConv2DBackpropFilterConfig(
  choose: (info: backend_util.Conv2DInfo) => FilterGradientMethod = chooseFilterGradientMethod,
): KernelConfig {
  const conv2DBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      attrs as unknown as Conv2DBackpropFilterAttrs;
    const wasm = backend as unknown as WasmBackendLike;

    const format = backend_util.convertConv2DDataFormat(dataFormat);
    if (format !== 'channelsLast') {
      throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'.`);
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as Shape4D,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );

    return FILTER_GRADIENT_METHODS[choose(info)](x, dy, info, wasm);
  };

  return { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2DBackpropFilter };
}

/** Kernel config to register with `tf.registerKernel` once the wasm backend is registered. */
export const wasmConv2DBackpropFilterConfig: KernelConfig = createWasmConv2DBackpropFilterConfig();
