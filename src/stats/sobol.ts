import { quantileSorted } from "./quantile.ts";
import type { Rng } from "./rng.ts";

/** Sobol indices of one input with bootstrap bounds (NaN when no bootstrap). */
export interface SobolIndex {
  Si: number;
  STi: number;
  Si_lo: number;
  Si_hi: number;
  STi_lo: number;
  STi_hi: number;
}

/**
 * Saltelli's design (COINr `SA_sample`): an N × 2d matrix of U(0, 1) values, A its first d
 * columns and B its last d; the rows are A, B, then AB_i (A with column i taken from B) for
 * i = 1..d, N(d + 2) rows in all. Returned column-major: `cols[j][row]`.
 */
export function saltelliSample(N: number, d: number, rng: Rng): Float64Array[] {
  const base = Array.from({ length: 2 * d }, () => {
    const c = new Float64Array(N);
    for (let r = 0; r < N; r++) c[r] = rng.uniform();
    return c;
  });
  return Array.from({ length: d }, (_, j) => {
    const col = new Float64Array(N * (d + 2));
    const a = base[j]!;
    const b = base[d + j]!;
    col.set(a, 0);
    col.set(b, N);
    for (let i = 0; i < d; i++) col.set(i === j ? b : a, (2 + i) * N);
    return col;
  });
}

/**
 * Sobol first-order and total indices from outputs on Saltelli's design (COINr `SA_estimate`):
 * y = [y_A (N), y_B (N), y_AB1 (N), ..., y_ABd (N)], V = var(y_A ∪ y_B) (denominator 2N − 1),
 * S_i = mean(y_B (y_ABi − y_A)) / V (Saltelli 2010), ST_i = Σ (y_A − y_ABi)² / (2N V) (Jansen 1999).
 * Bootstrap (nboot > 0): the N terms of each estimator are resampled with replacement, V kept
 * fixed, and the bounds are the (1 − ci)/2 and (1 + ci)/2 type-7 quantiles (ci 0.9: 5% and 95%).
 *
 * @example sobolEstimate(y, 16384, 3, { nboot: 0 })[0].Si // ≈ 0.3139 for Ishigami x1
 */
export function sobolEstimate(
  y: ArrayLike<number>,
  N: number,
  d: number,
  opts: { nboot?: number; rng?: Rng; ci?: number } = {},
): { variance: number; indices: SobolIndex[] } {
  if (y.length !== N * (d + 2))
    throw new Error(`sobolEstimate: y has ${y.length} values; N(d + 2) = ${N * (d + 2)}`);
  let s = 0;
  for (let k = 0; k < 2 * N; k++) s += y[k]!;
  const m = s / (2 * N);
  let ss = 0;
  for (let k = 0; k < 2 * N; k++) ss += (y[k]! - m) ** 2;
  const V = ss / (2 * N - 1);
  const nboot = opts.nboot ?? 0;
  const ci = opts.ci ?? 0.9;
  const tS = new Float64Array(N);
  const tT = new Float64Array(N);
  const indices = Array.from({ length: d }, (_, i) => {
    const off = (2 + i) * N;
    let sS = 0;
    let sT = 0;
    for (let k = 0; k < N; k++) {
      const yA = y[k]!;
      const yB = y[N + k]!;
      const yAB = y[off + k]!;
      tS[k] = yB * (yAB - yA);
      tT[k] = (yA - yAB) ** 2;
      sS += tS[k]!;
      sT += tT[k]!;
    }
    const out: SobolIndex = {
      Si: sS / N / V,
      STi: sT / (2 * N * V),
      Si_lo: Number.NaN,
      Si_hi: Number.NaN,
      STi_lo: Number.NaN,
      STi_hi: Number.NaN,
    };
    if (nboot > 0) {
      const rng = opts.rng;
      if (!rng) throw new Error("sobolEstimate: a bootstrap needs an rng");
      const bS = new Float64Array(nboot);
      const bT = new Float64Array(nboot);
      for (let b = 0; b < nboot; b++) {
        let a = 0;
        for (let k = 0; k < N; k++) a += tS[rng.int(N)]!;
        bS[b] = a / N / V;
        let c = 0;
        for (let k = 0; k < N; k++) c += tT[rng.int(N)]!;
        bT[b] = c / (2 * N * V);
      }
      bS.sort();
      bT.sort();
      const lo = (1 - ci) / 2;
      const hi = (1 + ci) / 2;
      out.Si_lo = quantileSorted(bS, lo);
      out.Si_hi = quantileSorted(bS, hi);
      out.STi_lo = quantileSorted(bT, lo);
      out.STi_hi = quantileSorted(bT, hi);
    }
    return out;
  });
  return { variance: V, indices };
}

/**
 * Maps a column of U(0, 1) samples onto n alternatives as COINr does (R's `cut(x, breaks = n)`):
 * the column's observed range is split into n equal intervals, the outer breaks widened by
 * range/1000, intervals closed on the right; interval k gives alternative k (0-based here).
 */
export function cutIndices(x: Float64Array, n: number): Int32Array {
  const out = new Int32Array(x.length);
  if (n <= 1) return out;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const dx = hi - lo;
  if (dx === 0) {
    // R: a constant column is cut around its value; every sample falls in the middle interval.
    out.fill(Math.floor((n - 1) / 2));
    return out;
  }
  const breaks = new Float64Array(n + 1);
  const by = dx / n; // R: seq(lo, hi, length.out = n + 1) = lo + k·by
  for (let k = 0; k <= n; k++) breaks[k] = lo + k * by;
  breaks[0] = lo - dx / 1000;
  breaks[n] = hi + dx / 1000;
  for (let r = 0; r < x.length; r++) {
    const v = x[r]!;
    let k = Math.min(n - 1, Math.max(0, Math.floor(((v - lo) / dx) * n)));
    // Right-closed intervals (b_k, b_{k+1}]: step to the interval that holds v exactly.
    while (k > 0 && v <= breaks[k]!) k--;
    while (k < n - 1 && v > breaks[k + 1]!) k++;
    out[r] = k;
  }
  return out;
}
