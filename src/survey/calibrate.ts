import { Matrix, pseudoInverse } from "ml-matrix";
import { InputError } from "../core/errors.ts";
import type { Calibration, SurveyDesign } from "./design.ts";
import { factor } from "./frame.ts";
import { recalibratedReplicates } from "./replicates.ts";

/** Population counts of each level of one or more variables, e.g. { stype: { E: 4421, ... } }. */
export type Margins = Record<string, Record<string, number>>;

/** Indicator columns of a factor's levels (in `levels` order) for rows with weight > 0. */
function indicators(design: SurveyDesign, variable: string, levels: string[]): Float64Array[] {
  const f = factor(design.frame, variable);
  const pos = levels.map((l) => f.levels.indexOf(l));
  return levels.map((_, k) =>
    Float64Array.from(f.codes, (c) => (pos[k]! >= 0 && c === pos[k] ? 1 : 0)),
  );
}

function checkMargin(
  design: SurveyDesign,
  variable: string,
  counts: Record<string, number>,
): string[] {
  const f = factor(design.frame, variable);
  const levels = Object.keys(counts);
  for (const [l, v] of Object.entries(counts)) {
    if (!(v > 0))
      throw new InputError(
        `calibration margin ${variable} = ${l}: population count must be > 0, got ${v}`,
      );
  }
  const sampled = new Set<number>();
  for (let i = 0; i < design.n; i++)
    if (design.weights[i]! > 0 && f.codes[i]! >= 0) sampled.add(f.codes[i]!);
  for (const k of sampled) {
    if (!levels.includes(f.levels[k]!)) {
      throw new InputError(
        `calibration margin ${variable}: the sample has level "${f.levels[k]}" but the margins do not; give a population count for every level (${f.levels.join(", ")})`,
      );
    }
  }
  for (const l of levels) {
    if (!f.levels.includes(l) || !sampled.has(f.levels.indexOf(l))) {
      throw new InputError(
        `calibration margin ${variable} = ${l}: no respondents in this cell (empty cell); merge it with another level`,
      );
    }
  }
  const missing = Array.from(f.codes).findIndex((c, i) => c < 0 && design.weights[i]! > 0);
  if (missing >= 0)
    throw new InputError(
      `row ${missing + 2}, variable ${variable}: missing value in a calibration variable`,
    );
  return levels;
}

/**
 * Post-stratification (R `postStratify`): within each post-stratum g the weights are scaled so
 * they sum to the population count N_g, w*_i = w_i N_g / Σ_{j∈g} w_j. The variance then uses
 * the influence values' residuals from their post-stratum weighted means.
 *
 * @throws InputError for an empty cell, a sample level without a population count, a count <= 0
 */
export function postStratify(
  design: SurveyDesign,
  variable: string,
  counts: Record<string, number>,
): SurveyDesign {
  const levels = checkMargin(design, variable, counts);
  const X = indicators(design, variable, levels);
  const reweight = (w0: Float64Array) => {
    const w = w0.slice();
    levels.forEach((l, k) => {
      let s = 0;
      for (let i = 0; i < design.n; i++) s += X[k]![i]! * w[i]!;
      const g = counts[l]! / s;
      for (let i = 0; i < design.n; i++) if (X[k]![i]) w[i]! *= g;
    });
    return w;
  };
  const w = reweight(design.weights);
  return withCalibrated(
    design,
    w,
    { kind: "regression", X, w, regWeights: design.weights },
    reweight,
  );
}

/**
 * The design with new weights and the calibration's variance record; a replicate design has
 * every replicate recalibrated the same way (as R).
 */
function withCalibrated(
  design: SurveyDesign,
  w: Float64Array,
  cal: Calibration,
  recalibrate: (w: Float64Array) => Float64Array,
): SurveyDesign {
  const rep = design.replicate;
  return {
    ...design,
    weights: w,
    calibrations: [...design.calibrations, cal],
    replicate: rep ? recalibratedReplicates(rep, recalibrate) : null,
  };
}

/** Options of {@link rake}, as R's `control = list(maxit = 10, epsilon = 1)`. */
export interface RakeOptions {
  maxit?: number;
  /** Convergence tolerance on the weighted cross-table: relative to Σw when < 1, else absolute. */
  epsilon?: number;
}

