import { InputError } from "../core/errors.ts";
import type { SurveyDesign } from "./design.ts";
import { replicateCovariance } from "./replicate-sums.ts";

/**
 * Taylor-linearisation variance–covariance of estimators with influence values `z` (one
 * Float64Array of length n per estimator, already multiplied by the weights), as R's
 * `svyrecvar`:
 * 1. calibration: z is replaced by its residuals on each calibration's variables (g-weighted);
 * 2. stage 1: in each stratum h with n_h PSUs, the PSU totals t_hj are centred on their mean
 *    and V += (1 − n_h/N_h) · n_h/(n_h − 1) · Σ_j (t_hj − t̄_h)(t_hj − t̄_h)ᵀ
 *    (N_h = ∞ without fpc: the with-replacement approximation);
 * 3. with an fpc and more stages, each later stage adds the same within every earlier-stage
 *    cluster, multiplied by the product of the earlier sampling fractions n/N.
 * A stratum with one PSU follows `design.lonely`: fail (error), remove/certainty (adds 0),
 * adjust (centred on the average PSU total of the stage instead), average (the variance of the
 * other strata is scaled up by strata/strata-with-variance).
 * Cost O(n · k + PSUs · k²).
 *
 * @returns the k × k covariance, row-major
 * @throws InputError for a lonely PSU under "fail"
 */
export function linearisedVariance(design: SurveyDesign, z: Float64Array[]): Float64Array {
  const zs = design.calibrations.length ? residualise(design, z) : z;
  const k = zs.length;
  const V = new Float64Array(k * k);
  const nStages = design.multistage ? design.stages.length : 1;
  for (let s = 0; s < nStages; s++) addStage(design, s, zs, V);
  return V;
}

function addStage(design: SurveyDesign, s: number, z: Float64Array[], V: Float64Array): void {
  const st = design.stages[s]!;
  const k = z.length;
  const P = st.nClusters;
  const totals = new Float64Array(P * k);
  const n = design.n;
  for (let j = 0; j < k; j++) {
    const zj = z[j]!;
    for (let i = 0; i < n; i++) totals[st.cluster[i]! * k + j]! += zj[i]!;
  }
  addStageTotals(design, s, totals, k, V);
}

/**
 * The variance of one estimator from its PSU totals at stage s (the stage term of
 * {@link linearisedVariance}, same operations in the same order).
 */
export function stageVarianceOfTotals(
  design: SurveyDesign,
  s: number,
  totals: Float64Array,
): number {
  const V = new Float64Array(1);
  addStageTotals(design, s, totals, 1, V);
  return V[0]!;
}

/**
 * The k × k covariance term of stage s from the cluster totals of k estimators' influence values
 * (P × k, row-major; the stage term of {@link linearisedVariance}, same operations in the same
 * order), for estimators whose cluster totals are accumulated without n-long influence arrays
 * (e.g. many domain means at once). Sum the terms of every stage used (one unless
 * `design.multistage`). Cost O(P · k²).
 */
export function stageCovarianceOfTotals(
  design: SurveyDesign,
  s: number,
  totals: Float64Array,
  k: number,
): Float64Array {
  const V = new Float64Array(k * k);
  addStageTotals(design, s, totals, k, V);
  return V;
}

