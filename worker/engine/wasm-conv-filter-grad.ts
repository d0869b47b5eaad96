/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it
 * (@tensorflow/tfjs-backend-wasm 4.22.0).
 *
 * The filter gradient is itself a convolution:
 *   dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s + kh - padTop, ow*s + kw - padLeft, ci] * dy[b, oh, ow, co]
 * Transposing x to [ci, H, W, b] and dy to [outH, outW, b, co] turns this into a
 * forward convolution with stride 1 and dilation = the forward stride, whose
 * output [ci, kh, kw, co] is transposed back to the filter layout.
 */
import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  Slice,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { callKernel, type WasmBackendLike } from './wasm-kernel-call';

type Shape4D = [number, number, number, number];

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
};

/** Kernel config to register with `tf.registerKernel` once the wasm backend is registered. */
export const wasmConv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