/**
 * Raking (R `rake`): iterative proportional fitting, post-stratifying on each margin in turn
 * until the weighted cross-table of all margin variables changes by less than the tolerance
 * between two passes. The variance uses R's raking adjustment (10 sweeps over the margins).
 *
 * @throws InputError for margins with different population totals (inconsistent), an empty
 *   cell, a level without a count, or no convergence within maxit passes
 */
export function rake(design: SurveyDesign, margins: Margins, opts: RakeOptions = {}): SurveyDesign {
  const names = Object.keys(margins);
  if (names.length === 0) throw new InputError("rake: give at least one margin");
  const totals = names.map((v) => Object.values(margins[v]!).reduce((a, b) => a + b, 0));
  for (let m = 1; m < names.length; m++) {
    if (Math.abs(totals[m]! - totals[0]!) > 1e-6 * Math.abs(totals[0]!)) {
      throw new InputError(
        `rake: inconsistent margins: ${names[0]} sums to ${totals[0]} but ${names[m]} sums to ${totals[m]}; every margin must add up to the same population`,
      );
    }
  }
  const levelsOf = names.map((v) => checkMargin(design, v, margins[v]!));
  const facs = names.map((v) => factor(design.frame, v));
  const maxit = opts.maxit ?? 10;
  const eps = opts.epsilon ?? 1;
  const sw0 = design.weights.reduce((a, b) => a + b, 0);
  const tol = eps < 1 ? eps * sw0 : eps;
  const cross = (w: Float64Array) => {
    const t = new Map<string, number>();
    for (let i = 0; i < design.n; i++) {
      if (w[i] === 0) continue;
      const key = facs.map((f) => f.codes[i]).join(",");
      t.set(key, (t.get(key) ?? 0) + w[i]!);
    }
    return t;
  };
  /** One pass: post-stratify on each margin in turn (the weights after each margin kept). */
  const onePass = (w0: Float64Array) => {
    let w: Float64Array = w0;
    const pass: { codes: Int32Array; levels: number; w: Float64Array }[] = [];
    names.forEach((v, m) => {
      const f = facs[m]!;
      const levels = levelsOf[m]!;
      const pos = levels.map((l) => f.levels.indexOf(l));
      const sums = new Float64Array(f.levels.length);
      for (let i = 0; i < design.n; i++) if (f.codes[i]! >= 0) sums[f.codes[i]!]! += w[i]!;
      const g = new Float64Array(f.levels.length).fill(1);
      levels.forEach((l, k) => {
        g[pos[k]!] = margins[v]![l]! / sums[pos[k]!]!;
      });
      w = Float64Array.from(w, (wi, i) => (f.codes[i]! >= 0 ? wi * g[f.codes[i]!]! : wi));
      pass.push({ codes: f.codes, levels: f.levels.length, w });
    });
    return { w, pass };
  };
  const runPasses = (w0: Float64Array) => {
    let w: Float64Array = w0.slice();
    let old = cross(w);
    for (let it = 0; it < maxit; it++) {
      const step = onePass(w);
      w = step.w;
      const now = cross(w);
      let diff = 0;
      for (const [k, v] of now) diff = Math.max(diff, Math.abs(v - (old.get(k) ?? 0)));
      for (const [k, v] of old) if (!now.has(k)) diff = Math.max(diff, Math.abs(v));
      if (diff < tol) return { w, pass: step.pass, passes: it + 1 };
      old = now;
    }
    throw new InputError(
      `rake: did not converge after ${maxit} passes (tolerance ${tol}); check the margins for consistency or raise "maxit"`,
    );
  };
  const { w, pass, passes } = runPasses(design.weights);
  // R's rake post-stratifies the replicate weights along with the full-sample weights: each
  // replicate gets the same number of passes, its convergence not checked on its own.
  const replicatePasses = (wr: Float64Array) => {
    let x = wr;
    for (let it = 0; it < passes; it++) x = onePass(x).w;
    return x;
  };
  return withCalibrated(design, w, { kind: "rake", margins: pass }, replicatePasses);
}

/** Calibration functions of R's `calibrate(calfun = ...)`. */
export type CalFun = "linear" | "raking" | "logit";

export interface CalibrateOptions {
  calfun?: CalFun;
  /** Bounds on g = new/old weight (R's `bounds`), default (−∞, ∞); logit needs finite L < 1 < U. */
  bounds?: [number, number];
  /**
   * R's `trim = c(lower, upper)`: after calibration g is clamped to [lower, upper] and the
   * trimmed weight Σ (g − g*) w is added back to the untrimmed units' g in proportion to their
   * weight (one pass, so an untrimmed g may end up outside). R ignores `trim` on the closed-form
   * linear calibration (linear without bounds), so it needs `bounds` (or another calfun) here.
   */
  trim?: [number, number];
  maxit?: number;
  epsilon?: number;
}

