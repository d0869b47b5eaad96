/**
 * A minimal DataLoader: keys requested in the same turn of the event loop are
 * loaded with one call of `batch`, and every key is cached for the life of the
 * loader (one GraphQL request).
 */
export class BatchLoader<K, V> {
  private readonly cache = new Map<K, Promise<V>>();
  private pending: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];

  /** `batch` returns a map from key to value; missing keys resolve to `missing`. */
  constructor(
    private readonly batch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    const cached = this.cache.get(key);
    if (cached) return cached;

    const promise = new Promise<V>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      // setImmediate waits until every promise chain of the current I/O event has run, so keys that
      // resolvers request after a few awaits of cached values still join the batch.
      if (this.pending.length === 1) setImmediate(() => void this.dispatch());
    });
    this.cache.set(key, promise);
    return promise;
  }

  /** Seeds the cache with a value that was loaded another way. */
  prime(key: K, value: V): void {
    if (!this.cache.has(key)) this.cache.set(key, Promise.resolve(value));
  }

  private async dispatch(): Promise<void> {
    const requests = this.pending;
    this.pending = [];
    try {
      const values = await this.batch([...new Set(requests.map((request) => request.key))]);
      for (const request of requests) request.resolve(values.has(request.key) ? (values.get(request.key) as V) : this.missing);
    } catch (error) {
      for (const request of requests) {
        this.cache.delete(request.key);
        request.reject(error);
      }
    }
  }
}
