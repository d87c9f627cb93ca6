import { InputError } from "../core/errors.ts";
import { aliasedColumn } from "./collinear.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { formatNumber, getColumn } from "./frame.ts";
import { modelColumns } from "./glm.ts";
import { invertSymmetric } from "./glm-family.ts";
import { estimatorCovariance, solveSymmetric, stageCovarianceOfTotals } from "./variance.ts";

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
 *   Hessian and step halving (ℓ is concave), from β = 0 and the weighted cumulative logits
 *   (from 40,000 rows: from the maximum on a 10,000-row systematic subsample, which saves
 *   passes, not digits), until every step is below 1e-11 relative. R maximises the same ℓ with optim's BFGS, whose
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
  const fit = newton(data, wt, warmStart(data, wt));
  const par = fit.par;
  // Linearisation without calibration sums each PSU's scores first (H⁻¹ is linear), so the
  // n-long influence arrays are only built for calibrated designs (whose residuals need them).
  const vcov =
    design.replicate || design.calibrations.length
      ? estimatorCovariance(
          design,
          (w) => newton(data, compact(w), par).par,
          par,
          () => influenceArrays(design, data, wt, par),
        )
      : linearisedFromTotals(design, data, wt, par);
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

/**
 * Where Newton's method on all m rows starts: for m ≥ 40,000 the maximum on a systematic
 * subsample of about 10,000 rows (every s-th), itself from {@link startValues}; the full fit
 * then needs about 3 steps instead of 6 (ℓ is concave, so it reaches the same maximum from any
 * start; only the number of passes over all rows changes). Otherwise, or if the subsample's
 * fit fails (a level absent from it, separation), {@link startValues}.
 */
