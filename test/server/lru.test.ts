/** The byte-bounded LRU cache behind the server's table and response caches. */
import { describe, expect, it } from "vitest";
import { LruCache } from "../../src/server/lru.ts";

describe("LruCache", () => {
  it("evicts the least recently used entries beyond maxBytes; get refreshes an entry", () => {
    const c = new LruCache<string>(10);
    c.set("a", "A", 4);
    c.set("b", "B", 4);
    expect(c.get("a")).toBe("A");
    c.set("c", "C", 4);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBe("A");
    expect(c.get("c")).toBe("C");
    expect(c.bytes).toBe(8);
    expect(c.size).toBe(2);
  });

  it("replaces a key's value and size; skips a value larger than the whole cache", () => {
    const c = new LruCache<string>(10);
    c.set("a", "A", 4);
    c.set("a", "A2", 6);
    expect(c.bytes).toBe(6);
    expect(c.get("a")).toBe("A2");
    c.set("big", "X", 11);
    expect(c.get("big")).toBeUndefined();
    expect(c.get("a")).toBe("A2");
    c.delete("a");
    expect(c.bytes).toBe(0);
    expect(() => new LruCache(Number.NaN)).toThrow("LruCache: maxBytes must be >= 0, not NaN");
  });
});
