/**
 * A fixed set of words that can be looked up by a range of a longer string without slicing it
 * (no allocation per token): open addressing over an FNV-1a hash of the UTF-16 code units. The
 * scanners use it to map each token of a sentence to the one shared string of a word they know,
 * or to "not a word we know".
 */
export class WordTable {
  /** The distinct words, in insertion order; {@link find} returns an index into this. */
  readonly words: readonly string[];
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(words: Iterable<string>) {
    const list = [...new Set(words)];
    this.words = list;
    let size = 16;
    while (size < 2 * list.length) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    list.forEach((w, k) => {
      let p = hash(w, 0, w.length) & this.mask;
      while (this.slots[p] !== -1) p = (p + 1) & this.mask;
      this.slots[p] = k;
    });
  }

  /** Index in {@link words} of the word equal to s[a, b), or −1. Cost: O(b − a). */
  find(s: string, a: number, b: number): number {
    const len = b - a;
    let p = hash(s, a, b) & this.mask;
    for (;;) {
      const k = this.slots[p]!;
      if (k === -1) return -1;
      const w = this.words[k]!;
      if (w.length === len) {
        let i = 0;
        while (i < len && w.charCodeAt(i) === s.charCodeAt(a + i)) i++;
        if (i === len) return k;
      }
      p = (p + 1) & this.mask;
    }
  }

  /** The shared string of the word equal to s[a, b), or `otherwise`. */
  get(s: string, a: number, b: number, otherwise: string): string {
    const k = this.find(s, a, b);
    return k < 0 ? otherwise : this.words[k]!;
  }
}

function hash(s: string, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < b; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
