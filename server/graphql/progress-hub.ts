import pg from 'pg';
import type { Logger } from 'pino';
import type { ExperimentProgress } from '../experiments/progress.ts';

/** Channel of `pg_notify` calls whose payload is an experiment id. */
export const PROGRESS_CHANNEL = 'robustlab_progress';

/** Default minimum time between two progress messages of one experiment. */
export const DEFAULT_COALESCE_MS = 250;

const MAX_RECONNECT_DELAY_MS = 30_000;

type Listener = (progress: ExperimentProgress) => void;

interface Entry {
  experimentId: string;
  listeners: Set<Listener>;
  timer: NodeJS.Timeout | null;
  loading: boolean;
  dirty: boolean;
  lastFlush: number;
}

/**
 * Fans progress notifications out to subscribers over one shared `LISTEN`
 * connection. Bursts of notifications for one experiment are coalesced: the
 * progress is loaded once and sent at most every `coalesceMs` to all of its
 * subscribers.
 */
export class ProgressHub {
  private readonly entries = new Map<string, Entry>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = 1000;
  private stopped = false;

  constructor(
    private readonly options: {
      databaseUrl: string;
      logger: Logger;
      load: (experimentId: string) => Promise<ExperimentProgress | null>;
      coalesceMs?: number;
    },
  ) {}

  /** Resolves once the LISTEN connection is up, connecting on first use. */
  ready(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('The progress hub is stopped.'));
    this.connecting ??= this.connect().catch((error) => {
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }

  /** Registers a listener for an experiment; the returned function removes it. */
  subscribe(experimentId: string, listener: Listener): () => void {
    let entry = this.entries.get(experimentId);
    if (!entry) {
      entry = { experimentId, listeners: new Set(), timer: null, loading: false, dirty: false, lastFlush: 0 };
      this.entries.set(experimentId, entry);
    }
    entry.listeners.add(listener);

    return () => {
      const current = this.entries.get(experimentId);
      if (!current) return;
      current.listeners.delete(listener);
      if (current.listeners.size === 0) {
        if (current.timer) clearTimeout(current.timer);
        this.entries.delete(experimentId);
      }
    };
  }

  /** Closes the LISTEN connection and drops every listener. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();

    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: 'robustlab-progress' });
    client.on('notification', (message) => {
      if (message.channel === PROGRESS_CHANNEL && message.payload) this.notify(message.payload);
    });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client, null));

    await client.connect();
    await client.query(`LISTEN ${PROGRESS_CHANNEL}`);
    this.client = client;
    this.reconnectDelay = 1000;
    this.options.logger.info({ channel: PROGRESS_CHANNEL }, 'Listening for experiment progress');
  }

  private lose(client: pg.Client, error: Error | null): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.connecting = null;
    client.end().catch(() => undefined);
    this.options.logger.error({ err: error, retryInMs: this.reconnectDelay }, 'Progress LISTEN connection lost');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ready().then(
        // Notifications sent while disconnected are lost, so refresh every subscriber.
        () => this.entries.forEach((entry) => this.notify(entry.experimentId)),
        (error) => {
          this.options.logger.error({ err: error, retryInMs: this.reconnectDelay }, 'Reconnecting the progress LISTEN connection failed');
          if (!this.stopped) this.scheduleReconnect();
        },
      );
    }, this.reconnectDelay);
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_RECONNECT_DELAY_MS);
  }

  private notify(experimentId: string): void {
    const entry = this.entries.get(experimentId);
    if (!entry) return;
    entry.dirty = true;
    this.schedule(entry);
  }

  private schedule(entry: Entry): void {
    if (entry.timer || entry.loading) return;
    const wait = Math.max(0, entry.lastFlush + (this.options.coalesceMs ?? DEFAULT_COALESCE_MS) - Date.now());
    entry.timer = setTimeout(() => void this.flush(entry), wait);
  }

  private async flush(entry: Entry): Promise<void> {
    entry.timer = null;
    entry.dirty = false;
    entry.loading = true;
    entry.lastFlush = Date.now();
    try {
      const progress = await this.options.load(entry.experimentId);
      if (progress) for (const listener of entry.listeners) listener(progress);
    } catch (error) {
      this.options.logger.error({ err: error, experimentId: entry.experimentId }, 'Loading experiment progress failed');
    } finally {
      entry.loading = false;
      if (entry.dirty && this.entries.get(entry.experimentId) === entry) this.schedule(entry);
    }
  }
}
