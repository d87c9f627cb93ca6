/** How tied values share ranks, as R's `rank(ties.method = ...)`. */
export type TiesMethod = "average" | "min" | "max" | "first";

/**
 * Ranks of x in ascending order (1 = smallest), as R's `rank(x, na.last = "keep", ties.method)`.
 * NaN values get rank NaN and are not counted. Cost O(n log n).
 *
 * @example rank([10, 30, 20, 30], "min") // [1, 3, 2, 3]
 */
export function rank(x: ArrayLike<number>, ties: TiesMethod = "average"): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) idx.push(i);
  idx.sort((a, b) => x[a]! - x[b]! || a - b);
  let i = 0;
  while (i < idx.length) {
    let j = i;
    const v = x[idx[i]!]!;
    while (j + 1 < idx.length && x[idx[j + 1]!]! === v) j++;
    for (let k = i; k <= j; k++) {
      let r: number;
      switch (ties) {
        case "average":
          r = (i + j) / 2 + 1;
          break;
        case "min":
          r = i + 1;
          break;
        case "max":
          r = j + 1;
          break;
        default:
          r = k + 1;
      }
      out[idx[k]!] = r;
    }
    i = j + 1;
  }
  return out;
}

/**
 * Descending "competition" ranks of scores (1 = highest; ties share the smallest rank),
 * as COINr's results ranks `rank(-x, ties.method = "min")`. NaN stays NaN.
 */
export function rankDescending(x: ArrayLike<number>): Float64Array {
  const neg = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) neg[i] = -x[i]!;
  return rank(neg, "min");
}
