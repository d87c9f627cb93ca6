import { InputError } from "../core/errors.ts";
import { type CorMethod, correlation } from "../stats/correlation.ts";
import { pnorm } from "../stats/distributions.ts";
import { kendallCdf } from "../stats/kendall-null.ts";
import { spearmanTail } from "../stats/spearman-null.ts";
import { tCdf } from "../stats/stdlib.ts";

/** A correlation with its test, as R's `cor.test`. */
export interface CorTest {
  method: CorMethod;
  estimate: number;
  /** The p-value for the alternative asked (two-sided by default). */
  p: number;
  /** Complete pairs used. */
  n: number;
  /**
   * How the p-value was found: "t" (Student t on n − 2 df), "exact" (Kendall's permutation
   * distribution, or Spearman's by enumeration for n ≤ 9), "as89" (Spearman, the AS 89
   * Edgeworth series for 10 ≤ n ≤ 1290), "normal" (Kendall's normal approximation) or "none"
   * (no p-value: too few pairs or a constant column).
   */
  pMethod: "t" | "exact" | "as89" | "normal" | "none";
}

/** Options of {@link corTest}: R's `cor.test` arguments of the same names. */
export interface CorTestOptions {
  /** "two.sided" (default), "greater" (positive association) or "less". */
  alternative?: "two.sided" | "greater" | "less";
  /**
   * Exact p-value for Kendall and Spearman: null/undefined means R's default (Kendall: n < 50;
   * Spearman: n ≤ 1290); either way it is dropped when there are ties.
   */
  exact?: boolean | null;
  /** Continuity correction for Kendall's and Spearman's approximate tests (default false). */
  continuity?: boolean;
}

/**
 * A correlation and its p-value over the pairwise complete observations, to the definitions of
 * R's `stats::cor.test` (R 4.2, `?cor.test`):
 * - pearson: t = √(n − 2) r / √(1 − r²) on n − 2 degrees of freedom;
 * - spearman: ρ = Pearson of the average ranks, S = (n³ − n)(1 − ρ)/6. Without ties and with
 *   n ≤ 1290 the null distribution of S (AS 89, `spearmanTail`: exact for n ≤ 9, the
 *   Edgeworth series above), two-sided p = min(1, 2 Pr[S ≥ s]) when s > (n³ − n)/6 and
 *   min(1, 2 Pr[S ≤ s]) otherwise; with ties (or exact = false, or n > 1290) the t statistic
 *   of r = 1 − S/((n³ − n)/6 [+ 1 with continuity]) on n − 2 df;
 * - kendall: τ-b. Without ties and exact (default n < 50) the exact distribution of the number
 *   of concordant pairs T = round((τ + 1) n(n − 1)/4) (`kendallCdf`), two-sided
 *   p = min(1, 2(1 − P(T ≤ t − 1))) when t > n(n − 1)/4 and min(1, 2 P(T ≤ t)) otherwise;
 *   otherwise z = S/√Var S with S = τ √((T₀ − T₁)(T₀ − T₂)) and the tie-corrected
 *   Var S = (v₀ − v_t − v_u)/18 + v₁/(2n(n − 1)) + v₂/(9n(n − 1)(n − 2)) (continuity:
 *   |S| − 1), p from the normal distribution.
 * Upper tails are formed as R forms them (1 − P for Kendall), so p matches R's to rounding
 * (where R's 1 − P falls below 0 by a rounding error, 0 is reported).
 * NaN p ("none") with fewer than 3 pairs (Pearson; R stops) or 2 (ranks), or a constant column.
 *
 * Cost O(n log n) for Pearson and Spearman (plus 9! permutations once for n ≤ 9), O(n²) for
 * Kendall (plus O(n³) once per n for the exact table).
 *
 * @example corTest([1, 2, 3, 4], [1, 2, 3, 4], "kendall").p // 0.08333 = 2/24, as R's cor.test
 * @throws InputError for an unknown alternative
 */
