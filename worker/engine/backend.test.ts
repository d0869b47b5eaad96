import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { BACKEND_NAMES, initBackend, useBackend, type BackendName } from './backend';

describe('initBackend', () => {
  test('default picks an available backend and activates it', async () => {
    const name = await initBackend();

    expect(BACKEND_NAMES).toContain(name);
    expect(tf.getBackend()).toBe(name);
  });

  test('falls back from wasm only to cpu', async () => {
    // wasm ships in the npm package, so it is always available.
    expect(await initBackend('wasm')).toBe('wasm');
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  test('registers the wasm filter-gradient kernel once', async () => {
    await initBackend('wasm');
    const kernel = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    await initBackend('cpu');
    await initBackend('wasm');

    expect(kernel).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(kernel);
  });

  test('rejects an unknown backend name', async () => {
    await expect(initBackend('webgl' as BackendName)).rejects.toThrow(
      "Unknown backend 'webgl': expected one of tensorflow, wasm, cpu.",
    );
  });
});

describe('useBackend', () => {
  test('activates the named backend', async () => {
    await useBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  test('throws when tensorflow is missing', async () => {
    const available = await initBackend('tensorflow');
    if (available === 'tensorflow') {
      await expect(useBackend('tensorflow')).resolves.toBeUndefined();
    } else {
      await expect(useBackend('tensorflow')).rejects.toThrow(
        `Backend 'tensorflow' is not available in this process; '${available}' is.`,
      );
    }
  });
});