/**
 * Model-matrix columns named as R's `model.matrix` names them: "(Intercept)", a numeric
 * variable's name, or `<factor><level>` for a level indicator.
 */
export function modelColumns(design: SurveyDesign, names: string[]): Float64Array[] {
  const frame = design.frame;
  return names.map((name) => {
    if (name === "(Intercept)") return new Float64Array(design.n).fill(1);
    const col = frame.columns.get(name);
    if (col && col.kind === "number" && !col.labels) {
      const v = col.values;
      const bad = v.findIndex((x, i) => Number.isNaN(x) && design.weights[i]! > 0);
      if (bad >= 0)
        throw new InputError(
          `row ${bad + 2}, variable ${name}: missing value in a calibration variable`,
        );
      return v;
    }
    for (const [v] of frame.columns) {
      if (!name.startsWith(v) || name === v) continue;
      const f = factor(frame, v);
      const level = name.slice(v.length);
      const k = f.levels.indexOf(level);
      if (k >= 0) return Float64Array.from(f.codes, (c) => (c === k ? 1 : 0));
    }
    throw new InputError(
      `calibration total "${name}": not a variable or a <variable><level> indicator of the data (R model-matrix names such as "(Intercept)", "stypeH", "api99")`,
    );
  });
}

/**
 * Calibration to population totals (R `calibrate`): new weights w·g with Σ w g x = t_pop for the
 * model-matrix columns x. Linear without bounds is GREG in closed form (R's `regcalibrate`),
 * g = 1 + xᵀλ with λ = (Σ w x xᵀ)⁻¹ (t_pop − Σ w x); otherwise Deville–Särndal Newton iterations
 * (R's `grake`) on g = 1 + F(xᵀη) with F linear (truncated to the bounds), raking
 * (exp, truncated) or logit (bounded), until max |misfit_j|/(1 + |t_j|) < epsilon (1e-7).
 * With `trim = [a, b]` (R's `trim`, not with the closed form): g* = clamp(g, a, b) and every
 * untrimmed g gains Σ_i (g_i − g*_i) w_i / Σ_untrimmed w (the trimmed weight redistributed in
 * proportion to weight; total weight kept). The variance uses the residuals of the influence
 * values on x (old weights), with the final (trimmed) g.
 * A replicate design has each replicate's weights calibrated the same way to the same totals
 * (R's `calibrate.svyrep.design`: grake from η = 0, the same bounds and trim; a replicate that
 * does not converge keeps its last g, as R, which only warns).
 *
 * @throws InputError when the calibration does not converge (and trimming does not apply), the
 *   totals are misnamed, the bounds do not straddle 1, logit lacks finite bounds, or the trim
 *   is not lower < upper or is asked of the closed-form linear calibration
 */
