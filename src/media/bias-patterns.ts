import { InputError } from "../core/errors.ts";
import { qt } from "../stats/distributions.ts";
import { solveSymmetric } from "../survey/variance.ts";
import type { BiasResult } from "./bias.ts";

/**
 * The media bias regression of media/bias.ts (`estimateBias`) from aggregates, so that it runs
 * streaming over any number of mentions (DuckDB over a file or a Parquet glob; only the
 * aggregates reach node).
 *
 * Every column of the design (1, target, frame indicators, period dummies) is a function of the
 * mention's *pattern* p = (is target, set of frames, period), so with n_p mentions of pattern p
 * and T_p their summed tone:
 *
 *   XᵀX = Σ_p n_p x_p x_pᵀ (integer counts, exact),  Xᵀy = Σ_p T_p x_p,
 *
 * β = (XᵀX)⁻¹Xᵀy. The CR1 article-clustered variance of β_target is
 * v = G/(G−1)·(N−1)/(N−K) · Σ_g s_g², s_g = Σ_{i∈g} c_{p(i)}·(y_i − f_{p(i)}) with c_p the
 * target row of (XᵀX)⁻¹ times x_p and f_p = x_pᵀβ; grouping article g's mentions by pattern,
 * s_g = Σ_p c_p·(T_gp − n_gp·f_p). Same definition as estimateBias (R: `lm` + `sandwich::vcovCL`
 * with type "HC1" and cluster = article, t interval on G − 1 df); the sums are exact decimals
 * (DECIMAL(38, 18) tone sums, summed again exactly here as BigInt) rounded once, so the result
 * does not depend on the order the rows are read in (one file and a folder of parts agree to the
 * last digit); estimateBias sums in row order and can differ from it in the last bits.
 */

/** Mentions of one pattern: count and exact tone sum (a decimal string, e.g. DuckDB's DECIMAL). */
export interface BiasPattern {
  isTarget: boolean;
  /** The pattern's frames (a set: order and repeats do not matter). */
  frames: string[];
  period: string;
  n: number;
  toneSum: string;
}

/** The fitted design: coefficients and, per pattern (in input order), c_p and f_p. */
export interface BiasFit {
  beta: Float64Array;
  K: number;
  N: number;
  nTarget: number;
  nCompare: number;
  rawDifference: number;
  /** c_p: the target row of (XᵀX)⁻¹ times x_p. */
  coef: Float64Array;
  /** f_p = x_pᵀβ. */
  fitted: Float64Array;
}

const SCALE = 18;

/** An exact decimal string as a BigInt of 10⁻¹⁸ units. */
function decimalUnits(s: string): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s.trim());
  if (!m) throw new InputError(`bias: not a decimal tone sum: "${s}"`);
  const frac = (m[3] ?? "").padEnd(SCALE, "0");
  if (frac.length > SCALE && /[1-9]/.test(frac.slice(SCALE)))
    throw new InputError(`bias: more than ${SCALE} decimals in a tone sum: "${s}"`);
  const v = BigInt((m[2] || "0") + frac.slice(0, SCALE));
  return m[1] === "-" ? -v : v;
}

/** BigInt of 10⁻¹⁸ units as the nearest double (through its decimal string). */
function unitsToNumber(v: bigint): number {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(SCALE + 1, "0");
  return Number(`${neg ? "-" : ""}${s.slice(0, -SCALE)}.${s.slice(-SCALE)}`);
}

/** Fits the bias regression from its patterns (see the module comment). */
export function fitBiasPatterns(patterns: BiasPattern[]): BiasFit {
  let nT = 0;
  let nC = 0;
  let tT = 0n;
  let tC = 0n;
  for (const p of patterns) {
    if (p.isTarget) {
      nT += p.n;
      tT += decimalUnits(p.toneSum);
    } else {
      nC += p.n;
      tC += decimalUnits(p.toneSum);
    }
  }
  if (nT === 0 || nC === 0)
    throw new InputError(
      `bias: need mentions of both the target (${nT}) and the comparison set (${nC}) in the outlet group`,
    );
  const frames = [...new Set(patterns.flatMap((p) => p.frames))].sort();
  const periods = [...new Set(patterns.map((p) => p.period))].sort();
  const X = patterns.map((p) => [
    1,
    p.isTarget ? 1 : 0,
    ...frames.map((f) => (p.frames.includes(f) ? 1 : 0)),
    ...periods.slice(1).map((q) => (p.period === q ? 1 : 0)),
  ]);
  // Drop constant columns (a frame present everywhere would be collinear with the intercept).
  const K0 = X[0]!.length;
  const keep = Array.from({ length: K0 }, (_, j) => j < 2 || X.some((x) => x[j] !== X[0]![j]));
  const Xk = X.map((x) => x.filter((_, j) => keep[j]));
  const K = Xk[0]!.length;
  const XtX = new Float64Array(K * K);
  const Xty = Array.from({ length: K }, () => 0n);
  Xk.forEach((x, i) => {
    const n = patterns[i]!.n;
    const t = decimalUnits(patterns[i]!.toneSum);
    for (let a = 0; a < K; a++) {
      if (x[a] === 0) continue;
      Xty[a]! += t;
      for (let b = 0; b < K; b++) XtX[a * K + b]! += n * x[b]!;
    }
  });
  const beta = solveSymmetric(XtX, Float64Array.from(Xty, unitsToNumber), K);
  const e1 = new Float64Array(K);
  e1[1] = 1;
  const invRow = solveSymmetric(XtX, e1, K);
  const coef = new Float64Array(patterns.length);
  const fitted = new Float64Array(patterns.length);
  Xk.forEach((x, i) => {
    let c = 0;
    let f = 0;
    for (let a = 0; a < K; a++) {
      c += invRow[a]! * x[a]!;
      f += x[a]! * beta[a]!;
    }
    coef[i] = c;
    fitted[i] = f;
  });
  return {
    beta,
    K,
    N: nT + nC,
    nTarget: nT,
    nCompare: nC,
    rawDifference: unitsToNumber(tT) / nT - unitsToNumber(tC) / nC,
    coef,
    fitted,
  };
}

/**
 * The bias result from the fit and the clusters: G articles and Σ_g s_g² (CR1 factor
 * G/(G−1)·(N−1)/(N−K), t quantile on max(1, G − 1) df).
 */
export function biasFromClusters(
  fit: BiasFit,
  clusters: { G: number; sumSquares: number },
  level = 0.95,
): BiasResult {
  const { G } = clusters;
  const { N, K } = fit;
  const v = clusters.sumSquares * ((G / (G - 1)) * ((N - 1) / (N - K)));
  const se = Math.sqrt(v);
  const t = qt(1 - (1 - level) / 2, Math.max(1, G - 1));
  const b = fit.beta[1]!;
  return {
    estimate: b,
    se,
    ci_low: b - t * se,
    ci_high: b + t * se,
    n_mentions: N,
    n_articles: G,
    n_target: fit.nTarget,
    n_compare: fit.nCompare,
    raw_difference: fit.rawDifference,
    parameters: K,
  };
}
