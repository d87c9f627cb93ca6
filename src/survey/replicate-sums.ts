import type { ReplicateWeights } from "./design.ts";

/**
 * Weighted sums for every replicate at once, the kernel of the replicate-weight estimators:
 * S[(g · R + r) · k + j] = Σ_{i: group_i = g} w_{r,i} · v_{j,i} for groups g = 0..G − 1 (rows with
 * group −1 are left out) and value columns j = 0..k − 1 (a null column stands for 1). One pass
 * over the rows, no per-replicate weight arrays:
 * - "psu" layout (w_{r,i} = base_i · M[psu_i, r]): the PSU sums T[g, c, j] = Σ base_i v_{j,i}, then
 *   S[g, r, j] = Σ_c M[c, r] T[g, c, j]; cost O(n k + G · P · R · k) (PSUs a group does not touch
 *   are skipped). When G · P is large against n (many PSUs, e.g. one per respondent) each row
 *   adds its R weights instead, O(n R k);
 * - "rows" layout (an n × R matrix): each row adds its R weights, O(n R k).
 * The sums differ from Σ_i w_{r,i} v_{j,i} over stored replicate weights only by rounding.
 */
export function replicateSums(
  rep: ReplicateWeights,
  group: Int32Array,
  G: number,
  values: (Float64Array | null)[],
): Float64Array {
  const R = rep.count;
  const k = values.length;
  const S = new Float64Array(G * R * k);
  const n = group.length;
  const layout = rep.layout;
  const vals = new Float64Array(k);
  if (layout.kind === "psu" && G * layout.nPsu <= 4 * n + 1024) {
    const { base, psu, nPsu: P, multipliers: M } = layout;
    const T = new Float64Array(G * P * k);
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      if (g < 0) continue;
      const off = (g * P + psu[i]!) * k;
      const b = base[i]!;
      for (let j = 0; j < k; j++) {
        const v = values[j];
        T[off + j]! += v ? b * v[i]! : b;
      }
    }
    for (let g = 0; g < G; g++) {
      for (let c = 0; c < P; c++) {
        const toff = (g * P + c) * k;
        const moff = c * R;
        for (let j = 0; j < k; j++) {
          const t = T[toff + j]!;
          if (t === 0) continue;
          let s = g * R * k + j;
          for (let r = 0; r < R; r++, s += k) S[s]! += M[moff + r]! * t;
        }
      }
    }
    return S;
  }
  // One row at a time: its R weights (the PSU's multipliers times base_i, or the row of the
  // n × R matrix), specialised for one and two value columns.
  const psuLayout = layout.kind === "psu" ? layout : null;
  const W = psuLayout ? psuLayout.multipliers : (layout as { matrix: Float64Array }).matrix;
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    if (g < 0) continue;
    const woff = psuLayout ? psuLayout.psu[i]! * R : i * R;
    const b = psuLayout ? psuLayout.base[i]! : 1;
    for (let j = 0; j < k; j++) {
      const v = values[j];
      vals[j] = v ? b * v[i]! : b;
    }
    const soff = g * R * k;
    if (k === 1) {
      const v0 = vals[0]!;
      for (let r = 0; r < R; r++) S[soff + r]! += W[woff + r]! * v0;
    } else if (k === 2) {
      const v0 = vals[0]!;
      const v1 = vals[1]!;
      for (let r = 0, s = soff; r < R; r++, s += 2) {
        const wr = W[woff + r]!;
        S[s]! += wr * v0;
        S[s + 1]! += wr * v1;
      }
    } else {
      for (let r = 0; r < R; r++) {
        const wr = W[woff + r]!;
        const s = soff + r * k;
        for (let j = 0; j < k; j++) S[s + j]! += wr * vals[j]!;
      }
    }
  }
  return S;
}

/**
 * Replicate-weight covariance of k estimators (R `svrVar`): scale · Σ_r rscales_r (θ_r − c)(θ_r − c)ᵀ,
 * c the mean of the replicates with rscale > 0 or, with mse, the full-sample estimate.
 *
 * @param thetas the R replicate estimates, R × k row-major (from `offset`)
 * @returns the k × k covariance, row-major
 */
export function replicateCovariance(
  rep: ReplicateWeights,
  thetas: Float64Array,
  k: number,
  full: ArrayLike<number>,
  offset = 0,
): Float64Array {
  const R = rep.count;
  const centre = new Float64Array(k);
  if (rep.mse) for (let a = 0; a < k; a++) centre[a] = full[a]!;
  else {
    let used = 0;
    for (let r = 0; r < R; r++) {
      if (rep.rscales[r]! <= 0) continue;
      used++;
      for (let a = 0; a < k; a++) centre[a]! += thetas[offset + r * k + a]!;
    }
    for (let a = 0; a < k; a++) centre[a]! /= used;
  }
  const V = new Float64Array(k * k);
  for (let r = 0; r < R; r++) {
    const sc = rep.scale * rep.rscales[r]!;
    const t = offset + r * k;
    for (let a = 0; a < k; a++) {
      const da = thetas[t + a]! - centre[a]!;
      for (let b = 0; b < k; b++) V[a * k + b]! += sc * da * (thetas[t + b]! - centre[b]!);
    }
  }
  return V;
}
