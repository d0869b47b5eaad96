/**
 * TensorFlow.js backend selection for the worker: `tensorflow` (tfjs-node, an
 * optional dependency), `wasm` (XNNPACK, ships in npm) or `cpu` (pure JS).
 *
 * The tf module is a process-wide singleton. Its one-time setup (loading
 * tfjs-node, wasm paths, the added and replaced wasm kernels) is guarded by a flag on
 * globalThis, so it runs once per process.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { nativeKernelConfigs, nativeKernelStatus, registerNativeReluGradient } from './native-kernels';
import { createWasmBatchMatMulConfig } from './wasm-batch-mat-mul';
import { wasmConv2DBackpropFilterConfig } from './wasm-conv-filter-grad';
import { createWasmConv2DBackpropInputConfig } from './wasm-conv-input-grad';
import { createWasmCastConfig, createWasmIdentityConfig } from './wasm-identity';
import { wasmMaxPoolGradConfig } from './wasm-max-pool-grad';
import { createWasmSumConfig } from './wasm-sum';

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

// Held as a variable so TypeScript does not try to resolve a package that may be absent.
const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

interface SetupState {
  tensorflowLoad?: Promise<boolean>;
  wasmSetup?: boolean;
}

// Kept on globalThis because test runners may evaluate this module more than
// once while the tf module itself stays loaded.
const setupState: SetupState = ((globalThis as Record<symbol, SetupState>)[
  Symbol.for('robustlab.engine.backendSetup')
] ??= {});

/** Loads tfjs-node once. Importing it registers the `tensorflow` backend. */
function loadTensorflow(): Promise<boolean> {
  setupState.tensorflowLoad ??= import(TFJS_NODE_PACKAGE).then(
    () => tf.findBackendFactory('tensorflow') !== null,
    () => false,
  );
  return setupState.tensorflowLoad;
}

/** The kernel registered for the wasm backend under `name` (shipped or an earlier replacement), which a replacement may call. */
function shippedKernel(name: string): tf.KernelConfig {
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) {
    throw new Error(`Kernel ${name} is not registered for the wasm backend; check the @tensorflow/tfjs-backend-wasm version.`);
  }
  return kernel;
}

function setupWasm(): void {
  if (setupState.wasmSetup) return;
  // Loads the native kernels first: an invalid ROBUSTLAB_* setting then throws on every call,
  // before any kernel is replaced, instead of once and then leaving the wasm kernels in place.
  nativeKernelStatus();
  setupState.wasmSetup = true;

  // Node has no page URL to resolve the .wasm files against, so point at the package folder.
  const require = createRequire(import.meta.url);
  const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${wasmDist}${path.sep}`);

  const kernels = [
    wasmConv2DBackpropFilterConfig,
    createWasmConv2DBackpropInputConfig(shippedKernel('Conv2DBackpropInput')),
    wasmMaxPoolGradConfig,
    createWasmBatchMatMulConfig(shippedKernel('BatchMatMul')),
    createWasmSumConfig(shippedKernel('Sum')),
    createWasmIdentityConfig(shippedKernel('Identity')),
    createWasmCastConfig(shippedKernel('Cast')),
  ];
  registerWasmKernels(kernels);
  // Native kernels wrap the ones registered above, which keep the cases they do not cover.
  const native = nativeKernelConfigs(shippedKernel);
  registerWasmKernels(native);
  if (native.length > 0) registerNativeReluGradient();
}

function registerWasmKernels(kernels: tf.KernelConfig[]): void {
  for (const config of kernels) {
    // registerKernel keeps an existing kernel and only warns, so remove any first.
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) {
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}

async function trySetBackend(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow' && !(await loadTensorflow())) return false;
  if (name === 'wasm') setupWasm();

  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/**
 * Activates the fastest available backend, starting from `preferred`
 * (default `tensorflow`) and falling back along tensorflow → wasm → cpu.
 * Returns the name of the backend in use afterwards.
 */
export async function initBackend(preferred: BackendName = 'tensorflow'): Promise<BackendName> {
  if (!BACKEND_NAMES.includes(preferred)) {
    throw new Error(`Unknown backend '${String(preferred)}': expected one of ${BACKEND_NAMES.join(', ')}.`);
  }

  const candidates = BACKEND_NAMES.slice(BACKEND_NAMES.indexOf(preferred));
  for (const name of candidates) {
    if (tf.getBackend() === name) return name;
    if (await trySetBackend(name)) return name;
  }
  throw new Error(`No TensorFlow.js backend could be initialized from: ${candidates.join(', ')}.`);
}

/** Activates exactly `name`, or throws naming the backend that is available instead. */
export async function useBackend(name: BackendName): Promise<void> {
  const active = await initBackend(name);
  if (active !== name) {
    throw new Error(`Backend '${name}' is not available in this process; '${active}' is.`);
  }
}
