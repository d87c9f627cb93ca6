const countCache = new Map<number, Float64Array>();

/**
 * Null distribution of Kendall's T (the number of concordant pairs of n untied pairs): P(T ≤ q),
 * as R's C routine `pkendall` behind `cor.test(method = "kendall", exact = TRUE)`. The counts of
 * permutations of n with k concordant pairs (Mahonian numbers, OEIS A008302) follow
 * c_n(k) = Σ_{i=0}^{n−1} c_{n−1}(k − i), c_1(0) = 1; P(T ≤ q) = Σ_{j ≤ ⌊q + 10⁻⁷⌋} c_n(j) / n!
 * (0 for q < 0, 1 for q > n(n − 1)/2). The counts are held in doubles and summed in R's order,
 * so the result is R's to the last bits (above 2^53 the counts round as R's do).
 *
 * Cost O(n³) once per n (cached), O(q) per call.
 *
 * @example kendallCdf(5, 4) // 23/24: only the identity of 4 has all 6 pairs concordant
 */
export function kendallCdf(q: number, n: number): number {
  const f = Math.floor(q + 1e-7);
  if (f < 0) return 0;
  const u = (n * (n - 1)) / 2;
  if (f > u) return 1;
  const c = counts(n);
  let p = 0;
  for (let j = 0; j <= f; j++) p += c[j]!;
  return p / factorial(n);
}

/**
 * n! as R's `gammafn(n + 1)` (R 4.2 nmath/gamma.c) forms it: a running product for n < 50, and
 * above that Stirling's formula exp((y − ½) ln y − y + ln √(2π) + stirlerr(y)), y = n + 1, with
 * R's series for stirlerr (exact n! differs from R's by up to ~1e-13 relative there).
 */
function factorial(n: number): number {
  const y = n + 1;
  if (y <= 50) {
    let v = 1;
    for (let i = 2; i < y; i++) v *= i;
    return v;
  }
  const nn = y * y;
  const [s0, s1, s2, s3] = [1 / 12, 1 / 360, 1 / 1260, 1 / 1680];
  const stirlerr =
    y > 500
      ? (s0 - s1 / nn) / y
      : y > 80
        ? (s0 - (s1 - s2 / nn) / nn) / y
        : (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / y;
  return Math.exp((y - 0.5) * Math.log(y) - y + LN_SQRT_2PI + stirlerr);
}

/** R's M_LN_SQRT_2PI, ln √(2π) = 0.918938533204672741780329736406 rounded to a double. */
const LN_SQRT_2PI = 0.9189385332046728;

function counts(n: number): Float64Array {
  const hit = countCache.get(n);
  if (hit) return hit;
  let prev = Float64Array.of(1);
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array((m * (m - 1)) / 2 + 1);
    for (let k = 0; k < next.length; k++) {
      let s = 0;
      for (let i = 0; i < m; i++) {
        const j = k - i;
        if (j >= 0 && j < prev.length) s += prev[j]!;
      }
      next[k] = s;
    }
    prev = next;
  }
  countCache.set(n, prev);
  return prev;
}
