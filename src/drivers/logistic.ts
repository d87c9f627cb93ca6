import { solveSymmetric } from "../survey/variance.ts";

/**
 * Weighted logistic regression by Newton–Raphson (IRLS), returning the weighted log-likelihood
 * Σ w [y ln p + (1 − y) ln(1 − p)] at the maximum, the coefficients (intercept first) and the
 * iterations. `cols` are the predictor columns; `start` warm-starts the fit.
 */
export function logisticLogLik(
  cols: Float64Array[],
  y: Float64Array,
  w: Float64Array,
  rows: Int32Array,
  start?: Float64Array,
): { loglik: number; beta: Float64Array; iterations: number } {
  const p = cols.length + 1;
  const beta = start ? start.slice() : new Float64Array(p);
  if (!start) {
    let sw = 0;
    let swy = 0;
    for (const i of rows) {
      sw += w[i]!;
      swy += w[i]! * y[i]!;
    }
    const p0 = swy / sw;
    beta[0] = Math.log(p0 / (1 - p0));
  }
  const x = (a: number, i: number) => (a === 0 ? 1 : cols[a - 1]![i]!);
  let ll = Number.NEGATIVE_INFINITY;
  let iterations = 0;
  for (let iter = 1; iter <= 50; iter++) {
    iterations = iter;
    const H = new Float64Array(p * p);
    const g = new Float64Array(p);
    let llNew = 0;
    for (const i of rows) {
      let eta = beta[0]!;
      for (let a = 1; a < p; a++) eta += beta[a]! * cols[a - 1]![i]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const wi = w[i]!;
      const yi = y[i]!;
      llNew += wi * (yi * logSafe(mu) + (1 - yi) * logSafe(1 - mu));
      const r = wi * (yi - mu);
      const v = wi * mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        const xa = x(a, i);
        g[a]! += xa * r;
        const xv = xa * v;
        for (let b = a; b < p; b++) H[a * p + b]! += xv * x(b, i);
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) H[a * p + b] = H[b * p + a]!;
    const step = solveSymmetric(H, g, p);
    for (let a = 0; a < p; a++) beta[a]! += step[a]!;
    if (Math.abs(llNew - ll) <= 1e-10 * (Math.abs(llNew) + 0.1)) {
      ll = llNew;
      break;
    }
    ll = llNew;
  }
  // Log-likelihood at the final coefficients.
  let final = 0;
  for (const i of rows) {
    let eta = beta[0]!;
    for (let a = 1; a < p; a++) eta += beta[a]! * cols[a - 1]![i]!;
    const mu = 1 / (1 + Math.exp(-eta));
    final += w[i]! * (y[i]! * logSafe(mu) + (1 - y[i]!) * logSafe(1 - mu));
  }
  return { loglik: final, beta, iterations };
}

const logSafe = (x: number) => (x > 0 ? Math.log(x) : -745);

/**
 * McFadden's pseudo-R² of every subset of players for a binary outcome: 1 − LL(S)/LL(null), with
 * `always` variables in every model and LL the weighted log-likelihood. Each fit starts from the
 * fit of the subset without its highest player (warm start).
 */
export function allSubsetMcFadden(
  cols: Float64Array[],
  y: Float64Array,
  w: Float64Array,
  rows: Int32Array,
  players: number[][],
  always: number[],
): { values: Float64Array; nullLogLik: number } {
  const P = players.length;
  const nullFit = logisticLogLik([], y, w, rows);
  const ll0 = nullFit.loglik;
  const values = new Float64Array(2 ** P);
  const betas: (Float64Array | undefined)[] = new Array(2 ** P);
  for (let mask = 0; mask < 2 ** P; mask++) {
    const vars = [...always];
    for (let p = 0; p < P; p++) if (mask & (1 << p)) vars.push(...players[p]!);
    let start: Float64Array | undefined;
    if (mask) {
      const hi = 31 - Math.clz32(mask);
      const parent = betas[mask & ~(1 << hi)];
      if (parent) {
        // Parent's coefficients, zero for the added player's variables (in `vars` order).
        start = new Float64Array(vars.length + 1);
        start.set(parent.subarray(0, parent.length));
      }
    }
    const fit = logisticLogLik(
      vars.map((v) => cols[v]!),
      y,
      w,
      rows,
      start,
    );
    betas[mask] = fit.beta;
    values[mask] = 1 - fit.loglik / ll0;
  }
  return { values, nullLogLik: ll0 };
}