export function corTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  method: CorMethod = "pearson",
  opts: CorTestOptions = {},
): CorTest {
  const alternative = opts.alternative ?? "two.sided";
  if (!["two.sided", "greater", "less"].includes(alternative)) {
    throw new InputError(
      `corTest: alternative must be "two.sided", "greater" or "less", got "${alternative}"`,
    );
  }
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
  const none: CorTest = { method, estimate: r, p: Number.NaN, n, pMethod: "none" };
  if (n < (method === "pearson" ? 3 : 2) || !Number.isFinite(r)) return none;
  // Two-sided from the two one-sided tails, as R: 2 min(lower, upper), capped at 1 for ranks.
  const sided = (lower: () => number, upper: () => number): number =>
    alternative === "less" ? lower() : alternative === "greater" ? upper() : Number.NaN;

  if (method === "pearson") {
    const df = n - 2;
    const t = (Math.sqrt(df) * r) / Math.sqrt(1 - r * r);
    const lo = () => tCdf(t, df);
    const hi = () => tCdf(-t, df);
    const p = sided(lo, hi);
    return { ...none, p: Number.isNaN(p) ? 2 * Math.min(lo(), hi()) : p, pMethod: "t" };
  }
  const ties = distinct(a) < n || distinct(b) < n;
  if (method === "spearman") {
    let exact = opts.exact ?? true;
    if (ties) exact = false;
    const n3n = n ** 3 - n;
    const q = (n3n * (1 - r)) / 6;
    const useTable = n <= 1290 && exact;
    // pspearman(q, lowerTail) of R's cor.test.
    const ps = (lower: boolean): number => {
      if (useTable) return spearmanTail(Math.round(q) + (lower ? 2 : 0), n, lower);
      let den = (n * (n * n - 1)) / 6;
      if (opts.continuity) den += 1;
      const rr = 1 - q / den;
      const t = rr / Math.sqrt((1 - rr * rr) / (n - 2));
      return n > 2 ? tCdf(lower ? -t : t, n - 2) : Number.NaN;
    };
    let p = sided(
      () => ps(false),
      () => ps(true),
    );
    if (alternative === "two.sided") p = Math.min(2 * ps(!(q > n3n / 6)), 1);
    return { ...none, p, pMethod: useTable ? (n <= 9 ? "exact" : "as89") : "t" };
  }
  const exact = opts.exact ?? n < 50;
  if (exact && !ties) {
    const q = Math.round(((r + 1) * n * (n - 1)) / 4);
    const upper = () => 1 - kendallCdf(q - 1, n);
    const lower = () => kendallCdf(q, n);
    let p = sided(lower, upper);
    if (alternative === "two.sided")
      p = Math.min(2 * (q > (n * (n - 1)) / 4 ? upper() : lower()), 1);
    // R's 1 − P can fall a rounding error below 0 (n ≥ 40, near-perfect agreement); report 0.
    return { ...none, p: Math.max(p, 0), pMethod: "exact" };
  }
  const xt = tieSizes(a);
  const yt = tieSizes(b);
  const sum = (v: number[], g: (t: number) => number) => v.reduce((acc, t) => acc + g(t), 0);
  const t0 = (n * (n - 1)) / 2;
  const t1 = sum(xt, (t) => t * (t - 1)) / 2;
  const t2 = sum(yt, (t) => t * (t - 1)) / 2;
  let s = r * Math.sqrt((t0 - t1) * (t0 - t2));
  const f = (t: number) => t * (t - 1) * (2 * t + 5);
  const v0 = n * (n - 1) * (2 * n + 5);
  const v1 = sum(xt, (t) => t * (t - 1)) * sum(yt, (t) => t * (t - 1));
  const v2 = sum(xt, (t) => t * (t - 1) * (t - 2)) * sum(yt, (t) => t * (t - 1) * (t - 2));
  const varS =
    (v0 - sum(xt, f) - sum(yt, f)) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2));
  if (opts.continuity) s = Math.sign(s) * (Math.abs(s) - 1);
  const z = s / Math.sqrt(varS);
  const lo = () => pnorm(z);
  const hi = () => pnorm(-z);
  const p = sided(lo, hi);
  return { ...none, p: Number.isNaN(p) ? 2 * Math.min(lo(), hi()) : p, pMethod: "normal" };
}

function distinct(v: number[]): number {
  return new Set(v).size;
}

/** Sizes of the groups of tied values (only groups of 2 or more), as R's table(x[duplicated(x)]) + 1. */
function tieSizes(v: number[]): number[] {
  const counts = new Map<number, number>();
  for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}
