import { type CorMethod, correlation, pearsonPValue } from "../stats/correlation.ts";
import { pnorm } from "../stats/distributions.ts";

/** A correlation with its test, as R's `cor.test`. */
export interface CorTest {
  method: CorMethod;
  estimate: number;
  /** Two-sided p-value. */
  p: number;
  /** Complete pairs used. */
  n: number;
  /** How the p-value was found: "t", "exact" (Kendall, no ties, n < 50) or "normal". */
  pMethod: "t" | "exact" | "normal" | "none";
}

/**
 * A correlation and its two-sided p-value over the pairwise complete observations, following
 * R's `cor.test` defaults except where noted:
 * - pearson: t = r √((n − 2)/(1 − r²)) on n − 2 degrees of freedom;
 * - spearman: ρ (Pearson of the average ranks) tested by the same t statistic on n − 2 df, which
 *   is R's `cor.test(method = "spearman", exact = FALSE)` (R's default uses the AS 89 series
 *   when there are no ties and n < 1290; with ties R uses this t approximation too);
 * - kendall: τ-b; with no ties and n < 50 the exact permutation distribution of the number of
 *   concordant pairs T (p = min(1, 2 min(P(T ≤ t), P(T ≥ t)))), as R; otherwise the normal
 *   approximation of S = Σ sign(Δx)·sign(Δy) with the tie-corrected variance
 *   Var S = (v₀ − v_t − v_u)/18 + v₁/(2n(n − 1)) + v₂/(9n(n − 1)(n − 2)) (R, no continuity
 *   correction).
 * NaN p with fewer than 3 pairs (Kendall: 2) or a constant column.
 *
 * Cost O(n log n) for Pearson and Spearman, O(n²) for Kendall (plus O(n³) once for the exact
 * table when n < 50).
 *
 * @example corTest([1, 2, 3, 4], [1, 2, 3, 4], "kendall").p // 0.08333 = 2/24, as R's cor.test
 */
export function corTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  method: CorMethod = "pearson",
): CorTest {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) {
      a.push(x[i]!);
      b.push(y[i]!);
    }
  }
  const n = a.length;
  const r = correlation(a, b, method);
  if (method !== "kendall") {
    return { method, estimate: r, p: pearsonPValue(r, n), n, pMethod: n < 3 ? "none" : "t" };
  }
  if (n < 2 || Number.isNaN(r)) return { method, estimate: r, p: Number.NaN, n, pMethod: "none" };
  const tx = tieSizes(a);
  const ty = tieSizes(b);
  if (n < 50 && tx.length === 0 && ty.length === 0) {
    // T = concordant pairs = (τ + 1) n (n − 1) / 4.
    const t = Math.round(((r + 1) * n * (n - 1)) / 4);
    const dist = kendallExact(n);
    let lo = 0;
    for (let k = 0; k <= t; k++) lo += dist[k]!;
    let hi = 0;
    for (let k = t; k < dist.length; k++) hi += dist[k]!;
    return { method, estimate: r, p: Math.min(1, 2 * Math.min(lo, hi)), n, pMethod: "exact" };
  }
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) s += Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
  const f = (t: number) => t * (t - 1) * (2 * t + 5);
  const sum = (v: number[], g: (t: number) => number) => v.reduce((acc, t) => acc + g(t), 0);
  const v0 = f(n);
  const vt = sum(tx, f);
  const vu = sum(ty, f);
  const v1 = sum(tx, (t) => t * (t - 1)) * sum(ty, (t) => t * (t - 1));
  const v2 = sum(tx, (t) => t * (t - 1) * (t - 2)) * sum(ty, (t) => t * (t - 1) * (t - 2));
  const varS =
    (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + (n > 2 ? v2 / (9 * n * (n - 1) * (n - 2)) : 0);
  const z = s / Math.sqrt(varS);
  return { method, estimate: r, p: 2 * pnorm(-Math.abs(z)), n, pMethod: "normal" };
}

/** Sizes of the groups of tied values (only groups of 2 or more). */
function tieSizes(v: number[]): number[] {
  const counts = new Map<number, number>();
  for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}

const exactCache = new Map<number, Float64Array>();

/**
 * P(T = k), k = 0..n(n − 1)/2, for the number of concordant pairs of a random permutation of n
 * (the Mahonian numbers over n!): p_m(k) = (1/m) Σ_{j=0}^{m−1} p_{m−1}(k − j).
 */
function kendallExact(n: number): Float64Array {
  const hit = exactCache.get(n);
  if (hit) return hit;
  let p = Float64Array.of(1);
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array(p.length + m - 1);
    for (let k = 0; k < next.length; k++) {
      let s = 0;
      for (let j = 0; j < m; j++) if (k - j >= 0 && k - j < p.length) s += p[k - j]!;
      next[k] = s / m;
    }
    p = next;
  }
  exactCache.set(n, p);
  return p;
}
