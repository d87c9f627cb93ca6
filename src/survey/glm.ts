import { InputError } from "../core/errors.ts";
import type { SurveyDesign } from "./design.ts";
import { factor, getColumn, numeric } from "./frame.ts";
import { estimatorCovariance, solveSymmetric } from "./variance.ts";

/** Families of `softpower survey glm`, as R's `svyglm(family = ...)`. */
export type GlmFamily = "gaussian" | "quasibinomial";

/** A fitted survey-weighted GLM: R's term names, coefficients and design-based SEs. */
export interface SvyGlmResult {
  terms: string[];
  coef: Float64Array;
  se: Float64Array;
  /** Covariance of the coefficients (row-major). */
  vcov: Float64Array;
  /** Residual degrees of freedom: degf(design) + 1 − p, as R. */
  dfResidual: number;
  n: number;
  iterations: number;
}

/** The model matrix of a formula: column names as R's `model.matrix` (treatment contrasts). */
export interface ModelMatrix {
  y: Float64Array;
  X: Float64Array[];
  terms: string[];
  /** Rows with every model variable present. */
  complete: Uint8Array;
}

/**
 * Parses "y ~ a + b + c" (numeric terms, factors with treatment contrasts named `<var><level>`,
 * interactions `a:b`, `- 1` or `+ 0` to drop the intercept; the outcome may be `var == value`)
 * into R's model matrix. For quasibinomial a two-level factor outcome is 1 at its second level.
 *
 * @throws InputError for an unknown variable, a malformed formula or a non-binary binomial outcome
 */
