/**
 * A least-recently-used cache bounded by the total size of its values in bytes (as the caller
 * states them on `set`; an estimate is fine). The server keeps parsed run tables and serialised
 * responses in such caches, since both are immutable once a run is written.
 */
export class LruCache<V> {
  readonly #map = new Map<string, { value: V; size: number }>();
  #bytes = 0;

  /** @param maxBytes total size kept; a value larger than this alone is not cached. */
  constructor(readonly maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError(`LruCache: maxBytes must be >= 0, not ${maxBytes}`);
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries held now. */
  get size(): number {
    return this.#map.size;
  }

  /** The value under `key`, marking it most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const e = this.#map.get(key);
    if (!e) return undefined;
    this.#map.delete(key);
    this.#map.set(key, e);
    return e.value;
  }

  /**
   * Stores `value` (of `size` bytes) under `key`, evicting the least recently used entries
   * beyond `maxBytes`. O(1) amortised.
   */
  set(key: string, value: V, size: number): void {
    this.delete(key);
    if (size > this.maxBytes) return;
    this.#map.set(key, { value, size });
    this.#bytes += size;
    for (const [k, e] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= e.size;
    }
  }

  delete(key: string): void {
    const e = this.#map.get(key);
    if (!e) return;
    this.#map.delete(key);
    this.#bytes -= e.size;
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}
