import { InputError } from "../core/errors.ts";

/**
 * The sweep operator (Goodnight 1979) on a symmetric (m × m, row-major) matrix, in place, on
 * pivot k: after sweeping the predictors of a subset S into a covariance matrix of
 * [predictors, y], the (y, y) entry is the residual variance of y on S. Sweeping twice on the
 * same pivot undoes it (the reverse sweep).
 */
export function sweep(A: Float64Array, m: number, k: number, reverse = false): void {
  // Dempster's symmetric form: a_ij −= a_ik a_kj / d; a_ik, a_kj ← ±a_ik / d; a_kk ← −1/d.
  const d = A[k * m + k]!;
  const rowK = k * m;
  for (let i = 0; i < m; i++) {
    if (i === k) continue;
    const f = A[i * m + k]! / d;
    if (f === 0) continue;
    const rowI = i * m;
    for (let j = 0; j < m; j++) if (j !== k) A[rowI + j]! -= f * A[rowK + j]!;
  }
  const s = reverse ? -1 / d : 1 / d;
  for (let i = 0; i < m; i++) {
    if (i === k) continue;
    A[i * m + k]! *= s;
    A[rowK + i]! *= s;
  }
  A[rowK + k] = -1 / d;
}

/**
 * R² of every subset of players, from the covariance (or correlation) matrix C of
 * [v_0 … v_{m−1}, y] ((m + 1) × (m + 1), row-major): players[p] lists the variables of player p
 * (a group of predictors counts as one player) and `always` the variables in every model. Entry
 * `mask` of the result is R² of the model with `always` and the players whose bits are set.
 * Subsets are visited in Gray-code order, each step sweeping one player in or out of C, so the
 * cost is O(2^P · m²) with no refitting; the matrix is rebuilt from scratch every 1,024 steps
 * to stop rounding from accumulating.
 *
 * @throws InputError (naming the variable) when a predictor is constant or perfectly collinear
 */
export function allSubsetR2(
  C: Float64Array,
  m: number,
  players: number[][],
  always: number[],
  names: string[],
): Float64Array {
  const M = m + 1;
  const P = players.length;
  if (P > 30) throw new Error(`allSubsetR2: ${P} players is too many for exact enumeration`);
  const vy = C[m * M + m]!;
  if (!(vy > 0)) throw new InputError("the outcome is constant: there is nothing to explain");
  checkCollinearity(C, m, [...always, ...players.flat()], names);
  const out = new Float64Array(2 ** P);
  const fresh = (mask: number) => {
    const A = C.slice();
    for (const v of always) sweep(A, M, v);
    for (let p = 0; p < P; p++) if (mask & (1 << p)) for (const v of players[p]!) sweep(A, M, v);
    return A;
  };
  let A = fresh(0);
  out[0] = 1 - A[m * M + m]! / vy;
  let gray = 0;
  for (let t = 1; t < 2 ** P; t++) {
    const p = 31 - Math.clz32(t & -t);
    gray ^= 1 << p;
    if ((t & 1023) === 0) A = fresh(gray);
    else {
      const adding = (gray & (1 << p)) !== 0;
      for (const v of players[p]!) sweep(A, M, v, !adding);
    }
    out[gray] = 1 - A[m * M + m]! / vy;
  }
  return out;
}

/**
 * Sweeps every predictor in; a pivot that falls below 1e-10 of the variable's variance means the
 * variable is constant or a linear combination of the others.
 */
export function checkCollinearity(
  C: Float64Array,
  m: number,
  vars: number[],
  names: string[],
): void {
  const M = m + 1;
  const A = C.slice();
  for (const v of vars) {
    const orig = C[v * M + v]!;
    if (!(orig > 0))
      throw new InputError(`predictor ${names[v]} is constant (no variance among the rows used)`);
    if (!(A[v * M + v]! > 1e-10 * orig)) {
      throw new InputError(
        `predictor ${names[v]} is perfectly collinear with the other predictors; drop it or group them`,
      );
    }
    sweep(A, M, v);
  }
}

/** Number of set bits. */
export function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}
