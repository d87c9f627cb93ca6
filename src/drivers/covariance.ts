/**
 * Weighted covariance matrix of columns (R's `cov.wt` with normalised weights, method "ML":
 * Σ w (x − x̄)(y − ȳ) / Σ w), over the given rows, row-major k × k. Correlation-based results
 * (R², shares, weights) do not depend on the divisor.
 */
export function weightedCovariance(
  cols: Float64Array[],
  w: Float64Array | null,
  rows: Int32Array,
): Float64Array {
  const k = cols.length;
  const mean = new Float64Array(k);
  let sw = 0;
  for (const i of rows) {
    const wi = w ? w[i]! : 1;
    sw += wi;
    for (let a = 0; a < k; a++) mean[a]! += wi * cols[a]![i]!;
  }
  for (let a = 0; a < k; a++) mean[a]! /= sw;
  const C = new Float64Array(k * k);
  const d = new Float64Array(k);
  for (const i of rows) {
    const wi = w ? w[i]! : 1;
    for (let a = 0; a < k; a++) d[a] = cols[a]![i]! - mean[a]!;
    for (let a = 0; a < k; a++) {
      const da = wi * d[a]!;
      for (let b = a; b < k; b++) C[a * k + b]! += da * d[b]!;
    }
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      C[a * k + b]! /= sw;
      C[b * k + a] = C[a * k + b]!;
    }
  }
  return C;
}

/** The correlation matrix of a covariance matrix (R `cov2cor`). */
export function cov2cor(C: Float64Array, k: number): Float64Array {
  const R = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++)
      R[a * k + b] = C[a * k + b]! / Math.sqrt(C[a * k + a]! * C[b * k + b]!);
  }
  return R;
}
