import type { SurveyDesign } from "./design.ts";
import { replicateCovariance, replicateSums } from "./replicate-sums.ts";

/** A mean or total of one group with its replicate-weight SE and design effect. */
export interface GroupEstimate {
  estimate: number;
  se: number;
  /** Respondents used (0: the group has none with data). */
  n: number;
  deff: number;
}

/**
 * Weighted means (R `svymean`) or totals (`svytotal`) of y in every group at once, with
 * replicate-weight SEs (the design must have replicates): rows with group g >= 0, weight > 0
 * and y present. Full-sample estimates, the design effect's s²_w and n as {@link svyMean} /
 * {@link svyTotal} (same sums in the same order); the replicate estimates from one
 * {@link replicateSums} sweep (Σ w_r y and Σ w_r per group and replicate), so the cost is one
 * pass over the rows plus G · P · R, not R passes of the estimator.
 */
export function replicateMeansTotals(
  design: SurveyDesign,
  y: Float64Array,
  group: Int32Array,
  G: number,
  stat: "mean" | "total",
): GroupEstimate[] {
  const rep = design.replicate;
  if (!rep) throw new Error("replicateMeansTotals: the design has no replicate weights");
  const w = design.weights;
  const n = design.n;
  const used = new Int32Array(n);
  const sw = new Float64Array(G);
  const swy = new Float64Array(G);
  const cnt = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    const yi = y[i]!;
    if (g < 0 || w[i] === 0 || Number.isNaN(yi)) {
      used[i] = -1;
      continue;
    }
    used[i] = g;
    sw[g]! += w[i]!;
    swy[g]! += w[i]! * yi;
    cnt[g]! += 1;
  }
  const mean = Float64Array.from(swy, (s, g) => s / sw[g]!);
  const ss = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    const g = used[i]!;
    if (g < 0) continue;
    ss[g]! += w[i]! * (y[i]! - mean[g]!) ** 2;
  }
  const R = rep.count;
  const S = replicateSums(rep, used, G, stat === "mean" ? [y, null] : [y]);
  const thetas = new Float64Array(R);
  const full = new Float64Array(1);
  return Array.from({ length: G }, (_, g) => {
    const m = cnt[g]!;
    if (m === 0) return { estimate: Number.NaN, se: Number.NaN, n: 0, deff: Number.NaN };
    if (stat === "mean") {
      for (let r = 0; r < R; r++) thetas[r] = S[(g * R + r) * 2]! / S[(g * R + r) * 2 + 1]!;
    } else thetas.set(S.subarray(g * R, (g + 1) * R));
    const est = stat === "mean" ? mean[g]! : swy[g]!;
    full[0] = est;
    const v = replicateCovariance(rep, thetas, 1, full)[0]!;
    const s2w = (ss[g]! / sw[g]!) * (m / (m - 1));
    const W = sw[g]!;
    const vsrs = stat === "mean" ? (s2w * (W - m)) / (W * m) : (W * W * s2w * (W - m)) / (W * m);
    return { estimate: est, se: Math.sqrt(v), n: m, deff: v / vsrs };
  });
}
