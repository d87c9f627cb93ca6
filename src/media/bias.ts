import { InputError } from "../core/errors.ts";
import { qt } from "../stats/distributions.ts";
import { solveSymmetric } from "../survey/variance.ts";

/** One mention in a bias regression. */
export interface BiasMention {
  tone: number;
  isTarget: boolean;
  frames: string[];
  period: string;
  article: string;
}

/** The bias estimate: tone toward the target minus tone toward the comparison set, adjusted. */
export interface BiasResult {
  estimate: number;
  se: number;
  ci_low: number;
  ci_high: number;
  n_mentions: number;
  n_articles: number;
  n_target: number;
  n_compare: number;
  raw_difference: number;
  parameters: number;
}

/**
 * Media bias toward a target (e.g. CHN in US outlets) relative to a comparison set of targets,
 * holding topic and time fixed: OLS of mention tone on an indicator of the target, frame
 * indicators (multi-label: one per frame) and period fixed effects (one per period but the
 * first), with standard errors clustered by article (CR1: G/(G−1)·(N−1)/(N−K)) and a t interval
 * on G − 1 degrees of freedom.
 *
 * @throws InputError when the target or the comparison set has no mentions
 */
export function estimateBias(rows: BiasMention[], level = 0.95): BiasResult {
  const nT = rows.filter((r) => r.isTarget).length;
  const nC = rows.length - nT;
  if (nT === 0 || nC === 0) {
    throw new InputError(
      `bias: need mentions of both the target (${nT}) and the comparison set (${nC}) in the outlet group`,
    );
  }
  const frames = [...new Set(rows.flatMap((r) => r.frames))].sort();
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const cols = (r: BiasMention): number[] => [
    1,
    r.isTarget ? 1 : 0,
    ...frames.map((f) => (r.frames.includes(f) ? 1 : 0)),
    ...periods.slice(1).map((p) => (r.period === p ? 1 : 0)),
  ];
  const X = rows.map(cols);
  let K = X[0]!.length;
  // Drop constant columns (a frame present everywhere would be collinear with the intercept).
  const keep = Array.from({ length: K }, (_, j) => j < 2 || X.some((x) => x[j] !== X[0]![j]));
  const Xk = X.map((x) => x.filter((_, j) => keep[j]));
  K = Xk[0]!.length;
  const N = rows.length;
  const XtX = new Float64Array(K * K);
  const Xty = new Float64Array(K);
  Xk.forEach((x, i) => {
    for (let a = 0; a < K; a++) {
      Xty[a]! += x[a]! * rows[i]!.tone;
      for (let b = 0; b < K; b++) XtX[a * K + b]! += x[a]! * x[b]!;
    }
  });
  const beta = solveSymmetric(XtX, Xty, K);
  // (XᵀX)⁻¹ row of the target coefficient.
  const e1 = new Float64Array(K);
  e1[1] = 1;
  const invRow = solveSymmetric(XtX, e1, K);
  const clusters = new Map<string, number>();
  Xk.forEach((x, i) => {
    let fit = 0;
    for (let a = 0; a < K; a++) fit += x[a]! * beta[a]!;
    const u = rows[i]!.tone - fit;
    let s = 0;
    for (let a = 0; a < K; a++) s += invRow[a]! * x[a]! * u;
    clusters.set(rows[i]!.article, (clusters.get(rows[i]!.article) ?? 0) + s);
  });
  const G = clusters.size;
  let v = 0;
  for (const s of clusters.values()) v += s * s;
  v *= (G / (G - 1)) * ((N - 1) / (N - K));
  const se = Math.sqrt(v);
  const t = qt(1 - (1 - level) / 2, Math.max(1, G - 1));
  const mean = (sel: boolean) => {
    const r = rows.filter((x) => x.isTarget === sel);
    return r.reduce((s, x) => s + x.tone, 0) / r.length;
  };
  return {
    estimate: beta[1]!,
    se,
    ci_low: beta[1]! - t * se,
    ci_high: beta[1]! + t * se,
    n_mentions: N,
    n_articles: G,
    n_target: nT,
    n_compare: nC,
    raw_difference: mean(true) - mean(false),
    parameters: K,
  };
}
