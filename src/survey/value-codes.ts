/**
 * The distinct values of a numeric column in increasing order and each row's index into them
 * (−1 for NaN): R's `factor(x)` codes. Integer values within a range of 2²⁰ go through a
 * lookup table (no hashing per row: the common case of survey codes; −0 counts as 0, as in a Set); any other
 * values through a Map of the distinct values. Cost O(n + distinct · log distinct).
 *
 * @example valueCodes(Float64Array.of(3, 1, NaN, 3)) // { values: [1, 3], codes: [1, 0, -1, 1] }
 */
export function valueCodes(x: Float64Array): { values: number[]; codes: Int32Array } {
  const n = x.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (!Number.isInteger(v)) integers = false;
  }
  const codes = new Int32Array(n);
  if (lo > hi) {
    codes.fill(-1);
    return { values: [], codes };
  }
  if (integers && hi - lo < 1 << 20) {
    const table = new Int32Array(hi - lo + 1);
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (!Number.isNaN(v)) table[v - lo] = 1;
    }
    const values: number[] = [];
    for (let t = 0; t < table.length; t++) if (table[t]) table[t] = values.push(lo + t) - 1;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      codes[i] = Number.isNaN(v) ? -1 : table[v - lo]!;
    }
    return { values, codes };
  }
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v) && !seen.has(v)) seen.set(v, 0);
  }
  const values = [...seen.keys()].sort((a, b) => a - b);
  values.forEach((v, k) => {
    seen.set(v, k);
  });
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    codes[i] = Number.isNaN(v) ? -1 : seen.get(v)!;
  }
  return { values, codes };
}
