import { InputError } from "../core/errors.ts";
import { solveSymmetric } from "./variance.ts";

/** Families of `softpower survey glm`, as R's `svyglm(family = ...)`. */
export type GlmFamily = "gaussian" | "quasibinomial" | "binomial" | "poisson" | "quasipoisson";

export const GLM_FAMILIES: readonly GlmFamily[] = [
  "gaussian",
  "quasibinomial",
  "binomial",
  "poisson",
  "quasipoisson",
];

/**
 * A GLM family with its canonical link, as R's `family` objects (stats/R/family.R and the C
 * helpers of src/library/stats/src/family.c): the same thresholds, so the IRLS iterates are R's.
 */
interface Family {
  linkfun: (mu: number) => number;
  linkinv: (eta: number) => number;
  muEta: (eta: number) => number;
  variance: (mu: number) => number;
  /** Unit deviance times the prior weight. */
  devResid: (y: number, mu: number, w: number) => number;
  /** R's `initialize`: μ at the start from y and the prior weight. */
  mustart: (y: number, w: number) => number;
  validMu: (mu: number) => boolean;
  /** Whether the fit iterates (gaussian with the identity link is one weighted least squares). */
  iterative: boolean;
}

const EPS = 2.220446049250313e-16;
const THRESH = 30;
const INVEPS = 1 / EPS;
const yLogY = (y: number, mu: number) => (y !== 0 ? y * Math.log(y / mu) : 0);

const logit: Family = {
  linkfun: (m) => Math.log(m / (1 - m)),
  // R's C_logit_linkinv: e^η clamped to [ε, 1/ε] beyond |η| > 30, then x / (1 + x).
  linkinv: (e) => {
    const t = e < -THRESH ? EPS : e > THRESH ? INVEPS : Math.exp(e);
    return t / (1 + t);
  },
  muEta: (e) => {
    const o = 1 + Math.exp(e);
    return e > THRESH || e < -THRESH ? EPS : Math.exp(e) / (o * o);
  },
  variance: (m) => m * (1 - m),
  devResid: (y, m, w) => 2 * w * (yLogY(y, m) + yLogY(1 - y, 1 - m)),
  mustart: (y, w) => (w * y + 0.5) / (w + 1),
  validMu: (m) => Number.isFinite(m) && m > 0 && m < 1,
  iterative: true,
};

const log: Family = {
  linkfun: (m) => Math.log(m),
  linkinv: (e) => Math.max(Math.exp(e), EPS),
  muEta: (e) => Math.max(Math.exp(e), EPS),
  variance: (m) => m,
  devResid: (y, m, w) => 2 * (y > 0 ? w * (y * Math.log(y / m) - (y - m)) : m * w),
  mustart: (y) => y + 0.1,
  validMu: (m) => Number.isFinite(m) && m > 0,
  iterative: true,
};

const identity: Family = {
  linkfun: (m) => m,
  linkinv: (e) => e,
  muEta: () => 1,
  variance: () => 1,
  devResid: (y, m, w) => w * (y - m) ** 2,
  mustart: (y) => y,
  validMu: () => true,
  iterative: false,
};

/** The link and variance of a family: binomial and quasibinomial share the logit (same fit). */
export function familyOf(family: GlmFamily): Family {
  if (family === "binomial" || family === "quasibinomial") return logit;
  if (family === "poisson" || family === "quasipoisson") return log;
  return identity;
}

/** A fitted IRLS: coefficients, (XᵀWX)⁻¹ and the estimating functions of each row. */
export interface IrlsFit {
  beta: Float64Array;
  /** (XᵀWX)⁻¹ with the working weights of the last iteration (R's `cov.unscaled`), row-major. */
  Ainv: Float64Array;
  /** Per coefficient, x_ia · (working residual) · (working weight): R's `estfun` in svy.varcoef. */
  U: Float64Array[];
  iterations: number;
}