export function calibrate(
  design: SurveyDesign,
  totals: Record<string, number>,
  opts: CalibrateOptions = {},
): SurveyDesign {
  const names = Object.keys(totals);
  const X = modelColumns(design, names);
  const pop = Float64Array.from(names, (nm) => totals[nm]!);
  const p = names.length;
  const w0 = design.weights;
  const n = design.n;
  const calfun = opts.calfun ?? "linear";
  const [L, U] = opts.bounds ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  if (!(L < 1 && U > 1))
    throw new InputError(`calibrate: bounds must satisfy lower < 1 < upper, got [${L}, ${U}]`);
  if (calfun === "logit" && !(Number.isFinite(L) && Number.isFinite(U))) {
    throw new InputError("calibrate: logit calibration needs finite bounds, e.g. [0.5, 2]");
  }
  const closedForm =
    calfun === "linear" && L === Number.NEGATIVE_INFINITY && U === Number.POSITIVE_INFINITY;
  const trim = opts.trim;
  if (trim) {
    if (!(trim[0] < trim[1]))
      throw new InputError(
        `calibrate: trim must be [lower, upper] with lower < upper, got [${trim}]`,
      );
    if (closedForm)
      throw new InputError(
        'calibrate: "trim" with linear calibration needs "bounds": R\'s calibrate ignores trim on its closed-form (unbounded linear) calibration; give bounds, e.g. [-1e6, 1e6], to calibrate iteratively and trim g as R does then',
      );
  }
  const gOf = (wb: Float64Array, replicate: boolean): Float64Array => {
    const tx = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) tx[a]! += wb[i]! * X[a]![i]!;
    if (closedForm) {
      const T = crossprod(X, wb, null);
      const lambda = pinvSolve(
        T,
        Float64Array.from(pop, (v, a) => v - tx[a]!),
        p,
      );
      return Float64Array.from({ length: n }, (_, i) => {
        let s = 0;
        for (let a = 0; a < p; a++) s += X[a]![i]! * lambda[a]!;
        return 1 + s;
      });
    }
    const r = grake(X, wb, pop, tx, calfun, L, U, opts.maxit ?? 50, opts.epsilon ?? 1e-7);
    const trimmed = trim ? trimG(r.g, wb, trim[0], trim[1]) : 0;
    if (r.failed !== null && !replicate && trimmed === 0)
      throw new InputError(
        `calibrate: ${calfun} calibration did not converge in ${opts.maxit ?? 50} iterations (misfit ${r.failed}); the totals may be unreachable within the bounds`,
      );
    return r.g;
  };
  const reweight = (wb: Float64Array, replicate: boolean) => {
    const g = gOf(wb, replicate);
    return Float64Array.from(wb, (wi, i) => wi * g[i]!);
  };
  const w = reweight(w0, false);
  return withCalibrated(design, w, { kind: "regression", X, w, regWeights: w0 }, (wr) =>
    reweight(wr, true),
  );
}

/**
 * R's `trim` of calibrate, in place: g_i outside [lo, hi] set to the bound, and the trimmed
 * weight Σ (g_i − g*_i) w_i added to every untrimmed g as Σ(g − g*)w / Σ_untrimmed w.
 * Units with weight 0 count as R counts them (their g is clamped too; they carry no weight).
 *
 * @returns the number of g values trimmed
 */
function trimG(g: Float64Array, w: Float64Array, lo: number, hi: number): number {
  const out = new Uint8Array(g.length);
  let outside = 0;
  let excess = 0;
  let kept = 0;
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!;
    if (gi < lo || gi > hi) {
      const c = gi < lo ? lo : hi;
      excess += (gi - c) * w[i]!;
      g[i] = c;
      out[i] = 1;
      outside++;
    } else kept += w[i]!;
  }
  if (outside === 0) return 0;
  const add = excess / kept;
  for (let i = 0; i < g.length; i++) if (!out[i]) g[i]! += add;
  return outside;
}

function crossprod(X: Float64Array[], w: Float64Array, d: Float64Array | null): Float64Array {
  const p = X.length;
  const T = new Float64Array(p * p);
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]! * (d ? d[i]! : 1);
    if (wi === 0) continue;
    for (let a = 0; a < p; a++) {
      const xa = X[a]![i]! * wi;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) T[a * p + b]! += xa * X[b]![i]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) T[a * p + b] = T[b * p + a]!;
  return T;
}

/** x = T⁺ b (Moore–Penrose, as R's MASS::ginv) for a symmetric T. */
function pinvSolve(T: Float64Array, b: Float64Array, p: number): Float64Array {
  const M = new Matrix(p, p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) M.set(a, c, T[a * p + c]!);
  const inv = pseudoInverse(M, 256 * Number.EPSILON);
  return Float64Array.from({ length: p }, (_, a) => {
    let s = 0;
    for (let c = 0; c < p; c++) s += inv.get(a, c) * b[c]!;
    return s;
  });
}

function calF(calfun: CalFun, u: number, L: number, U: number): { F: number; dF: number } {
  switch (calfun) {
    case "linear": {
      const g = Math.min(Math.max(1 + u, L), U);
      return { F: g - 1, dF: u > L - 1 && u < U - 1 ? 1 : 0 };
    }
    case "raking": {
      const e = Math.exp(u);
      return { F: Math.min(Math.max(e, L), U) - 1, dF: u > L - 1 && u < U - 1 ? e : 0 };
    }
    case "logit": {
      const A = (U - L) / ((U - 1) * (1 - L));
      const e = Math.exp(A * u);
      const den = U - 1 + (1 - L) * e;
      const F = (L * (U - 1) + U * (1 - L) * e) / den - 1;
      const dF =
        (U * (1 - L) * A * e * den - (L * (U - 1) + U * (1 - L) * e) * (1 - L) * A * e) /
        (den * den);
      return { F, dF };
    }
  }
}

