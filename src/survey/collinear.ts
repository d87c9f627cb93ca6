/**
 * The first model-matrix column that is (numerically) a linear combination of the columns
 * before it, over the rows `rows` weighted by w (as the weighted QR of R's `glm.fit`/`lm`
 * would alias it), or −1 when the columns are linearly independent. Modified Gram–Schmidt on
 * √w·x: a column whose residual norm is below `tol` (R's `qr` default 1e-7) times its own
 * norm is aliased. Cost O(n · p²).
 */
export function aliasedColumn(
  X: readonly Float64Array[],
  rows: Int32Array,
  w: Float64Array,
  tol = 1e-7,
): number {
  const m = rows.length;
  const sw = new Float64Array(m);
  for (let k = 0; k < m; k++) sw[k] = Math.sqrt(w[rows[k]!]!);
  const basis: Float64Array[] = [];
  for (let a = 0; a < X.length; a++) {
    const xa = X[a]!;
    const v = new Float64Array(m);
    for (let k = 0; k < m; k++) v[k] = xa[rows[k]!]! * sw[k]!;
    let norm0 = 0;
    for (let k = 0; k < m; k++) norm0 += v[k]! * v[k]!;
    for (const q of basis) {
      let d = 0;
      for (let k = 0; k < m; k++) d += q[k]! * v[k]!;
      for (let k = 0; k < m; k++) v[k]! -= d * q[k]!;
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += v[k]! * v[k]!;
    if (!(norm > tol * tol * norm0) || norm0 === 0) return a;
    const s = 1 / Math.sqrt(norm);
    for (let k = 0; k < m; k++) v[k]! *= s;
    basis.push(v);
  }
  return -1;
}
