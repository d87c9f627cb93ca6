import { InputError } from "../core/errors.ts";
import { aliasedColumn } from "./collinear.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { formatNumber, getColumn } from "./frame.ts";
import { modelColumns } from "./glm.ts";
import { invertSymmetric } from "./glm-family.ts";
import { estimatorCovariance, solveSymmetric } from "./variance.ts";

/** A fitted proportional-odds model: R `svyolr`'s coefficients, thresholds and design-based SEs. */
export interface SvyOlrResult {
  /** The predictors' names (R's `model.matrix` columns without the intercept), then the thresholds "low|mid", ... */
  terms: string[];
  /** β (one per predictor) then ζ (one per threshold, increasing). */
  coef: Float64Array;
  se: Float64Array;
  /** Covariance of `coef` (row-major). */
  vcov: Float64Array;
  /** How many of `terms` are predictors (the rest are thresholds). */
  nCoef: number;
  /** Residual degrees of freedom: degf(design) − number of predictors, as R. */
  dfResidual: number;
  /** Respondents in the model. */
  n: number;
  /** Newton iterations of the full-sample fit. */
  iterations: number;
  /** R's deviance: −2 · weighted log-likelihood / mean weight. */
  deviance: number;
}

/** The model on the respondents in it: x (m × p, row-major), the outcome's category, the rows. */
interface OlrData {
  m: number;
  p: number;
  q: number;
  x: Float64Array;
  y: Int32Array;
  rows: Int32Array;
}

/** R's gamm: the thresholds bounded by ±100 (not ±∞) at the ends. */
const BOUND = 100;
const plogis = (t: number) => 1 / (1 + Math.exp(-t));
const dlogis = (t: number) => {
  const e = Math.exp(-Math.abs(t));
  return e / ((1 + e) * (1 + e));
};

/**
 * Proportional-odds logistic regression on a survey design (R `svyolr(formula, design)`,
 * method "logistic"): P(Y ≤ k | x) = logistic(ζ_k − xᵀβ) for the ordered outcome levels
 * `levels` (lowest first), thresholds named "low|mid" as R.
 *
 * - Estimates: the maximum of the weighted log-likelihood ℓ = Σ w_i log(F(ζ_{y_i} − η_i) −
 *   F(ζ_{y_i−1} − η_i)) (ζ_0 = −100, ζ_K = 100 as R), by Newton's method with the analytic
 *   Hessian and step halving (ℓ is concave), from β = 0 and the weighted cumulative logits,
 *   until every step is below 1e-11 relative. R maximises the same ℓ with optim's BFGS, whose
 *   default stop leaves R's estimates up to ~1e-4 (relative) short of the maximum; with
 *   `control = list(reltol = 1e-15)` R agrees with these to ~1e-8.
 * - Variance (Taylor designs): as svyolr, the sandwich with influence functions
 *   U_i H⁻¹, U_i the row's weighted score in (β, ζ) and H the Hessian that optim reports: central
 *   differences (step 1e-3, optim's `ndeps`) of the analytic gradient in (β, θ), θ = (ζ_1,
 *   log(ζ_k − ζ_{k−1})), symmetrised and mapped to (β, ζ) by the Jacobian; then svyrecvar.
 *   (The step makes it differ from the exact Hessian by up to ~1e-3 for predictors on a wide
 *   scale; this is R's definition, kept so the SEs are R's.)
 * - Replicate designs: refitted per replicate from the full-sample estimates (R's
 *   `svyolr.svyrep.design` via MASS::polr), combined by svrVar.
 * - Rows lacking the outcome or a predictor are dropped (na.omit), and so from degf.
 *
 * Cost O(n · (p + q)²) per Newton step, a few steps; the variance 2(p + q) gradients more.
 *
 * @example svyOlr(design, "band ~ ell + meals", ["low", "mid", "high", "top"])
 * @throws InputError for fewer than 3 levels, an outcome value not in `levels`, a level with
 *   no respondents, an unknown variable, a collinear predictor (named) or no convergence
 */
