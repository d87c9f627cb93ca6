/**
 * The first model-matrix column that is (numerically) a linear combination of the columns
 * before it, over the rows `rows` weighted by w (as the weighted QR of R's `glm.fit`/`lm`
 * would alias it), or −1 when the columns are linearly independent. Modified Gram–Schmidt on
 * √w·x: a column whose residual norm is below `tol` (R's `qr` default 1e-7) times its own
 * norm is aliased. Cost O(n · p²): one pass for the weighted cross-products, which settle
 * the common case (every column far from the span of those before it); Gram–Schmidt's p
 * passes only otherwise.
 */
export function aliasedColumn(
  X: readonly Float64Array[],
  rows: Int32Array,
  w: Float64Array,
  tol = 1e-7,
): number {
  if (clearlyIndependent(X, rows, w)) return -1;
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

/**
 * True when the weighted cross-product matrix G = Xᵀ W X shows every column far from the span
 * of the columns before it: its Cholesky pivots, d_a = the squared residual norm of column a
 * on those before it, all above 1e-6 · G_aa (the aliasing threshold `tol`² = 1e-14 is 10⁸
 * times smaller, far beyond the cross-products' rounding). Otherwise (false) Gram–Schmidt
 * decides. One pass over the rows.
 */
function clearlyIndependent(
  X: readonly Float64Array[],
  rows: Int32Array,
  w: Float64Array,
): boolean {
  const p = X.length;
  const G = new Float64Array(p * p);
  const xi = new Float64Array(p);
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    const wi = w[i]!;
    for (let a = 0; a < p; a++) xi[a] = X[a]![i]!;
    for (let a = 0; a < p; a++) {
      const wa = wi * xi[a]!;
      for (let b = a; b < p; b++) G[a * p + b]! += wa * xi[b]!;
    }
  }
  // Cholesky (upper, in place): G = Rᵀ R, R_aa² the residual's squared norm.
  for (let a = 0; a < p; a++) {
    const gaa = G[a * p + a]!;
    let d = gaa;
    for (let c = 0; c < a; c++) d -= G[c * p + a]! * G[c * p + a]!;
    if (!(gaa > 0 && d > 1e-6 * gaa)) return false;
    const r = Math.sqrt(d);
    G[a * p + a] = r;
    for (let b = a + 1; b < p; b++) {
      let t = G[a * p + b]!;
      for (let c = 0; c < a; c++) t -= G[c * p + a]! * G[c * p + b]!;
      G[a * p + b] = t / r;
    }
  }
  return true;
}
