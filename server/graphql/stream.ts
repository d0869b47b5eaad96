/**
 * A push-based async iterator for subscriptions. Unlike an async generator it
 * runs `onClose` even when the consumer returns before the first `next()`,
 * so a subscriber that disconnects early never leaks its listener. Only the
 * latest pushed value is kept, because every value is a full snapshot.
 */
export class LatestValueStream<T> implements AsyncIterableIterator<T> {
  private latest: { value: T } | null = null;
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  /** Delivers a value, replacing one that was not consumed yet. */
  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
    } else {
      this.latest = { value };
    }
  }

  /** Ends the stream once the value pushed last is delivered; later pushes are dropped. */
  end(): void {
    if (this.done) return;
    this.done = true;
    // A waiting consumer has taken every value already.
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.onClose();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.latest) {
      const { value } = this.latest;
      this.latest = null;
      return Promise.resolve({ value, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.latest = null;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    this.onClose();
  }
}