export function svyOlr(
  design: SurveyDesign,
  formula: string,
  levels: readonly string[],
): SvyOlrResult {
  const data = olrData(design, formula, levels);
  const { p, q, m, rows } = data;
  const k = p + q;
  const compact = (w: Float64Array) => {
    const out = new Float64Array(m);
    for (let r = 0; r < m; r++) out[r] = w[rows[r]!]!;
    return out;
  };
  const wt = compact(design.weights);
  const fit = newton(data, wt, startValues(data, wt));
  const par = fit.par;
  const vcov = estimatorCovariance(
    design,
    (w) => newton(data, compact(w), par).par,
    par,
    () => {
      const Vm = rBread(data, wt, par);
      const G = rowScores(data, wt, par);
      return Array.from({ length: k }, (_, j) => {
        const h = new Float64Array(design.n);
        for (let r = 0; r < m; r++) {
          let s = 0;
          for (let a = 0; a < k; a++) s += G[r * k + a]! * Vm[a * k + j]!;
          h[rows[r]!] = s;
        }
        return h;
      });
    },
  );
  let sumW = 0;
  for (let r = 0; r < m; r++) sumW += wt[r]!;
  return {
    terms: data.terms,
    coef: par,
    se: Float64Array.from({ length: k }, (_, a) => Math.sqrt(vcov[a * k + a]!)),
    vcov,
    nCoef: p,
    dfResidual: designDf(design, data.complete) - p,
    n: m,
    iterations: fit.iterations,
    // R's mean(wt) runs over the model's rows of the design, those with weight 0 included.
    deviance: (2 * fit.f) / (sumW / data.nComplete),
  };
}

/**
 * The outcome's categories and the predictors' matrix on the respondents in the model, with
 * the checks R makes (3 or more levels, no aliased predictor) and those R leaves to the user
 * (every value among `levels`, every level present).
 */
function olrData(
  design: SurveyDesign,
  formula: string,
  levels: readonly string[],
): OlrData & { terms: string[]; complete: Uint8Array; nComplete: number } {
  const parts = formula.split("~");
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim())
    throw new InputError(`--formula must look like "band ~ x1 + x2", got "${formula}"`);
  const outcome = parts[0]!.trim();
  if (levels.length < 3)
    throw new InputError(
      `svyolr: the outcome ${outcome} needs 3 or more ordered levels (R: "response must have 3 or more levels"), got ${levels.length}: ${levels.join(", ")}`,
    );
  const dup = levels.find((l, i) => levels.indexOf(l) !== i);
  if (dup !== undefined) throw new InputError(`--levels: "${dup}" is listed twice`);
  const n = design.n;
  const col = getColumn(design.frame, outcome);
  const rank = new Map(levels.map((l, i) => [l, i]));
  const cat = new Int32Array(n).fill(-1);
  // A factor's levels are looked up once each, not once per row.
  const levelRank =
    col.kind === "factor" ? Int32Array.from(col.levels, (l) => rank.get(l) ?? -1) : null;
  for (let i = 0; i < n; i++) {
    let c: number | undefined;
    let value: string;
    if (col.kind === "factor") {
      const code = col.codes[i]!;
      if (code < 0) continue;
      c = levelRank![code]!;
      if (c >= 0) {
        cat[i] = c;
        continue;
      }
      c = undefined;
      value = col.levels[code]!;
    } else {
      if (Number.isNaN(col.values[i]!)) continue;
      value = formatNumber(col.values[i]!);
      c = rank.get(value);
    }
    if (c === undefined) {
      if (design.weights[i]! > 0)
        throw new InputError(
          `row ${i + 2}, variable ${outcome}: value "${value}" is not one of the levels ${levels.join(", ")} (--levels lists every value, lowest first)`,
        );
      continue;
    }
    cat[i] = c;
  }
  const { X, terms, complete } = modelColumns(design, parts[1]!, formula);
  if (terms[0] !== "(Intercept)")
    throw new InputError(
      `svyolr: --formula "${formula}" drops the intercept; the thresholds take its place, so write the predictors only`,
    );
  for (let i = 0; i < n; i++) if (cat[i]! < 0) complete[i] = 0;
  const picked: number[] = [];
  let nComplete = 0;
  for (let i = 0; i < n; i++) {
    if (!complete[i]) continue;
    nComplete++;
    if (design.weights[i]! > 0) picked.push(i);
  }
  const rows = Int32Array.from(picked);
  const m = rows.length;
  const K = levels.length;
  const seen = new Uint8Array(K);
  for (const i of rows) seen[cat[i]!] = 1;
  const absent = levels.filter((_, c) => !seen[c]);
  if (absent.length)
    throw new InputError(
      `svyolr: level${absent.length > 1 ? "s" : ""} ${absent.map((l) => `"${l}"`).join(", ")} of ${outcome} ha${absent.length > 1 ? "ve" : "s"} no respondents in the model; the levels present are ${levels.filter((_, c) => seen[c]).join(", ")}`,
    );
  const alias = aliasedColumn(X, rows, design.weights);
  if (alias >= 0) {
    const xa = X[alias]!;
    const constant = rows.every((i) => xa[i] === xa[rows[0]!]);
    throw new InputError(
      `svyolr: the model is singular: ${terms[alias]} is collinear with ${constant || alias === 1 ? "the thresholds (constant among the respondents in the model)" : `the terms before it (${terms.slice(1, alias).join(", ")} and the thresholds)`}; drop it from --formula`,
    );
  }
  const p = X.length - 1;
  const x = new Float64Array(m * p);
  for (let a = 0; a < p; a++) {
    const xa = X[a + 1]!;
    for (let r = 0; r < m; r++) x[r * p + a] = xa[rows[r]!]!;
  }
  const thresholds = levels.slice(0, -1).map((l, c) => `${l}|${levels[c + 1]}`);
  return {
    m,
    p,
    q: K - 1,
    x,
    y: gatherCodes(cat, rows),
    rows,
    terms: [...terms.slice(1), ...thresholds],
    complete,
    nComplete,
  };
}