function warmStart(d: OlrData, w: Float64Array): Float64Array {
  const cold = startValues(d, w);
  const s = Math.floor(d.m / 10_000);
  if (s < 4) return cold;
  const ms = Math.ceil(d.m / s);
  const { p } = d;
  const x = new Float64Array(ms * p);
  const y = new Int32Array(ms);
  const ws = new Float64Array(ms);
  for (let j = 0; j < ms; j++) {
    const r = j * s;
    for (let a = 0; a < p; a++) x[j * p + a] = d.x[r * p + a]!;
    y[j] = d.y[r]!;
    ws[j] = w[r]!;
  }
  const sub: OlrData = { m: ms, p, q: d.q, x, y, rows: new Int32Array(0) };
  const start = startValues(sub, ws);
  if (!start.every(Number.isFinite)) return cold;
  try {
    return newton(sub, ws, start).par;
  } catch {
    return cold;
  }
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
  const bounds = boundExps(par, p, q);
  let f = 0;
  for (let r = 0; r < m; r++) {
    const wr = w[r]!;
    if (wr === 0) continue;
    const c = d.y[r]!;
    let eta = 0;
    for (let a = 0; a < p; a++) eta += x[r * p + a]! * par[a]!;
    const u = bounds[3 * (c + 1)]! - eta;
    const v = bounds[3 * c]! - eta;
    // e = e^−|t| per bound (F(t), F(−t) and f(t) = e / (1 + e)² follow from it), as
    // e^∓ζ · e^±η: one exponential per row.
    const E = Math.exp(eta);
    const Ei = 1 / E;
    let eu = u >= 0 ? bounds[3 * (c + 1) + 1]! * E : bounds[3 * (c + 1) + 2]! * Ei;
    let ev = v >= 0 ? bounds[3 * c + 1]! * E : bounds[3 * c + 2]! * Ei;
    // η beyond ±575 or a bound beyond ±500 (NaN above): the exponentials directly.
    if (!(E > 1e-250 && E < 1e250 && eu >= 0 && ev >= 0)) {
      eu = Math.exp(-Math.abs(u));
      ev = Math.exp(-Math.abs(v));
    }
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
 * Per bound b of the q + 2 (−100, ζ_1..ζ_q, 100): [b, e^−b, e^b] at 3b, for e^−|b − η| as
 * e^−b e^η or e^b e^−η. With a bound beyond ±500 the exponentials are NaN, so every row takes
 * the direct route.
 */
function boundExps(par: Float64Array, p: number, q: number): Float64Array {
  const out = new Float64Array(3 * (q + 2));
  let ok = true;
  for (let b = 0; b < q + 2; b++) {
    const t = b === 0 ? -BOUND : b === q + 1 ? BOUND : par[p + b - 1]!;
    out[3 * b] = t;
    if (!(Math.abs(t) <= 500)) ok = false;
    out[3 * b + 1] = Math.exp(-t);
    out[3 * b + 2] = Math.exp(t);
  }
  if (!ok) for (let b = 0; b < q + 2; b++) out[3 * b + 1] = out[3 * b + 2] = Number.NaN;
  return out;
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
    // Converged: the next step would move no coordinate by 1e-11 relative (the pass over the
    // rows for it would change nothing that is reported).
    let converged = true;
    for (let a = 0; a < k; a++)
      if (Math.abs(step[a]!) > 1e-11 * Math.max(Math.abs(par[a]! - step[a]!), 1)) converged = false;
    if (converged) return { par, f: cur.f, iterations: iter - 1 };
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
 * ε = 1e-3, optim's `ndeps`) of the gradient of −ℓ in (β, θ), symmetrised; A = diag(I, J) with
 * J = ∂ζ/∂θ.
 *
 * The 2(p + q) perturbed gradients are summed in one pass over the rows, each row's
 * difference g(·+ε) − g(·−ε) taken directly (the same sums as R's, rounded less). A row's
 * bounds move by a known shift (∓ε x_a for β_a, the thresholds' shift for θ), so e^−|t ± δ| =
 * e^−|t| · e^∓sδ (s the sign of t, kept by the shift; else recomputed): one exponential per
 * row and predictor instead of four per perturbation. Rows whose thresholds a θ perturbation
 * leaves in place add nothing to its difference and are skipped.
 */
function rBread(d: OlrData, w: Float64Array, par: Float64Array): Float64Array {
  const { m, p, q, x, y } = d;
  const k = p + q;
  const eps = 1e-3;
  const theta = new Float64Array(q);
  theta[0] = par[p]!;
  for (let c = 1; c < q; c++) theta[c] = Math.log(par[p + c]! - par[p + c - 1]!);
  const zeta = zetaFromTheta(theta);
  // shift[(j · 2 + side) · q + c]: how far ζ_c moves when θ_j moves by +ε (side 0) or −ε (1),
  // from ζ recomputed as R does (cumsum of the perturbed θ).
  const shift = new Float64Array(q * 2 * q);
  const scaleUp = new Float64Array(q * 2 * q); // e^{+shift}
  for (let j = 0; j < q; j++)
    for (let side = 0; side < 2; side++) {
      const t = theta.slice();
      t[j] = t[j]! + (side === 0 ? eps : -eps);
      const z = zetaFromTheta(t);
      for (let c = 0; c < q; c++) {
        const o = (j * 2 + side) * q + c;
        shift[o] = z[c]! - zeta[c]!;
        scaleUp[o] = Math.exp(shift[o]!);
      }
    }
  // Per perturbation i and side: Σ over rows of the change in the ζ-gradient (q values); the
  // β-gradient's difference between the sides directly (p values).
  const dZeta = new Float64Array(k * 2 * q);
  const dBeta = new Float64Array(k * p);
  const baseZeta = new Float64Array(q);
  const out = new Float64Array(3);
  for (let r = 0; r < m; r++) {
    const wr = w[r]!;
    if (wr === 0) continue;
    const c = y[r]!;
    const ro = r * p;
    let eta = 0;
    for (let a = 0; a < p; a++) eta += x[ro + a]! * par[a]!;
    const u = (c < q ? zeta[c]! : BOUND) - eta;
    const v = (c > 0 ? zeta[c - 1]! : -BOUND) - eta;
    const eu = Math.exp(-Math.abs(u));
    const ev = Math.exp(-Math.abs(v));
    rowGradient(u, v, eu, ev, wr, out);
    const bLu = out[1]!;
    const bLv = out[2]!;
    if (c < q) baseZeta[c]! -= bLu;
    if (c > 0) baseZeta[c - 1]! -= bLv;
    // β_a ± ε: η moves by ±ε x_a, both bounds by ∓ε x_a.
    for (let a = 0; a < p; a++) {
      const xa = x[ro + a]!;
      const h = eps * xa;
      const E = Math.exp(h);
      const Ei = 1 / E;
      let sb = 0;
      for (let side = 0; side < 2; side++) {
        const dt = side === 0 ? -h : h;
        const u2 = u + dt;
        const v2 = v + dt;
        // e^−|t + dt| = e^−|t| · e^{−s·dt}: s·dt < 0 multiplies by E when dt = −h, s > 0.
        const eu2 =
          u >= 0 === u2 >= 0 ? eu * (u >= 0 === (side === 0) ? E : Ei) : Math.exp(-Math.abs(u2));
        const ev2 =
          v >= 0 === v2 >= 0 ? ev * (v >= 0 === (side === 0) ? E : Ei) : Math.exp(-Math.abs(v2));
        rowGradient(u2, v2, eu2, ev2, wr, out);
        sb += side === 0 ? out[0]! : -out[0]!;
        const o = (a * 2 + side) * q;
        if (c < q) dZeta[o + c]! -= out[1]! - bLu;
        if (c > 0) dZeta[o + c - 1]! -= out[2]! - bLv;
      }
      const db = a * p;
      for (let b = 0; b < p; b++) dBeta[db + b]! += x[ro + b]! * sb;
    }
    // θ_j ± ε moves ζ_j..ζ_q (θ_1: all of them); a row in category c < j keeps both bounds.
    for (let j = 0; j < q && j <= c; j++) {
      let sb = 0;
      for (let side = 0; side < 2; side++) {
        const o = (j * 2 + side) * q;
        let u2 = u;
        let eu2 = eu;
        if (c < q && shift[o + c] !== 0) {
          u2 = u + shift[o + c]!;
          eu2 =
            u >= 0 === u2 >= 0
              ? u >= 0
                ? eu / scaleUp[o + c]!
                : eu * scaleUp[o + c]!
              : Math.exp(-Math.abs(u2));
        }
        let v2 = v;
        let ev2 = ev;
        if (c > 0 && shift[o + c - 1] !== 0) {
          v2 = v + shift[o + c - 1]!;
          ev2 =
            v >= 0 === v2 >= 0
              ? v >= 0
                ? ev / scaleUp[o + c - 1]!
                : ev * scaleUp[o + c - 1]!
              : Math.exp(-Math.abs(v2));
        }
        rowGradient(u2, v2, eu2, ev2, wr, out);
        sb += side === 0 ? out[0]! : -out[0]!;
        const oz = ((p + j) * 2 + side) * q;
        if (c < q) dZeta[oz + c]! -= out[1]! - bLu;
        if (c > 0) dZeta[oz + c - 1]! -= out[2]! - bLv;
      }
      const db = (p + j) * p;
      for (let b = 0; b < p; b++) dBeta[db + b]! += x[ro + b]! * sb;
    }
  }
  // Row i of the Hessian: (g_θ(+ε) − g_θ(−ε)) / 2ε; g_θ = Jᵀ g_ζ at the perturbed θ (θ_1 takes
  // every ζ's gradient, θ_j (j ≥ 2) e^θ_j times those of ζ_j..ζ_q).
  const hess = new Float64Array(k * k);
  const gz = new Float64Array(2 * q);
  for (let i = 0; i < k; i++) {
    for (let b = 0; b < p; b++) hess[i * k + b] = dBeta[i * p + b]! / (2 * eps);
    for (let side = 0; side < 2; side++) {
      let tail = 0;
      for (let c = q - 1; c >= 0; c--) {
        tail += baseZeta[c]! + dZeta[(i * 2 + side) * q + c]!;
        const th = theta[c]! + (i === p + c ? (side === 0 ? eps : -eps) : 0);
        gz[side * q + c] = c === 0 ? tail : Math.exp(th) * tail;
      }
    }
    for (let c = 0; c < q; c++) hess[i * k + p + c] = (gz[c]! - gz[q + c]!) / (2 * eps);
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

/**
 * One row's weighted gradient of −ℓ from its bounds u, v and e^−|u|, e^−|v|: out[0] = w (l_u +
 * l_v) (times x, the β part), out[1] = w l_u and out[2] = w l_v (subtracted from ζ_y, ζ_{y−1}).
 */
function rowGradient(
  u: number,
  v: number,
  eu: number,
  ev: number,
  wr: number,
  out: Float64Array,
): void {
  const iu = 1 / (1 + eu);
  const iv = 1 / (1 + ev);
  const Fu = u >= 0 ? iu : eu * iu;
  const Fv = v >= 0 ? iv : ev * iv;
  const pr = v > 0 ? ev * iv - (u >= 0 ? eu * iu : iu) : Fu - Fv;
  const lu = (eu * iu * iu) / pr;
  const lv = -(ev * iv * iv) / pr;
  out[0] = wr * (lu + lv);
  out[1] = wr * lu;
  out[2] = wr * lv;
}

/**
 * Row r's weighted gradient of −ℓ in (β, ζ) (its row of R's gmini) into g (length p + q), from
 * its linear predictor η_r.
 */
function rowScore(
  d: OlrData,
  w: Float64Array,
  par: Float64Array,
  eta: Float64Array,
  r: number,
  g: Float64Array,
): void {
  const { p, q, x } = d;
  const c = d.y[r]!;
  const u = (c < q ? par[p + c]! : BOUND) - eta[r]!;
  const v = (c > 0 ? par[p + c - 1]! : -BOUND) - eta[r]!;
  const pr = v > 0 ? plogis(-v) - plogis(-u) : plogis(u) - plogis(v);
  const wr = w[r]!;
  const lu = dlogis(u) / pr;
  const lv = -dlogis(v) / pr;
  g.fill(0);
  for (let a = 0; a < p; a++) g[a] = x[r * p + a]! * wr * (lu + lv);
  if (c < q) g[p + c] = -wr * lu;
  if (c > 0) g[p + c - 1] = -wr * lv;
}

/** The influence functions U_i Vm as k arrays over the design's n rows (for calibrated designs). */
function influenceArrays(
  design: SurveyDesign,
  d: OlrData,
  w: Float64Array,
  par: Float64Array,
): Float64Array[] {
  const k = d.p + d.q;
  const Vm = rBread(d, w, par);
  const h = Array.from({ length: k }, () => new Float64Array(design.n));
  const eta = linearPredictor(d, par);
  const g = new Float64Array(k);
  for (let r = 0; r < d.m; r++) {
    rowScore(d, w, par, eta, r, g);
    const i = d.rows[r]!;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += g[a]! * Vm[a * k + j]!;
      h[j]![i] = s;
    }
  }
  return h;
}

/**
 * svyrecvar of the influence functions U_i Vm from their cluster totals: the scores U_i are
 * summed per cluster of each stage first, then multiplied by Vm (Σ U_i Vm = (Σ U_i) Vm), so the
 * cost is O(m · k + clusters · k²) rather than O(m · k²) plus k passes over n.
 */
function linearisedFromTotals(
  design: SurveyDesign,
  d: OlrData,
  w: Float64Array,
  par: Float64Array,
): Float64Array {
  const k = d.p + d.q;
  const Vm = rBread(d, w, par);
  const nStages = design.multistage ? design.stages.length : 1;
  const sums = Array.from(
    { length: nStages },
    (_, s) => new Float64Array(design.stages[s]!.nClusters * k),
  );
  const clusters = Array.from({ length: nStages }, (_, s) => design.stages[s]!.cluster);
  const eta = linearPredictor(d, par);
  const g = new Float64Array(k);
  for (let r = 0; r < d.m; r++) {
    rowScore(d, w, par, eta, r, g);
    const i = d.rows[r]!;
    for (let s = 0; s < nStages; s++) {
      const o = clusters[s]![i]! * k;
      const t = sums[s]!;
      for (let a = 0; a < k; a++) t[o + a]! += g[a]!;
    }
  }
  const V = new Float64Array(k * k);
  for (let s = 0; s < nStages; s++) {
    const P = design.stages[s]!.nClusters;
    const S = sums[s]!;
    const totals = new Float64Array(P * k);
    for (let c = 0; c < P; c++)
      for (let j = 0; j < k; j++) {
        let t = 0;
        for (let a = 0; a < k; a++) t += S[c * k + a]! * Vm[a * k + j]!;
        totals[c * k + j] = t;
      }
    const Vs = stageCovarianceOfTotals(design, s, totals, k);
    for (let e = 0; e < k * k; e++) V[e]! += Vs[e]!;
  }
  return V;
}

/** a[rows[r]] for each r (a loop: typed-array `from` with a callback is slow in V8). */
function gatherCodes(a: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = a[rows[r]!]!;
  return out;
}
