import { rank } from "./rank.ts";
import { tCdf as cdfT } from "./stdlib.ts";

/** Correlation types, as R's `cor(method = ...)`. */
export type CorMethod = "pearson" | "spearman" | "kendall";

/** Indices where both x and y are present (R's pairwise complete observations). */
function completePairs(x: ArrayLike<number>, y: ArrayLike<number>): [Float64Array, Float64Array] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) {
      a.push(x[i]!);
      b.push(y[i]!);
    }
  }
  return [Float64Array.from(a), Float64Array.from(b)];
}

/** Centred cross-products of complete pairs: Σ(a−ā)(b−b̄), Σ(a−ā)², Σ(b−b̄)² and n. */
function centredSums(a: Float64Array, b: Float64Array) {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return { n, sab, saa, sbb };
}

function pearsonComplete(a: Float64Array, b: Float64Array): number {
  if (a.length < 2) return Number.NaN;
  const { sab, saa, sbb } = centredSums(a, b);
  return sab / Math.sqrt(saa * sbb);
}

/** Kendall's tau-b (R's `cor(method = "kendall")`), O(n²). */
function kendallComplete(a: Float64Array, b: Float64Array): number {
  let s = 0;
  let ta = 0;
  let tb = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i]! - a[j]!);
      const db = Math.sign(b[i]! - b[j]!);
      s += da * db;
      ta += da * da;
      tb += db * db;
    }
  }
  return s / Math.sqrt(ta * tb);
}

/**
 * Correlation of x and y over the units where both are present (R's
 * `cor(x, y, use = "pairwise.complete.obs", method)`): Pearson; Spearman = Pearson of the
 * average ranks of the complete pairs; Kendall's tau-b. NaN with fewer than 2 pairs or a
 * constant vector.
 *
 * @example correlation([1, 2, 3, NaN], [2, 4, 7, 1]) // 0.9933 (pairs 1–3 only)
 */
export function correlation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  method: CorMethod = "pearson",
): number {
  const [a, b] = completePairs(x, y);
  if (method === "spearman") return pearsonComplete(rank(a, "average"), rank(b, "average"));
  if (method === "kendall") return kendallComplete(a, b);
  return pearsonComplete(a, b);
}

/** Number of complete pairs of x and y. */
export function pairCount(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) n++;
  return n;
}

/**
 * Two-sided p-value of a Pearson correlation r from n pairs (R's `cor.test`):
 * t = r √((n − 2)/(1 − r²)) on n − 2 degrees of freedom.
 */
export function pearsonPValue(r: number, n: number): number {
  if (n < 3 || Number.isNaN(r)) return Number.NaN;
  if (Math.abs(r) >= 1) return 0;
  const t = r * Math.sqrt((n - 2) / (1 - r * r));
  return 2 * cdfT(-Math.abs(t), n - 2);
}

/**
 * Sample covariance over pairwise complete observations (R's `cov(use = "pairwise.complete.obs")`,
 * denominator n − 1).
 */
export function covariance(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = completePairs(x, y);
  if (a.length < 2) return Number.NaN;
  const { n, sab } = centredSums(a, b);
  return sab / (n - 1);
}
