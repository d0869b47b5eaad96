/**
 * Runs `npm start` (server/start.ts) as a child process for tests: in its own
 * process group, like a terminal's foreground job, with its console output
 * collected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running server/start.ts. */
export interface StartProcess {
  child: ChildProcess;
  /** Console output so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code, or `signal NAME`. */
  exited: Promise<number | string>;
  /** Sends `signal` to the whole process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Whether any process of the group is still alive. */
  groupAlive(): boolean;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts server/start.ts with `args` and the given environment, which replaces the test's own. */
export function spawnStart(args: string[], env: NodeJS.ProcessEnv): StartProcess {
  // npm itself is left out because it exits on SIGINT without waiting for its child.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts', ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? `signal ${signal}`)));

  return {
    child,
    output: () => output,
    exited,
    signalGroup: (signal) => process.kill(-child.pid!, signal),
    groupAlive() {
      try {
        process.kill(-child.pid!, 0);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Polls `check` every 250 ms until it returns true; raises after `timeoutMs` or when `start` exits first. */
export async function waitFor(start: StartProcess | null, description: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (start && start.child.exitCode !== null) throw new Error(`server/start.ts exited while waiting for ${description}:\n${start.output()}`);
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
