import type { ServerResponse } from 'node:http';

/** Rows buffered before one write to the socket. */
const ROWS_PER_CHUNK = 2000;

/** Thrown when the client closed the connection, so the export stops reading. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection during an export.');
  }
}

/**
 * Writes text rows to an HTTP response in chunks and waits for the socket to
 * drain whenever its buffer is full, so memory stays flat however many rows
 * an export has.
 */
export class RowWriter {
  private buffer: string[] = [];

  constructor(private readonly response: ServerResponse) {}

  /** Appends one row; the text must carry its own line ending. */
  async write(row: string): Promise<void> {
    this.buffer.push(row);
    if (this.buffer.length >= ROWS_PER_CHUNK) await this.flush();
  }

  /** Sends the buffered rows, waiting for the socket when it is congested. */
  async flush(): Promise<void> {
    if (this.response.destroyed) throw new ClientGoneError();
    if (this.buffer.length === 0) return;

    const chunk = this.buffer.join('');
    this.buffer = [];
    if (!this.response.write(chunk)) {
      await drainOrClose(this.response);
      if (this.response.destroyed) throw new ClientGoneError();
    }
  }

  /** Sends the buffered rows and ends the response. */
  async end(): Promise<void> {
    await this.flush();
    this.response.end();
  }
}

/** Waits until the response drains or closes, removing both listeners afterwards. */
function drainOrClose(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Quotes a CSV field when it contains a comma, quote or line break (RFC 4180). */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Returns null for NaN and infinite numbers, which JSON cannot carry. */
export function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** Describes why a number is exported as null, or null when it is finite or absent. */
export function nonFiniteReason(value: number | null): string | null {
  if (value === null || Number.isFinite(value)) return null;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}
