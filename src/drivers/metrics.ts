import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { sweep } from "./subsets.ts";

/**
 * Standardised regression coefficients of y on all predictors, from the correlation matrix R of
 * [x_0 … x_{m−1}, y] ((m + 1)², row-major): β = R_xx⁻¹ r_xy by sweeping every predictor in.
 */
export function standardisedBetas(R: Float64Array, m: number): Float64Array {
  const M = m + 1;
  const A = R.slice();
  for (let v = 0; v < m; v++) sweep(A, M, v);
  // After sweeping, the (v, y) entry holds the coefficient of v.
  return Float64Array.from({ length: m }, (_, v) => A[v * M + m]!);
}

/**
 * relaimpo's coefficient metrics from the correlation matrix of [x, y]: betasq = β_j² (squared
 * standardised coefficient) and pratt = β_j r_yj (Pratt 1987; they sum to R²).
 */
export function betaMetrics(R: Float64Array, m: number) {
  const M = m + 1;
  const beta = standardisedBetas(R, m);
  return {
    betasq: Float64Array.from(beta, (b) => b * b),
    pratt: Float64Array.from(beta, (b, j) => b * R[j * M + m]!),
  };
}

/**
 * Johnson's relative weights (Johnson 2000; R `rwa`): with R_xx = Q diag(λ) Qᵀ, the symmetric
 * square root Λ = Q diag(√λ) Qᵀ (the correlations of x with their orthogonal counterparts z),
 * β* = Λ⁻¹ r_xy (regression of y on z), and the raw weight of x_j is ε_j = Σ_k Λ_jk² β*_k²;
 * the weights sum to R².
 */
export function relativeWeights(R: Float64Array, m: number): Float64Array {
  const M = m + 1;
  const Rxx = new Matrix(m, m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) Rxx.set(a, b, R[a * M + b]!);
  const evd = new EigenvalueDecomposition(Rxx, { assumeSymmetric: true });
  const Q = evd.eigenvectorMatrix;
  const lambda = evd.realEigenvalues;
  const L = new Matrix(m, m);
  const Linv = new Matrix(m, m);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      let s = 0;
      let si = 0;
      for (let k = 0; k < m; k++) {
        const q = Q.get(a, k) * Q.get(b, k);
        s += q * Math.sqrt(lambda[k]!);
        si += q / Math.sqrt(lambda[k]!);
      }
      L.set(a, b, s);
      Linv.set(a, b, si);
    }
  }
  const betaStar = new Float64Array(m);
  for (let a = 0; a < m; a++) {
    let s = 0;
    for (let b = 0; b < m; b++) s += Linv.get(a, b) * R[b * M + m]!;
    betaStar[a] = s;
  }
  return Float64Array.from({ length: m }, (_, j) => {
    let e = 0;
    for (let k = 0; k < m; k++) e += L.get(j, k) ** 2 * betaStar[k]! ** 2;
    return e;
  });
}
