/**
 * A faster `MaxPoolGrad` for the wasm backend. The kernel that ships with
 * @tensorflow/tfjs-backend-wasm 4.22.0 took 12.7 ms for a [32, 28, 28, 16]
 * input with a 2x2 pool, 33 times the forward pooling.
 *
 * This kernel reads and writes the wasm heap from JavaScript in one pass over
 * the pooling windows. Each window sends its output gradient to the first
 * position, in row-major order, that holds the window's maximum, as the cpu
 * backend's `maxPoolPositions` does. That matters after a ReLU, where whole
 * windows of zeros tie. A window of only NaN or -Infinity passes no gradient
 * on either backend. A composition of XNNPACK ops (upsampling and an equality
 * mask) would pass the gradient to every tied position instead.
 */
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs';
import type { WasmBackendLike } from './wasm-kernel-call';

type Shape4D = [number, number, number, number];

/** Adds dy of every window to dx at the window's first maximum of x; all arrays are NHWC. */
function scatterToFirstMax(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const maxValue = new Float64Array(channels);
  const maxIndex = new Int32Array(channels);
  dx.fill(0);

  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const rowStart = yR * strideHeight - info.padInfo.top;
      const rowEnd = Math.min(inHeight, rowStart + effectiveFilterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colStart = yC * strideWidth - info.padInfo.left;
        const colEnd = Math.min(inWidth, colStart + effectiveFilterWidth);
        maxValue.fill(Number.NEGATIVE_INFINITY);
        maxIndex.fill(-1);

        for (let xR = Math.max(0, rowStart); xR < rowEnd; xR++) {
          for (let xC = Math.max(0, colStart); xC < colEnd; xC++) {
            const base = ((b * inHeight + xR) * inWidth + xC) * channels;
            for (let d = 0; d < channels; d++) {
              // Strictly greater, so the first maximum in row-major order wins and NaN never does.
              if (x[base + d] > maxValue[d]) {
                maxValue[d] = x[base + d];
                maxIndex[d] = base + d;
              }
            }
          }
        }

        for (let d = 0; d < channels; d++, dyIndex++) {
          if (maxIndex[d] >= 0) dx[maxIndex[d]] += dy[dyIndex];
        }
      }
    }
  }
}

/**
 * `scatterToFirstMax` for the common 2x2 pool with stride 2 and no top or left
 * padding. Its windows do not overlap, so each input position gets at most
 * one gradient, and the four comparisons are written out in row-major order.
 * Windows cut off by the bottom or right edge compare their inside positions only.
 */
function scatterToFirstMax2x2(x: Float32Array, dy: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const rowStride = inWidth * channels;
  dx.fill(0);

  let dyIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const hasSecondRow = 2 * yR + 1 < inHeight;
      for (let yC = 0; yC < outWidth; yC++) {
        const hasSecondColumn = 2 * yC + 1 < inWidth;
        const topLeft = ((b * inHeight + 2 * yR) * inWidth + 2 * yC) * channels;
        for (let d = 0; d < channels; d++, dyIndex++) {
          // Strictly greater, so the first maximum in row-major order wins and NaN never does.
          let position = topLeft + d;
          let max = Number.NEGATIVE_INFINITY;
          let maxPosition = -1;
          if (x[position] > max) {
            max = x[position];
            maxPosition = position;
          }
          if (hasSecondColumn && x[position + channels] > max) {
            max = x[position + channels];
            maxPosition = position + channels;
          }
          if (hasSecondRow) {
            position += rowStride;
            if (x[position] > max) {
              max = x[position];
              maxPosition = position;
            }
            if (hasSecondColumn && x[position + channels] > max) {
              maxPosition = position + channels;
            }
          }
          if (maxPosition >= 0) dx[maxPosition] = dy[dyIndex];
        }
      }
    }
  }
}

/** Tells whether `scatterToFirstMax2x2` computes the gradient of this pooling. */
function isPlain2x2Pool(info: backend_util.Conv2DInfo): boolean {
  return (
    info.effectiveFilterHeight === 2 &&
    info.effectiveFilterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0
  );
}

/**
 * Creates the kernel config. `unrolled2x2` false keeps the general loop for
 * every pooling, which the benchmark compares against.
 */
export function createWasmMaxPoolGradConfig(unrolled2x2 = true): KernelConfig {
  const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const wasm = backend as unknown as WasmBackendLike;
    if (input.dtype !== 'float32') {
      throw new Error(`MaxPoolGrad on wasm supports dtype float32 only, got '${input.dtype}'.`);
    }

    const info = backend_util.computePool2DInfo(input.shape as Shape4D, filterSize, strides, 1, pad, dimRoundingMode);
    const dx = wasm.makeOutput(input.shape, 'float32');
    // Views are taken after makeOutput because allocating may grow the heap and detach older views.
    const scatter = unrolled2x2 && isPlain2x2Pool(info) ? scatterToFirstMax2x2 : scatterToFirstMax;
    scatter(wasm.typedArrayFromHeap(input), wasm.typedArrayFromHeap(dy), wasm.typedArrayFromHeap(dx), info);
    return dx;
  };

  return { kernelName: MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad };
}

/** Kernel config to register with `tf.registerKernel` once the wasm backend is registered. */
export const wasmMaxPoolGradConfig: KernelConfig = createWasmMaxPoolGradConfig();