/** β = 0 and ζ_k the logit of the weighted share at or below level k (the maximum at β = 0). */
function startValues(d: OlrData, w: Float64Array): Float64Array {
  const share = new Float64Array(d.q + 1);
  let total = 0;
  for (let r = 0; r < d.m; r++) {
    share[d.y[r]!]! += w[r]!;
    total += w[r]!;
  }
  const par = new Float64Array(d.p + d.q);
  let cum = 0;
  for (let c = 0; c < d.q; c++) {
    cum += share[c]! / total;
    par[d.p + c] = Math.log(cum / (1 - cum));
  }
  return par;
}

/** Linear predictors η = xβ of the model's rows. */
function linearPredictor(d: OlrData, par: Float64Array): Float64Array {
  const { m, p, x } = d;
  const eta = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    let e = 0;
    for (let a = 0; a < p; a++) e += x[r * p + a]! * par[a]!;
    eta[r] = e;
  }
  return eta;
}

/**
 * Row r's bounds u = ζ_y − η and v = ζ_{y−1} − η and probability F(u) − F(v) (computed from
 * the upper tail when both are in it, to keep the digits).
 */
function rowTerms(d: OlrData, par: Float64Array, eta: Float64Array, r: number) {
  const c = d.y[r]!;
  const u = (c < d.q ? par[d.p + c]! : BOUND) - eta[r]!;
  const v = (c > 0 ? par[d.p + c - 1]! : -BOUND) - eta[r]!;
  const pr = v > 0 ? plogis(-v) - plogis(-u) : plogis(u) - plogis(v);
  return { c, u, v, pr };
}

/**
 * −ℓ, its gradient and Hessian in (β, ζ): with l_u = f(u)/pr, l_v = −f(v)/pr,
 * l_uu = f′(u)/pr − l_u², l_vv = −f′(v)/pr − l_v², l_uv = −l_u l_v,
 * ∂ℓ/∂ζ_y = l_u, ∂ℓ/∂ζ_{y−1} = l_v, ∂ℓ/∂β = −x (l_u + l_v) and the second derivatives alike.
 * f is +∞ when a row's probability is not positive (thresholds out of order).
 */
