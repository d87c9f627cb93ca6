/**
 * Moments of a numeric vector. Missing-data policy: NaN entries are skipped (R's na.rm = TRUE);
 * a result that needs more observations than are present is NaN.
 */

/** Arithmetic mean of the non-NaN values; NaN when none. */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/**
 * Sample variance with denominator n - 1 (R's `var`), two-pass for stability; NaN when n < 2.
 */
export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let ss = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isNaN(v)) {
      ss += (v - m) * (v - m);
      n++;
    }
  }
  return n < 2 ? Number.NaN : ss / (n - 1);
}

/** Sample standard deviation (n - 1), as R's `sd`. */
export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}

/**
 * Adjusted Fisher–Pearson skewness G1 = n / ((n-1)(n-2)) * Σ ((x_i - x̄) / s)^3, with s the
 * n-1 standard deviation (Excel's SKEW, COINr's `skew`). NaN when n < 3 or s = 0.
 *
 * @example skewness([1, 2, 3, 10]) // 1.7636...
 */
export function skewness(x: ArrayLike<number>): number {
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    const d = v - m;
    m2 += d * d;
    m3 += d * d * d;
    n++;
  }
  if (n < 3 || m2 === 0) return Number.NaN;
  const s = Math.sqrt(m2 / (n - 1));
  return ((n / ((n - 1) * (n - 2))) * m3) / (s * s * s);
}

/**
 * Sample excess kurtosis G2 = n(n+1) / ((n-1)(n-2)(n-3)) Σ ((x_i - x̄)/s)^4 − 3(n-1)² / ((n-2)(n-3)),
 * with s the n-1 standard deviation (Excel's KURT, COINr's `kurt`). NaN when n < 4 or s = 0.
 */
export function kurtosis(x: ArrayLike<number>): number {
  const m = mean(x);
  let m2 = 0;
  let m4 = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    const d2 = (v - m) * (v - m);
    m2 += d2;
    m4 += d2 * d2;
    n++;
  }
  if (n < 4 || m2 === 0) return Number.NaN;
  const s2 = m2 / (n - 1);
  return (
    ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * (m4 / (s2 * s2)) -
    (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3))
  );
}

/** Minimum and maximum of the non-NaN values ([NaN, NaN] when none). */
export function range(x: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? [Number.NaN, Number.NaN] : [lo, hi];
}
