/**
 * Sample quantile by R's default definition (type 7): with the n non-NaN values sorted,
 * h = (n - 1) p, Q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]). NaN values are skipped; NaN when none.
 *
 * @example quantile([1, 2, 3, 4], 0.5) // 2.5
 */
export function quantile(x: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile: p must be in [0, 1], got ${p}`);
  const sorted = sortedPresent(x);
  return quantileSorted(sorted, p);
}

/** Quantile (type 7) of an already ascending-sorted array without NaN. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  if (lo + 1 >= n) return a;
  return a + (h - lo) * (sorted[lo + 1]! - a);
}

/** Median (R's `median`, i.e. type-7 quantile 0.5). */
export function median(x: ArrayLike<number>): number {
  return quantile(x, 0.5);
}

/** Non-NaN values, sorted ascending, as a new Float64Array. */
export function sortedPresent(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}
