import { InputError } from "../core/errors.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { factor, getColumn, numeric } from "./frame.ts";
import { type GlmFamily, irls } from "./glm-family.ts";
import { estimatorCovariance } from "./variance.ts";

export type { GlmFamily } from "./glm-family.ts";

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
 * into R's model matrix. For the binomial families a two-level factor outcome is 1 at its
 * second level, and outcomes must lie in [0, 1] (R: "y values must be 0 <= y <= 1"); for the
 * Poisson families outcomes must be ≥ 0.
 *
 * @throws InputError for an unknown variable, a malformed formula or an outcome outside the family's range
 */
export function modelMatrix(design: SurveyDesign, formula: string, family: GlmFamily): ModelMatrix {
  const frame = design.frame;
  const parts = formula.split("~");
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim()) {
    throw new InputError(`--formula must look like "y ~ x1 + x2", got "${formula}"`);
  }
  const lhs = parts[0]!.trim();
  const binomial = family === "quasibinomial" || family === "binomial";
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
      if (!binomial || c.levels.length !== 2) {
        throw new InputError(
          `--formula: outcome ${lhs} is categorical; use binomial or quasibinomial with a two-level variable or "${lhs} == value"`,
        );
      }
      y = Float64Array.from(c.codes, (x) => (x < 0 ? Number.NaN : x));
    } else y = numeric(frame, lhs);
  }
  if (binomial) {
    const bad = y.findIndex((v) => !Number.isNaN(v) && (v < 0 || v > 1));
    if (bad >= 0)
      throw new InputError(
        `row ${bad + 2}, variable ${lhs}: ${family} outcomes must be in [0, 1], got ${y[bad]}`,
      );
  }
  if (family === "poisson" || family === "quasipoisson") {
    const bad = y.findIndex((v) => v < 0);
    if (bad >= 0)
      throw new InputError(
        `row ${bad + 2}, variable ${lhs}: ${family} outcomes must be >= 0, got ${y[bad]}`,
      );
  }
  const { X, terms, complete } = modelColumns(design, parts[1]!, formula);
  for (let i = 0; i < design.n; i++) if (Number.isNaN(y[i]!)) complete[i] = 0;
  return { y, X, terms, complete };
}

/**
 * The right-hand side of a formula as R's `model.matrix` columns: "(Intercept)" unless `- 1`
 * or `+ 0`, numeric variables as they are, factors by treatment contrasts (`<var><level>`,
 * the first level dropped when there is an intercept or an earlier column), `a:b` products.
 * `complete` marks rows with every variable present.
 *
 * @throws InputError for an unknown variable or no terms
 */
export function modelColumns(
  design: SurveyDesign,
  rhsText: string,
  formula: string,
): { X: Float64Array[]; terms: string[]; complete: Uint8Array } {
  const frame = design.frame;
  const n = design.n;
  let rhs = rhsText.replace(/\s+/g, "");
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
  const complete = new Uint8Array(n).fill(1);
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
          x: indicator(c.codes, k + drop),
        }));
      }
      cols = cols.flatMap((a) =>
        next.map((b) => ({
          name: a.name ? `${a.name}:${b.name}` : b.name,
          x: product(a.x, b.x),
        })),
      );
    }
    for (const c of cols) {
      X.push(c.x);
      terms.push(c.name);
    }
  }
  if (X.length === 0) throw new InputError(`--formula "${formula}" has no terms`);
  return { X, terms, complete };
}

/**
 * Survey-weighted GLM (R `svyglm`). Coefficients by R's IRLS (`glm.fit`, see `irls` in glm-family.ts)
 * with the design weights rescaled to mean 1: the same point estimates as `glm` with those
 * weights, for every family (binomial and quasibinomial give the same coefficients; R warns
 * about non-integer successes for binomial, which changes nothing here). Variance, the same
 * design-based sandwich for every family (R's `svy.varcoef`: no dispersion enters, so poisson
 * and quasipoisson have equal SEs): influence h_i = A⁻¹ x_i r_i W_i (A = XᵀWX, r the working
 * residual, W the working weight), linearised over the design by `svyrecvar`; on a replicate
 * design, refitted per replicate from the full-sample coefficients with the replicate weights
 * rescaled to sum 1 (R's `svyglm.svyrep.design`) and combined by `svrVar`. Residual df:
 * degf + 1 − p, degf counting the PSUs and strata of the rows in the model (R drops the rows
 * lacking a model variable before `degf`; a replicate design keeps its df).
 *
 * @throws InputError for an unknown variable, an outcome outside the family's range or non-convergence
 */
export function svyGlm(design: SurveyDesign, formula: string, family: GlmFamily): SvyGlmResult {
  const mm = modelMatrix(design, formula, family);
  const picked: number[] = [];
  for (let i = 0; i < design.n; i++) if (design.weights[i]! > 0 && mm.complete[i]) picked.push(i);
  if (picked.length === 0)
    throw new InputError(`--formula ${formula}: no respondents with every model variable`);
  const rows = Int32Array.from(picked);
  const p = mm.X.length;
  const main = irls(mm.X, mm.y, rows, design.weights, family, { normalise: "mean" });
  const { beta, Ainv, U } = main;
  const vcov = estimatorCovariance(
    design,
    (wr) => irls(mm.X, mm.y, rows, wr, family, { normalise: "sum", start: beta }).beta,
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
  // R: degf of the design less the rows lacking a model variable (the replicate df as it is).
  const degf = designDf(design, mm.complete);
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

/** 1 where codes equal `level`, else 0. */
function indicator(codes: Int32Array, level: number): Float64Array {
  const x = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) if (codes[i] === level) x[i] = 1;
  return x;
}

/** The elementwise product of two columns. */
function product(a: Float64Array, b: Float64Array): Float64Array {
  const x = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) x[i] = a[i]! * b[i]!;
  return x;
}
