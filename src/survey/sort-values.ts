const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * The permutation that sorts `values` (no NaN) ascending, ties in index order: a stable LSD
 * radix sort on the IEEE-754 bits (4 passes of 16 bits, a pass skipped when every key has the
 * same digit, e.g. the low bits of integers), −0 sorted as 0. O(n) for n >= 512; below that
 * (or on a big-endian machine) a comparison sort with the same order.
 */
export function sortOrder(values: Float64Array): Int32Array {
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 512 || !LITTLE_ENDIAN) {
    idx.sort((a, b) => values[a]! - values[b]! || a - b);
    return idx;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = values[i]! + 0; // −0 + 0 = +0
  const u = new Uint32Array(keys.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = u[2 * i + 1]!;
    const l = u[2 * i]!;
    // Order-preserving map of doubles to unsigned integers: flip all bits of negatives,
    // the sign bit of the others.
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  let src = idx;
  let dst = new Int32Array(n);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(word[i]! >>> shift) & 0xffff]!++;
    if (count[(word[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const i = src[k]!;
      dst[count[(word[i]! >>> shift) & 0xffff]!++] = i;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