function objective(d: OlrData, w: Float64Array, par: Float64Array, hessian: boolean, value = true) {
  const { m, p, q, x } = d;
  const k = p + q;
  const g = new Float64Array(k);
  const H = hessian ? new Float64Array(k * k) : null;
  let f = 0;
  for (let r = 0; r < m; r++) {
    const wr = w[r]!;
    if (wr === 0) continue;
    const c = d.y[r]!;
    let eta = 0;
    for (let a = 0; a < p; a++) eta += x[r * p + a]! * par[a]!;
    const u = (c < q ? par[p + c]! : BOUND) - eta;
    const v = (c > 0 ? par[p + c - 1]! : -BOUND) - eta;
    // One exponential per bound: e = e^−|t|, F(t), F(−t) and f(t) = e / (1 + e)² from it.
    const eu = Math.exp(-Math.abs(u));
    const ev = Math.exp(-Math.abs(v));
    const iu = 1 / (1 + eu);
    const iv = 1 / (1 + ev);
    const Fu = u >= 0 ? iu : eu * iu;
    const Fv = v >= 0 ? iv : ev * iv;
    // F(u) − F(v), from the upper tails when both bounds are in them (keeps the digits).
    const pr = v > 0 ? ev * iv - (u >= 0 ? eu * iu : iu) : Fu - Fv;
    if (!(pr > 0)) return { f: Number.POSITIVE_INFINITY, g, H };
    if (value) f -= wr * Math.log(pr);
    const fu = eu * iu * iu;
    const fv = ev * iv * iv;
    const lu = fu / pr;
    const lv = -fv / pr;
    const sb = wr * (lu + lv);
    for (let a = 0; a < p; a++) g[a]! += x[r * p + a]! * sb;
    if (c < q) g[p + c]! -= wr * lu;
    if (c > 0) g[p + c - 1]! -= wr * lv;
    if (!H) continue;
    // f′(t) = f(t) (1 − 2F(t)).
    const luu = (fu * (1 - 2 * Fu)) / pr - lu * lu;
    const lvv = (-fv * (1 - 2 * Fv)) / pr - lv * lv;
    const luv = -lu * lv;
    const bb = -wr * (luu + 2 * luv + lvv);
    const bu = wr * (luu + luv);
    const bv = wr * (luv + lvv);
    for (let a = 0; a < p; a++) {
      const xa = x[r * p + a]!;
      for (let b = a; b < p; b++) H[a * k + b]! += bb * xa * x[r * p + b]!;
      if (c < q) H[a * k + p + c]! += bu * xa;
      if (c > 0) H[a * k + p + c - 1]! += bv * xa;
    }
    if (c < q) H[(p + c) * k + p + c]! -= wr * luu;
    if (c > 0) H[(p + c - 1) * k + p + c - 1]! -= wr * lvv;
    if (c > 0 && c < q) H[(p + c - 1) * k + p + c]! -= wr * luv;
  }
  if (H) for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) H[a * k + b] = H[b * k + a]!;
  return { f, g, H };
}

/**
 * Newton's method on −ℓ with step halving (a step must keep −ℓ finite and not increase it),
 * until every coordinate moves less than 1e-11 relative (1e-11 absolute near 0).
 *
 * @throws InputError after 100 steps without convergence (separation)
 */
function newton(
  d: OlrData,
  w: Float64Array,
  start: Float64Array,
): { par: Float64Array; f: number; iterations: number } {
  const k = d.p + d.q;
  let par: Float64Array = start.slice();
  let cur = objective(d, w, par, true);
  if (!Number.isFinite(cur.f))
    throw new InputError("svyolr: the starting thresholds give a row probability 0");
  for (let iter = 1; iter <= 100; iter++) {
    const step = solveSymmetric(cur.H!, cur.g, k);
    let tiny = true;
    for (let a = 0; a < k; a++)
      if (Math.abs(step[a]!) > 1e-8 * Math.max(Math.abs(par[a]!), 1)) tiny = false;
    // A step this small is taken as it is: −ℓ's rounding (~1e-12 relative) exceeds its gain.
    let t = 1;
    const next = new Float64Array(k);
    let trial = cur;
    for (let half = 0; half < 60; half++) {
      for (let a = 0; a < k; a++) next[a] = par[a]! - t * step[a]!;
      trial = objective(d, w, next, true);
      if (tiny || trial.f <= cur.f) break;
      t /= 2;
    }
    let done = true;
    for (let a = 0; a < k; a++)
      if (Math.abs(next[a]! - par[a]!) > 1e-11 * Math.max(Math.abs(next[a]!), 1)) done = false;
    par = next;
    cur = trial;
    if (done) return { par, f: cur.f, iterations: iter };
  }
  throw new InputError(
    "svyolr: Newton's method did not converge in 100 steps (an outcome level separated by the predictors?)",
  );
}