/** Adds stage s's term to V (k × k) from the PSU totals (P × k, row-major). */
function addStageTotals(
  design: SurveyDesign,
  s: number,
  totals: Float64Array,
  k: number,
  V: Float64Array,
): void {
  const st = design.stages[s]!;
  const P = st.nClusters;
  const H = st.nStrata;
  const means = new Float64Array(H * k);
  for (let c = 0; c < P; c++) {
    const h = st.clusterStratum[c]!;
    for (let j = 0; j < k; j++) means[h * k + j]! += totals[c * k + j]!;
  }
  for (let h = 0; h < H; h++) for (let j = 0; j < k; j++) means[h * k + j]! /= st.nPSU[h]!;
  const { scale, lonelyAverage, adjusted } = stageScales(design, s);
  if (adjusted.length) {
    // "adjust": a lonely PSU is centred on the average PSU total of the stage, not its stratum.
    const grand = new Float64Array(k);
    for (let c = 0; c < P; c++) for (let j = 0; j < k; j++) grand[j]! += totals[c * k + j]!;
    for (const h of adjusted) for (let j = 0; j < k; j++) means[h * k + j] = grand[j]! / P;
  }
  const Vs = new Float64Array(k * k);
  // Deviations of the clusters that count (scale > 0), two at a time: each pass over the upper
  // triangle adds both outer products (half the loads and stores of Vs for many domains).
  const dev = new Float64Array(2 * k);
  let held = 0;
  let s0 = 0;
  const flush = (two: boolean, s1: number) => {
    for (let a = 0; a < k; a++) {
      const da = s0 * dev[a]!;
      const ea = two ? s1 * dev[k + a]! : 0;
      const row = a * k;
      for (let b = a; b < k; b++) Vs[row + b]! += da * dev[b]! + ea * dev[k + b]!;
    }
  };
  for (let c = 0; c < P; c++) {
    const h = st.clusterStratum[c]!;
    const sc = scale[h]!;
    if (sc === 0) continue;
    const o = held * k;
    for (let j = 0; j < k; j++) dev[o + j] = totals[c * k + j]! - means[h * k + j]!;
    if (held === 0) {
      s0 = sc;
      held = 1;
    } else {
      flush(true, sc);
      held = 0;
    }
  }
  if (held === 1) {
    for (let j = 0; j < k; j++) dev[k + j] = 0;
    flush(false, 0);
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) Vs[a * k + b] = Vs[b * k + a]!;
  for (let i = 0; i < k * k; i++) V[i]! += Vs[i]! * lonelyAverage;
}

/** Influence values adjusted for each calibration, in the order they were applied. */
function residualise(design: SurveyDesign, z: Float64Array[]): Float64Array[] {
  let out = z;
  for (const cal of design.calibrations) {
    out = out.map((zj) =>
      cal.kind === "regression"
        ? calibrationResidual(cal.X, cal.w, zj, cal.regWeights)
        : rakeResidual(cal.margins, zj),
    );
  }
  return out;
}

/** R's raking adjustment: 10 sweeps of z ← z − w_m · (unweighted category mean of z / w_m). */
function rakeResidual(
  margins: { codes: Int32Array; levels: number; w: Float64Array }[],
  z: Float64Array,
): Float64Array {
  const x = z.slice();
  const n = x.length;
  for (let sweep = 0; sweep < 10; sweep++) {
    for (const m of margins) {
      const sum = new Float64Array(m.levels);
      const cnt = new Float64Array(m.levels);
      for (let i = 0; i < n; i++) {
        const c = m.codes[i]!;
        if (c < 0) continue;
        const wi = m.w[i] === 0 ? 1 : m.w[i]!;
        sum[c]! += x[i]! / wi;
        cnt[c]! += 1;
      }
      for (let i = 0; i < n; i++) {
        const c = m.codes[i]!;
        if (c < 0) continue;
        const wi = m.w[i] === 0 ? 1 : m.w[i]!;
        x[i]! -= wi * (sum[c]! / cnt[c]!);
      }
    }
  }
  return x;
}

/**
 * Residuals of z on the columns of X, as R's calibrated-design variance: with u = z / w,
 * e = w · (u − X β), β the least squares fit of u on X weighted by `regWeights` (default w).
 */
export function calibrationResidual(
  X: Float64Array[],
  w: Float64Array,
  z: Float64Array,
  regWeights: Float64Array = w,
): Float64Array {
  const p = X.length;
  const n = z.length;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const ui = z[i]! / wi;
    const ri = regWeights[i]!;
    for (let a = 0; a < p; a++) {
      const xa = X[a]![i]! * ri;
      b[a]! += xa * ui;
      for (let c = a; c < p; c++) A[a * p + c]! += xa * X[c]![i]!;
    }
  }
  for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) A[a * p + c] = A[c * p + a]!;
  const beta = solveSymmetric(A, b, p);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    let fit = 0;
    for (let a = 0; a < p; a++) fit += X[a]![i]! * beta[a]!;
    e[i] = wi * (z[i]! / wi - fit);
  }
  return e;
}

/**
 * Solves A x = b for a symmetric positive semi-definite A (p × p, row-major) by Gaussian
 * elimination with partial pivoting; directions with a zero pivot (collinear columns) get 0,
 * as a least-squares solution that drops aliased columns.
 */