/**
 * R's `glm.fit` IRLS: prior weights w0 rescaled to mean 1 over the design's rows (`"mean"`,
 * svyglm's `.survey.prob.weights`) or to sum 1 (`"sum"`, svyglm.svyrep.design's replicate
 * refits); start from `start` (η = Xβ) or from the family's μ start; each step solves
 * XᵀWX β = XᵀWz (z = η + (y − μ)/μ'(η), W = w μ'(η)² / V(μ)); a step whose deviance is not
 * finite or whose μ is invalid is halved towards the previous coefficients (as R); stop when
 * |D − D_old| / (|D| + 0.1) < 1e-8, at most 25 iterations.
 *
 * @throws InputError when the fit does not converge
 */
export function irls(
  X: Float64Array[],
  y: Float64Array,
  rows: Int32Array,
  w0: Float64Array,
  family: GlmFamily,
  opts: { normalise: "mean" | "sum"; start?: Float64Array },
): IrlsFit {
  const fam = familyOf(family);
  const p = X.length;
  const n = w0.length;
  let total = 0;
  if (opts.normalise === "mean") for (let i = 0; i < n; i++) total += w0[i]!;
  else for (const i of rows) total += w0[i]!;
  const scale = opts.normalise === "mean" ? total / n : total;
  const pw = new Float64Array(n);
  for (const i of rows) pw[i] = w0[i]! / scale;
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const linear = (beta: Float64Array) => {
    for (const i of rows) {
      let e = 0;
      for (let a = 0; a < p; a++) e += X[a]![i]! * beta[a]!;
      eta[i] = e;
      mu[i] = fam.linkinv(e);
    }
  };
  const deviance = () => {
    let d = 0;
    for (const i of rows) d += fam.devResid(y[i]!, mu[i]!, pw[i]!);
    return d;
  };
  const muValid = () => {
    for (const i of rows) if (!fam.validMu(mu[i]!)) return false;
    return true;
  };
  let coefOld: Float64Array | null = null;
  if (opts.start) {
    linear(opts.start);
    coefOld = opts.start;
  } else {
    for (const i of rows) {
      const m = fam.mustart(y[i]!, pw[i]!);
      mu[i] = m;
      eta[i] = fam.linkfun(m);
    }
  }
  let dev = deviance();
  const W = new Float64Array(n);
  let beta: Float64Array = new Float64Array(p);
  let A: Float64Array = new Float64Array(p * p);
  let iterations = 0;
  let converged = false;
  for (let iter = 1; iter <= 25; iter++) {
    iterations = iter;
    const A2 = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (const i of rows) {
      const me = fam.muEta(eta[i]!);
      const z = eta[i]! + (y[i]! - mu[i]!) / me;
      const wi = (pw[i]! * me * me) / fam.variance(mu[i]!);
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
    linear(beta);
    let devNew = deviance();
    // R: halve the step while the deviance is not finite or μ leaves the family's range.
    for (let half = 0; (!Number.isFinite(devNew) || !muValid()) && coefOld; half++) {
      if (half >= 25)
        throw new InputError("survey glm: no valid set of coefficients found (step halving)");
      const old: Float64Array = coefOld;
      beta = Float64Array.from(beta, (v, a) => (v + old[a]!) / 2);
      linear(beta);
      devNew = deviance();
    }
    const devOld = dev;
    dev = devNew;
    coefOld = beta;
    if (!fam.iterative || Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < 1e-8) {
      converged = true;
      break;
    }
  }
  if (!converged)
    throw new InputError(
      `survey glm (${family}): IRLS did not converge in 25 iterations (separation or a degenerate outcome?)`,
    );
  const Ainv = invertSymmetric(A, p);
  // Estimating functions: x · (working residual at the final fit) · (working weight of the last step).
  const U = Array.from({ length: p }, () => new Float64Array(n));
  for (const i of rows) {
    const r = (y[i]! - mu[i]!) / fam.muEta(eta[i]!);
    for (let a = 0; a < p; a++) U[a]![i] = X[a]![i]! * r * W[i]!;
  }
  return { beta, Ainv, U, iterations };
}

/** The inverse of a symmetric positive definite p × p matrix (row-major), column by column. */
export function invertSymmetric(A: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  for (let c = 0; c < p; c++) {
    const e = new Float64Array(p);
    e[c] = 1;
    const col = solveSymmetric(A, e, p);
    for (let r = 0; r < p; r++) inv[r * p + c] = col[r]!;
  }
  return inv;
}