/** ζ from θ = (ζ_1, log(ζ_k − ζ_{k−1})) as R's cumsum(c(θ_1, exp(θ_−1))). */
function zetaFromTheta(theta: Float64Array): Float64Array {
  const z = new Float64Array(theta.length);
  z[0] = theta[0]!;
  for (let c = 1; c < theta.length; c++) z[c] = z[c - 1]! + Math.exp(theta[c]!);
  return z;
}

/**
 * R's bread Vm = A · optimhess⁻¹ · Aᵀ: optimhess is the central-difference Hessian (step
 * 1e-3) of the gradient of −ℓ in (β, θ), symmetrised; A = diag(I, J) with J = ∂ζ/∂θ.
 */
function rBread(d: OlrData, w: Float64Array, par: Float64Array): Float64Array {
  const { p, q } = d;
  const k = p + q;
  const theta = new Float64Array(q);
  theta[0] = par[p]!;
  for (let c = 1; c < q; c++) theta[c] = Math.log(par[p + c]! - par[p + c - 1]!);
  const gradTheta = (bt: Float64Array) => {
    const full = new Float64Array(k);
    full.set(bt.subarray(0, p));
    full.set(zetaFromTheta(bt.subarray(p)), p);
    const { g } = objective(d, w, full, false, false);
    const out = g.slice();
    // g_θ = Jᵀ g_ζ: θ_1 takes every ζ's gradient, θ_j (j ≥ 2) e^θ_j times those of ζ_j..ζ_q.
    let tail = 0;
    for (let c = q - 1; c >= 0; c--) {
      tail += g[p + c]!;
      out[p + c] = c === 0 ? tail : Math.exp(bt[p + c]!) * tail;
    }
    return out;
  };
  const dpar = new Float64Array(k);
  dpar.set(par.subarray(0, p));
  dpar.set(theta, p);
  const eps = 1e-3;
  const hess = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    dpar[i] = dpar[i]! + eps;
    const g1 = gradTheta(dpar);
    dpar[i] = dpar[i]! - 2 * eps;
    const g2 = gradTheta(dpar);
    for (let j = 0; j < k; j++) hess[i * k + j] = (g1[j]! - g2[j]!) / (2 * eps);
    dpar[i] = dpar[i]! + eps;
  }
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const t = 0.5 * (hess[i * k + j]! + hess[j * k + i]!);
      hess[i * k + j] = t;
      hess[j * k + i] = t;
    }
  const vc = invertSymmetric(hess, k);
  const A = new Float64Array(k * k);
  for (let a = 0; a < p; a++) A[a * k + a] = 1;
  for (let i = 0; i < q; i++) {
    A[(p + i) * k + p] = 1;
    for (let j = 1; j <= i; j++) A[(p + i) * k + p + j] = Math.exp(theta[j]!);
  }
  const AV = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += A[i * k + l]! * vc[l * k + j]!;
      AV[i * k + j] = s;
    }
  const Vm = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += AV[i * k + l]! * A[j * k + l]!;
      Vm[i * k + j] = s;
    }
  return Vm;
}

/** Each row's weighted gradient of −ℓ in (β, ζ) (R's gmini, m × (p + q), row-major). */
function rowScores(d: OlrData, w: Float64Array, par: Float64Array): Float64Array {
  const { m, p, q, x } = d;
  const k = p + q;
  const eta = linearPredictor(d, par);
  const G = new Float64Array(m * k);
  for (let r = 0; r < m; r++) {
    const { c, u, v, pr } = rowTerms(d, par, eta, r);
    const lu = dlogis(u) / pr;
    const lv = -dlogis(v) / pr;
    const wr = w[r]!;
    for (let a = 0; a < p; a++) G[r * k + a] = x[r * p + a]! * wr * (lu + lv);
    if (c < q) G[r * k + p + c] = -wr * lu;
    if (c > 0) G[r * k + p + c - 1] = -wr * lv;
  }
  return G;
}

/** a[rows[r]] for each r (a loop: typed-array `from` with a callback is slow in V8). */
function gatherCodes(a: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = a[rows[r]!]!;
  return out;
}
