import type { Logger } from 'pino';

/** Time one shutdown step may take before the next one starts, in ms. */
const STEP_TIMEOUT_MS = 30_000;

/** Signals closer than this to the start of the shutdown are treated as copies of the one that began it, in ms. */
const DUPLICATE_SIGNAL_MS = 1000;

/**
 * Stops started components in the reverse order of their start, so that the
 * workers stop before the database they write to. A second SIGINT or SIGTERM
 * more than a second after the first exits at once.
 */
export class Shutdown {
  /** The instance of this process, for the start-up failure handler. */
  static current: Shutdown | undefined;

  private readonly steps: Array<{ name: string; stop: () => unknown }> = [];
  private running: Promise<void> | undefined;
  private startedAt = 0;
  private stoppingLine = 'Stopping…';

  /** `print` receives the console lines at the start and end of the shutdown. */
  constructor(
    private readonly logger: Logger,
    private readonly print: (line: string) => void = () => {},
  ) {
    Shutdown.current = this;
  }

  /** Replaces the console line printed when the shutdown starts, for example to name how long it may wait. */
  setStoppingLine(line: string): void {
    this.stoppingLine = line;
  }

  /** Registers a component to stop; the last one added stops first. */
  add(name: string, stop: () => unknown): void {
    this.steps.push({ name, stop });
  }

  /** Whether the shutdown has begun. */
  get stopping(): boolean {
    return this.running !== undefined;
  }

  /** Runs the shutdown on SIGINT or SIGTERM and exits with code 0 afterwards. */
  handleSignals(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.running) {
        // Copies of the first signal arrive within milliseconds, for example from a process
        // manager that relays the terminal's Ctrl-C, or the terminal's Ctrl-C reaches a web process
        // just after the main process requested its stop. Only a later signal requests an immediate exit.
        if (Date.now() - this.startedAt < DUPLICATE_SIGNAL_MS) return;
        this.logger.warn({ signal }, 'second signal during shutdown, exiting at once');
        process.exit(1);
      }
      this.logger.info({ signal }, 'shutting down');
      void this.run(0).then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  /** Stops every registered component once; later calls wait for the same run. */
  run(exitCode: number): Promise<void> {
    if (!this.running) {
      this.startedAt = Date.now();
      this.running = this.stopAll(exitCode);
    }
    return this.running;
  }

  private async stopAll(exitCode: number): Promise<void> {
    this.print(this.stoppingLine);
    for (const step of [...this.steps].reverse()) {
      const startedAt = Date.now();
      try {
        await withTimeout(Promise.resolve(step.stop()), STEP_TIMEOUT_MS, step.name);
        this.logger.debug({ component: step.name, durationMs: Date.now() - startedAt }, 'stopped');
      } catch (error) {
        this.logger.error({ err: error, component: step.name }, 'stopping a component failed');
      }
    }
    this.logger.info({ exitCode }, 'shutdown complete');
    this.print('Stopped.');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Stopping ${name} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