export function solveSymmetric(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const M = A.slice();
  const x = b.slice();
  const piv = Array.from({ length: p }, (_, i) => i);
  const scaleMax = Math.max(
    1e-300,
    ...Array.from({ length: p }, (_, i) => Math.abs(M[i * p + i]!)),
  );
  const dead = new Uint8Array(p);
  for (let c = 0; c < p; c++) {
    let best = c;
    for (let r = c + 1; r < p; r++)
      if (Math.abs(M[r * p + c]!) > Math.abs(M[best * p + c]!)) best = r;
    if (Math.abs(M[best * p + c]!) <= 1e-12 * scaleMax) {
      dead[c] = 1;
      continue;
    }
    if (best !== c) {
      for (let j = 0; j < p; j++) {
        const t = M[c * p + j]!;
        M[c * p + j] = M[best * p + j]!;
        M[best * p + j] = t;
      }
      const t = x[c]!;
      x[c] = x[best]!;
      x[best] = t;
      const tp = piv[c]!;
      piv[c] = piv[best]!;
      piv[best] = tp;
    }
    for (let r = c + 1; r < p; r++) {
      const f = M[r * p + c]! / M[c * p + c]!;
      if (f === 0) continue;
      for (let j = c; j < p; j++) M[r * p + j]! -= f * M[c * p + j]!;
      x[r]! -= f * x[c]!;
    }
  }
  const sol = new Float64Array(p);
  for (let c = p - 1; c >= 0; c--) {
    if (dead[c]) continue;
    let s = x[c]!;
    for (let j = c + 1; j < p; j++) s -= M[c * p + j]! * sol[j]!;
    sol[c] = s / M[c * p + c]!;
  }
  return sol;
}

/**
 * Per-stratum variance scale of a stage, (1 − n_h/N_h) n_h/(n_h − 1) times the earlier-stage
 * multiplier (0 for a self-representing stratum), with lonely PSUs resolved by
 * `design.lonely`: fail (error), remove/certainty/average (0; average inflates the stage by
 * strata/strata-with-variance), adjust ((1 − f) and centred on the grand mean: listed in
 * `adjusted`).
 */
export function stageScales(
  design: SurveyDesign,
  s: number,
): { scale: Float64Array; lonelyAverage: number; adjusted: number[] } {
  const st = design.stages[s]!;
  const H = st.nStrata;
  const scale = new Float64Array(H);
  const adjusted: number[] = [];
  let nLonely = 0;
  for (let h = 0; h < H; h++) {
    const nh = st.nPSU[h]!;
    const f =
      st.popSize[h] === Number.POSITIVE_INFINITY ? 1 : (st.popSize[h]! - nh) / st.popSize[h]!;
    if (f < 1e-7) continue;
    if (nh > 1) {
      scale[h] = ((f * nh) / (nh - 1)) * st.multiplier[h]!;
      continue;
    }
    nLonely++;
    if (design.lonely === "fail") throw lonelyError(design, s, h);
    if (design.lonely === "adjust") {
      scale[h] = f * st.multiplier[h]!;
      adjusted.push(h);
    }
  }
  // "average" with every stratum lonely leaves nothing to average: the variance is undefined (R: NaN).
  const lonelyAverage =
    design.lonely === "average" && nLonely > 0 ? (nLonely < H ? H / (H - nLonely) : Number.NaN) : 1;
  return { scale, lonelyAverage, adjusted };
}

function lonelyError(design: SurveyDesign, s: number, h: number): InputError {
  return new InputError(
    `design: ${design.stages[s]!.describe(h)} has only one PSU at stage ${s + 1}; set "lonely_psu" to "remove", "certainty", "adjust" or "average" in design.json (R's survey.lonely.psu)`,
  );
}

/**
 * Covariance of estimators θ(w) (k values): from the replicates when the design has them
 * (R `svrVar`: scale · Σ_r rscales_r (θ_r − c)(θ_r − c)ᵀ, c the replicate mean or, with mse, the
 * full-sample estimate), else by linearisation of the influence values.
 */
export function estimatorCovariance(
  design: SurveyDesign,
  theta: (w: Float64Array) => Float64Array,
  full: Float64Array,
  influence: () => Float64Array[],
): Float64Array {
  const rep = design.replicate;
  if (!rep) return linearisedVariance(design, influence());
  const k = full.length;
  const thetas = new Float64Array(rep.count * k);
  rep.weights.forEach((w, r) => {
    thetas.set(theta(w), r * k);
  });
  return replicateCovariance(rep, thetas, k, full);
}