/**
 * R's `grake` (Newton–Raphson on η, from η = 0), step for step: iteration 1 takes a step before
 * the first convergence check; a step whose g or F' is not finite is halved, each halving
 * counting as an iteration; fails (returning the last g with its misfit) when the iterations
 * exceed maxit.
 */
function grake(
  X: Float64Array[],
  w0: Float64Array,
  pop: Float64Array,
  tx: Float64Array,
  calfun: CalFun,
  L: number,
  U: number,
  maxit: number,
  eps: number,
): { g: Float64Array; failed: number | null } {
  const p = X.length;
  const n = w0.length;
  // R: when every population total is over 20 times the sample total, rescale the weights first.
  const ratios = Array.from(pop, (v, a) => v / tx[a]!);
  const rescale = Math.min(...ratios) > 20 ? ratios.reduce((a, b) => a + b, 0) / p : 1;
  const w = Float64Array.from(w0, (v) => v * rescale);
  const twx = Float64Array.from(tx, (v) => v * rescale);
  const state = (et: Float64Array) => {
    const F = new Float64Array(n);
    const dF = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let u = 0;
      for (let a = 0; a < p; a++) u += X[a]![i]! * et[a]!;
      const r = calF(calfun, u, L, U);
      F[i] = r.F;
      dF[i] = r.dF;
    }
    const misfit = Float64Array.from(pop, (v, a) => {
      let s = v - twx[a]!;
      for (let i = 0; i < n; i++) s -= w[i]! * F[i]! * X[a]![i]!;
      return s;
    });
    return { F, dF, misfit };
  };
  const finite = (s: { F: Float64Array; dF: Float64Array }) =>
    s.F.every((f, i) => Number.isFinite(f) && Number.isFinite(s.dF[i]!));
  const achieved = (m: Float64Array) =>
    Math.max(...Array.from(m, (v, a) => Math.abs(v) / (1 + Math.abs(pop[a]!))));
  let eta = new Float64Array(p);
  let st = state(eta);
  let iter = 1;
  let failed: number | null = null;
  for (;;) {
    const T = crossprod(X, w, st.dF);
    const delta = pinvSolve(T, st.misfit, p);
    const base = eta;
    eta = Float64Array.from(base, (v, a) => v + delta[a]!);
    st = state(eta);
    let step = 1;
    while (iter < maxit && !finite(st)) {
      iter++;
      step /= 2;
      eta = Float64Array.from(base, (v, a) => v + step * delta[a]!);
      st = state(eta);
    }
    if (st.misfit.every((v, a) => Math.abs(v) / (1 + Math.abs(pop[a]!)) < eps)) break;
    iter++;
    if (iter > maxit) {
      failed = achieved(st.misfit);
      break;
    }
  }
  return { g: Float64Array.from(st.F, (f) => (1 + f) * rescale), failed };
}

/**
 * Weight trimming (R `trimWeights`): weights outside [lower, upper] are set to the bound and the
 * amount trimmed is shared equally among the untrimmed units; with `strict`, repeated until no
 * weight is outside. The variance is not adjusted (as R).
 */
export function trimWeights(
  design: SurveyDesign,
  lower = Number.NEGATIVE_INFINITY,
  upper = Number.POSITIVE_INFINITY,
  strict = false,
): SurveyDesign {
  if (!(lower < upper))
    throw new InputError(`trimWeights: lower (${lower}) must be below upper (${upper})`);
  let w = design.weights.slice();
  for (let round = 0; round < 100; round++) {
    let excess = 0;
    let untrimmed = 0;
    const trimmed = new Uint8Array(design.n);
    for (let i = 0; i < design.n; i++) {
      if (w[i] === 0) continue;
      const c = Math.min(Math.max(w[i]!, lower), upper);
      if (c !== w[i]) {
        excess += w[i]! - c;
        w[i] = c;
        trimmed[i] = 1;
      } else untrimmed++;
    }
    if (excess === 0 && round > 0) break;
    if (untrimmed > 0)
      w = Float64Array.from(w, (v, i) => (v > 0 && !trimmed[i] ? v + excess / untrimmed : v));
    if (!strict) break;
    if (!w.some((v) => v > 0 && (v > upper + 1e-12 || v < lower - 1e-12))) break;
  }
  return { ...design, weights: w };
}
