import { pnorm } from "./distributions.ts";

/** Largest n whose null distribution is enumerated exactly (R's `n_small`; AS 89 used 6). */
const N_EXACT = 9;

/** Edgeworth coefficients of AS 89 (Best & Roberts 1975, Table 1). */
const C = [
  0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4,
] as const;

const countCache = new Map<number, Float64Array>();

/**
 * Null distribution of Spearman's S = Σ dᵢ² for n ranks (no ties): the upper tail
 * Pr[S ≥ is], or Pr[S < is] when `lowerTail`, as R's C routine `prho` behind
 * `cor.test(method = "spearman")` (algorithm AS 89, Best & Roberts 1975, Appl. Statist. 24(3)
 * 377–379, with R's changes: exact by enumerating all n! permutations for n ≤ 9 instead of 6,
 * `pnorm` for the normal tail, and the `lower_tail` form):
 * - is ≤ 0: Pr[S ≥ is] = 1 (lower: 0); is above the largest S, (n³ − n)/3: 0 (lower: 1);
 * - n ≤ 9: the share of the n! permutations with S ≥ is (lower: 1 minus it), exact;
 * - n ≥ 10: the Edgeworth series x = (6(is − 1)/(n(n² − 1)) − 1)√(n − 1),
 *   u = x b (c₁ + b(c₂ + c₃b) + x²(−c₄ + b(c₅ + c₆b) − x²b(c₇ + c₈b − x²(c₉ − c₁₀b +
 *   x²b(c₁₁ − c₁₂x²))))) with b = 1/n, and Pr = u e^(−x²/2) + Φ(x) upper (−u e^(−x²/2) + Φ(x)
 *   lower), clamped to [0, 1].
 * R's `cor.test` calls it with is = round(S) + 2·lowerTail, so the lower tail is Pr[S ≤ S_obs].
 *
 * Cost: O(n! n) once per n ≤ 9 (cached; 9! = 362,880 permutations), O(1) otherwise.
 *
 * @example spearmanTail(20, 4, false) // 1/24: only the reversed order of 4 ranks has S = 20
 */
export function spearmanTail(is: number, n: number, lowerTail: boolean): number {
  const init = lowerTail ? 0 : 1;
  if (!(n > 1)) return Number.NaN;
  if (is <= 0) return init;
  const n3 = (n * (n * n - 1)) / 3;
  if (is > n3) return 1 - init;
  if (n <= N_EXACT) {
    const counts = permutationCounts(n);
    let nfac = 1;
    for (let i = 2; i <= n; i++) nfac *= i;
    // ifr = permutations with S ≥ is (S is an even integer).
    let ifr = 0;
    for (let s = Math.max(0, Math.ceil(is)); s < counts.length; s++) ifr += counts[s]!;
    return (lowerTail ? nfac - ifr : ifr) / nfac;
  }
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12] = C;
  const b = 1 / n;
  const x = ((6 * (is - 1) * b) / (n * n - 1) - 1) * Math.sqrt(n - 1);
  let y = x * x;
  const u =
    x *
    b *
    (c1 +
      b * (c2 + c3 * b) +
      y *
        (-c4 +
          b * (c5 + c6 * b) -
          y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))));
  y = u / Math.exp(y / 2);
  const pv = (lowerTail ? -y : y) + (lowerTail ? pnorm(x) : pnorm(-x));
  return Math.min(Math.max(pv, 0), 1);
}

/** counts[s] = number of permutations of 1..n with Σ (i − πᵢ)² = s (Heap's algorithm). */
function permutationCounts(n: number): Float64Array {
  const hit = countCache.get(n);
  if (hit) return hit;
  const max = (n * (n * n - 1)) / 3;
  const counts = new Float64Array(max + 1);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  // S of the current permutation, updated on each swap.
  let s = 0;
  counts[0] = 1;
  const c = new Int32Array(n);
  let i = 1;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      const a = p[j]!;
      const bb = p[i]!;
      s += (j - bb) ** 2 + (i - a) ** 2 - (j - a) ** 2 - (i - bb) ** 2;
      p[j] = bb;
      p[i] = a;
      counts[s] = counts[s]! + 1;
      c[i] = c[i]! + 1;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
  countCache.set(n, counts);
  return counts;
}