export function modelMatrix(design: SurveyDesign, formula: string, family: GlmFamily): ModelMatrix {
  const frame = design.frame;
  const parts = formula.split("~");
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim()) {
    throw new InputError(`--formula must look like "y ~ x1 + x2", got "${formula}"`);
  }
  const lhs = parts[0]!.trim();
  const n = design.n;
  let y: Float64Array;
  const eq = lhs.match(/^(.+?)\s*==\s*(.+)$/);
  if (eq) {
    const v = eq[1]!.trim();
    const value = eq[2]!.trim().replace(/^["']|["']$/g, "");
    const c = getColumn(frame, v);
    if (c.kind === "number") {
      const target = Number(value);
      y = Float64Array.from(c.values, (x) => (Number.isNaN(x) ? Number.NaN : x === target ? 1 : 0));
    } else {
      const f = factor(frame, v);
      const k = f.levels.indexOf(value);
      if (k < 0)
        throw new InputError(
          `--formula: "${value}" is not a level of ${v} (levels: ${f.levels.join(", ")})`,
        );
      y = Float64Array.from(f.codes, (x) => (x < 0 ? Number.NaN : x === k ? 1 : 0));
    }
  } else {
    const c = getColumn(frame, lhs);
    if (c.kind === "factor") {
      if (family !== "quasibinomial" || c.levels.length !== 2) {
        throw new InputError(
          `--formula: outcome ${lhs} is categorical; use quasibinomial with a two-level variable or "${lhs} == value"`,
        );
      }
      y = Float64Array.from(c.codes, (x) => (x < 0 ? Number.NaN : x));
    } else y = numeric(frame, lhs);
  }
  if (family === "quasibinomial") {
    const bad = y.findIndex((v) => !Number.isNaN(v) && (v < 0 || v > 1));
    if (bad >= 0)
      throw new InputError(
        `row ${bad + 2}, variable ${lhs}: quasibinomial outcomes must be in [0, 1], got ${y[bad]}`,
      );
  }
  let rhs = parts[1]!.replace(/\s+/g, "");
  let intercept = true;
  if (/(^|\+)0(\+|$)/.test(rhs) || /-1($|\+)/.test(rhs)) {
    intercept = false;
    rhs = rhs.replace(/-1/g, "").replace(/(^|\+)0(?=\+|$)/g, "");
  }
  const termNames = rhs.split("+").filter((t) => t !== "" && t !== "1");
  const X: Float64Array[] = [];
  const terms: string[] = [];
  if (intercept) {
    X.push(new Float64Array(n).fill(1));
    terms.push("(Intercept)");
  }
  const complete = Uint8Array.from(y, (v) => (Number.isNaN(v) ? 0 : 1));
  for (const term of termNames) {
    const comps = term.split(":");
    let cols: { name: string; x: Float64Array }[] = [{ name: "", x: new Float64Array(n).fill(1) }];
    for (const v of comps) {
      const c = getColumn(frame, v);
      let next: { name: string; x: Float64Array }[];
      if (c.kind === "number") {
        for (let i = 0; i < n; i++) if (Number.isNaN(c.values[i]!)) complete[i] = 0;
        next = [{ name: v, x: c.values }];
      } else {
        for (let i = 0; i < n; i++) if (c.codes[i]! < 0) complete[i] = 0;
        const drop = intercept || X.length > 0 ? 1 : 0;
        next = c.levels.slice(drop).map((l, k) => ({
          name: `${v}${l}`,
          x: Float64Array.from(c.codes, (code) => (code === k + drop ? 1 : 0)),
        }));
      }
      cols = cols.flatMap((a) =>
        next.map((b) => ({
          name: a.name ? `${a.name}:${b.name}` : b.name,
          x: Float64Array.from(a.x, (v, i) => v * b.x[i]!),
        })),
      );
    }
    for (const c of cols) {
      X.push(c.x);
      terms.push(c.name);
    }
  }
  if (X.length === 0) throw new InputError(`--formula "${formula}" has no terms`);
  return { y, X, terms, complete };
}

/**
 * Survey-weighted GLM (R `svyglm`): coefficients by R's IRLS (`glm.fit`: weights rescaled to
 * mean 1, binomial start μ = (w y + 0.5)/(w + 1), stop when |D − D_old|/(|D| + 0.1) < 1e-8,
 * at most 25 iterations); gaussian with the identity link is weighted least squares. Variance
 * by the sandwich: influence h_i = A⁻¹ x_i r_i W_i (A = XᵀWX, r the working residual, W the
 * working weight), linearised over the design (or refitted per replicate).
 *
 * @throws InputError for a singular model matrix or non-convergence
 */
export function svyGlm(design: SurveyDesign, formula: string, family: GlmFamily): SvyGlmResult {
  const mm = modelMatrix(design, formula, family);
  const rows: number[] = [];
  for (let i = 0; i < design.n; i++) if (design.weights[i]! > 0 && mm.complete[i]) rows.push(i);
  if (rows.length === 0)
    throw new InputError(`--formula ${formula}: no respondents with every model variable`);
  const p = mm.X.length;
  const refit = (w: Float64Array, start?: Float64Array) => irls(mm, rows, w, family, start);
  const main = refit(design.weights);
  const { beta, Ainv, U } = main;
  const vcov = estimatorCovariance(
    design,
    (wr) => refit(wr, beta).beta,
    beta,
    () =>
      Array.from({ length: p }, (_, a) => {
        const h = new Float64Array(design.n);
        for (const i of rows) {
          let s = 0;
          for (let b = 0; b < p; b++) s += Ainv[a * p + b]! * U[b]![i]!;
          h[i] = s;
        }
        return h;
      }),
  );
  const st = design.stages[0]!;
  const degf = design.replicate ? design.replicate.df : st.nClusters - st.nStrata;
  return {
    terms: mm.terms,
    coef: beta,
    se: Float64Array.from({ length: p }, (_, a) => Math.sqrt(vcov[a * p + a]!)),
    vcov,
    dfResidual: degf + 1 - p,
    n: rows.length,
    iterations: main.iterations,
  };
}

function irls(
  mm: ModelMatrix,
  rows: number[],
  w0: Float64Array,
  family: GlmFamily,
  start?: Float64Array,
) {
  const p = mm.X.length;
  const n = w0.length;
  let meanW = 0;
  for (const i of rows) meanW += w0[i]!;
  meanW /= rows.length;
  const pw = new Float64Array(n);
  for (const i of rows) pw[i] = w0[i]! / meanW;
  const y = mm.y;
  const X = mm.X;
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const binomial = family === "quasibinomial";
  const linkinv = (e: number) => (binomial ? 1 / (1 + Math.exp(-e)) : e);
  const muEta = (e: number) => {
    if (!binomial) return 1;
    const ex = Math.exp(-Math.abs(e));
    return ex / (1 + ex) ** 2;
  };
  const variance = (m: number) => (binomial ? m * (1 - m) : 1);
  const devResid = (yi: number, m: number, wi: number) => {
    if (!binomial) return wi * (yi - m) ** 2;
    const a = yi > 0 ? yi * Math.log(yi / m) : 0;
    const b = yi < 1 ? (1 - yi) * Math.log((1 - yi) / (1 - m)) : 0;
    return 2 * wi * (a + b);
  };
  if (start) {
    for (const i of rows) {
      let e = 0;
      for (let a = 0; a < p; a++) e += X[a]![i]! * start[a]!;
      eta[i] = e;
      mu[i] = linkinv(e);
    }
  } else {
    for (const i of rows) {
      const m = binomial ? (pw[i]! * y[i]! + 0.5) / (pw[i]! + 1) : y[i]!;
      mu[i] = m;
      eta[i] = binomial ? Math.log(m / (1 - m)) : m;
    }
  }
  let dev = 0;
  for (const i of rows) dev += devResid(y[i]!, mu[i]!, pw[i]!);
  const W = new Float64Array(n);
  let beta: Float64Array = new Float64Array(p);
  let A: Float64Array = new Float64Array(p * p);
  let iterations = 0;
  for (let iter = 1; iter <= 25; iter++) {
    iterations = iter;
    const A2 = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (const i of rows) {
      const me = muEta(eta[i]!);
      const z = eta[i]! + (y[i]! - mu[i]!) / me;
      const wi = (pw[i]! * me * me) / variance(mu[i]!);
      W[i] = wi;
      for (let a = 0; a < p; a++) {
        const xa = X[a]![i]! * wi;
        if (xa === 0) continue;
        b[a]! += xa * z;
        for (let c = a; c < p; c++) A2[a * p + c]! += xa * X[c]![i]!;
      }
    }
    for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) A2[a * p + c] = A2[c * p + a]!;
    beta = solveSymmetric(A2, b, p);
    A = A2;
    for (const i of rows) {
      let e = 0;
      for (let a = 0; a < p; a++) e += X[a]![i]! * beta[a]!;
      eta[i] = e;
      mu[i] = linkinv(e);
    }
    const devOld = dev;
    dev = 0;
    for (const i of rows) dev += devResid(y[i]!, mu[i]!, pw[i]!);
    if (!binomial || Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < 1e-8) break;
    if (iter === 25)
      throw new InputError(
        "survey glm: IRLS did not converge in 25 iterations (separation or a degenerate outcome?)",
      );
  }
  const Ainv = invertSymmetric(A, p);
  // Estimating functions U = x · (working residual at the final fit) · (working weight of the last step).
  const U = Array.from({ length: p }, () => new Float64Array(n));
  for (const i of rows) {
    const r = (y[i]! - mu[i]!) / muEta(eta[i]!);
    for (let a = 0; a < p; a++) U[a]![i] = X[a]![i]! * r * W[i]!;
  }
  return { beta, Ainv, U, iterations };
}

function invertSymmetric(A: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  for (let c = 0; c < p; c++) {
    const e = new Float64Array(p);
    e[c] = 1;
    const col = solveSymmetric(A, e, p);
    for (let r = 0; r < p; r++) inv[r * p + c] = col[r]!;
  }
  return inv;
}
