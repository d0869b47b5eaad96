import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** Files and folders whose changes make the production build of the dashboard stale. */
const BUILD_INPUTS = ['app', 'lib', 'public', 'next.config.js', 'next.config.mjs', 'next.config.ts', 'tsconfig.json', 'tsconfig.next.json'];

export interface NextHandlers {
  handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void>;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Returns why the dashboard needs a build, or null when `.next/BUILD_ID` is newer than every source file. */
export async function nextBuildReason(root: string): Promise<string | null> {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return 'no production build exists';

  const builtAt = (await stat(buildId)).mtimeMs;
  for (const input of BUILD_INPUTS) {
    const newest = await newestMtime(path.join(root, input));
    if (newest > builtAt) return `${input} changed after the last build`;
  }
  return null;
}

async function newestMtime(target: string): Promise<number> {
  if (!existsSync(target)) return 0;
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;

  let newest = info.mtimeMs;
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/**
 * Runs `next build` in a child process when the build is missing or stale.
 * `onChild` receives the process so that a shutdown can stop it.
 */
export async function ensureNextBuild({
  root,
  logger,
  onChild,
}: {
  root: string;
  logger: Logger;
  onChild?: (kill: () => void) => void;
}): Promise<void> {
  const reason = await nextBuildReason(root);
  if (!reason) return;

  logger.info({ reason }, 'building the dashboard with next build');
  const startedAt = Date.now();
  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [nextBin, 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1', NODE_ENV: 'production' },
  });
  onChild?.(() => child.kill('SIGTERM'));

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`next build failed with exit code ${code}; its output is above.`);
  logger.info({ durationMs: Date.now() - startedAt }, 'dashboard built');
}

/**
 * Prepares the production Next.js app as a custom server. Next attaches its
 * own upgrade listener to the HTTP server of the first request unless it is
 * given one, so it gets a detached emitter and the caller routes upgrades.
 */
export async function prepareNextApp({ root, hostname, port }: { root: string; hostname: string; port: number }): Promise<NextHandlers> {
  const { default: next } = await import('next');
  const detachedServer = new EventEmitter() as unknown as import('node:http').Server;
  const app = next({ dev: false, dir: root, hostname, port, httpServer: detachedServer, quiet: true });
  await app.prepare();

  const requestHandler = app.getRequestHandler();
  const upgradeHandler = app.getUpgradeHandler();
  return {
    handleRequest: (request, response) => requestHandler(request, response),
    handleUpgrade: (request, socket, head) => upgradeHandler(request, socket, head),
    close: () => app.close(),
  };
}
