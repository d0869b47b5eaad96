import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { nextBuildReason } from '../server/next-app.ts';

let root: string | undefined;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function project(): Promise<string> {
  root = await mkdtemp(path.join(os.tmpdir(), 'robustlab-next-'));
  await mkdir(path.join(root, 'app', 'studies'), { recursive: true });
  await writeFile(path.join(root, 'app', 'studies', 'page.tsx'), 'export default function Page() {}');
  return root;
}

async function setTime(file: string, seconds: number): Promise<void> {
  await utimes(file, seconds, seconds);
}

describe('nextBuildReason', () => {
  test('requests a build when none exists', async () => {
    const dir = await project();

    expect(await nextBuildReason(dir)).toBe('no production build exists');
  });

  test('accepts a build newer than the sources', async () => {
    const dir = await project();
    await mkdir(path.join(dir, '.next'));
    await writeFile(path.join(dir, '.next', 'BUILD_ID'), 'build');
    for (const target of ['app/studies/page.tsx', 'app/studies', 'app']) await setTime(path.join(dir, target), 1_000);
    await setTime(path.join(dir, '.next', 'BUILD_ID'), 2_000);

    expect(await nextBuildReason(dir)).toBeNull();
  });

  test('requests a build when a nested source changed', async () => {
    const dir = await project();
    await mkdir(path.join(dir, '.next'));
    await writeFile(path.join(dir, '.next', 'BUILD_ID'), 'build');
    for (const target of ['app/studies', 'app']) await setTime(path.join(dir, target), 1_000);
    await setTime(path.join(dir, '.next', 'BUILD_ID'), 2_000);
    await setTime(path.join(dir, 'app', 'studies', 'page.tsx'), 3_000);

    expect(await nextBuildReason(dir)).toBe('app changed after the last build');
  });
});
