/**
 * A faster `Conv2DBackpropInput` for the wasm backend. The kernel that ships
 * with @tensorflow/tfjs-backend-wasm 4.22.0 is a plain loop, about 15 times
 * slower than the XNNPACK forward convolution of the same size.
 *
 * The input gradient is a forward convolution:
 *   dx[b, ih, iw, ci] = sum over kh, kw, co of dy[b, oh, ow, co] * W[kh, kw, ci, co],
 *   where ih = oh*s + kh - padTop.
 * Spreading dy out by the stride (s - 1 zero rows and columns after each
 * value), padding it by k - 1 - padTop before and convolving it with stride 1
 * with the filter rotated by 180° and transposed to [kh, kw, co, ci] gives dx.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  Transpose,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { callKernel, type WasmBackendLike } from './wasm-kernel-call';

type Shape4D = [number, number, number, number];

/** dy with stride - 1 zeros after every row and column, cut to `rows` x `cols`. */
function spreadByStride(dy: TensorInfo, strideHeight: number, strideWidth: number, rows: number, cols: number, wasm: WasmBackendLike): TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape;
  let spread = dy;
  if (strideHeight > 1 || strideWidth > 1) {
    const expanded = callKernel(Reshape, { x: dy }, { shape: [batch, outHeight, 1, outWidth, 1, channels] }, wasm);
    const paddings = [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]];
    const padded = callKernel(PadV2, { x: expanded }, { paddings, constantValue: 0 }, wasm);
    wasm.disposeData(expanded.dataId);
    spread = callKernel(Reshape, { x: padded }, { shape: [batch, outHeight * strideHeight, outWidth * strideWidth, channels] }, wasm);
    wasm.disposeData(padded.dataId);
  }
  if (spread.shape[1] === rows && spread.shape[2] === cols) return spread;

  const cut = callKernel(Slice, { x: spread }, { begin: [0, 0, 0, 0], size: [batch, rows, cols, channels] }, wasm);
  if (spread !== dy) wasm.disposeData(spread.dataId);
  return cut;
}

/**
 * Creates the kernel config. `shipped` is the backend's own kernel: it still
 * handles NCHW data and explicit paddings larger than the filter, which this
 * composition does not cover.
 */
export function createWasmConv2DBackpropInputConfig(shipped: KernelConfig): KernelConfig {
  const conv2DBackpropInput: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const wasm = backend as unknown as WasmBackendLike;

    const format = backend_util.convertConv2DDataFormat(dataFormat);
    const info = backend_util.computeConv2DInfo(
      inputShape as Shape4D,
      filter.shape as Shape4D,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      format,
    );
    const padTop = info.filterHeight - 1 - info.padInfo.top;
    const padLeft = info.filterWidth - 1 - info.padInfo.left;
    if (format !== 'channelsLast' || padTop < 0 || padLeft < 0) return shipped.kernelFunc(args);

    // Rows of the spread dy that the stride-1 convolution needs for inHeight output rows.
    const rows = Math.min(info.outHeight * info.strideHeight, info.inHeight + info.filterHeight - 1 - padTop);
    const cols = Math.min(info.outWidth * info.strideWidth, info.inWidth + info.filterWidth - 1 - padLeft);
    const spread = spreadByStride(dy, info.strideHeight, info.strideWidth, rows, cols, wasm);

    const rotated = callKernel(Reverse, { x: filter }, { dims: [0, 1] }, wasm);
    const transposed = callKernel(Transpose, { x: rotated }, { perm: [0, 1, 3, 2] }, wasm);
    wasm.disposeData(rotated.dataId);

    const dx = callKernel(
      Conv2D,
      { x: spread, filter: transposed },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [padTop, info.inHeight + info.filterHeight - 1 - padTop - rows],
          [padLeft, info.inWidth + info.filterWidth - 1 - padLeft - cols],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: null as never,
      },
      wasm,
    );
    if (spread !== dy) wasm.disposeData(spread.dataId);
    wasm.disposeData(transposed.dataId);
    return dx;
  };

  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', setupFunc: shipped.setupFunc, kernelFunc: conv2DBackpropInput };
}
