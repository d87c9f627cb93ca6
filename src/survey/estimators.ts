import { InputError } from "../core/errors.ts";
import type { SurveyDesign } from "./design.ts";
import { factor, numeric } from "./frame.ts";
import { linearisedVariance } from "./variance.ts";

/** One estimate with its linearised standard error. */
export interface Estimate {
  variable: string;
  /** Category for proportions, quantile for quantiles, else "". */
  level: string;
  estimate: number;
  se: number;
  /** Unweighted respondents used. */
  n: number;
  /** Design effect (R's deff = TRUE: against simple random sampling without replacement). */
  deff: number;
}

/** Rows in a domain (1) or not (0); null = every row. */
export type Domain = Uint8Array | null;

interface Prepared {
  y: Float64Array;
  use: Uint8Array;
  n: number;
  excluded: number;
}

/**
 * Values of a numeric variable and which rows count: in the domain, weight > 0 and the value
 * present (R's na.rm = TRUE, which keeps the design but drops the rows from the estimate).
 */
function prepare(design: SurveyDesign, variable: string, domain: Domain): Prepared {
  const y = numeric(design.frame, variable);
  const use = new Uint8Array(design.n);
  let n = 0;
  let excluded = 0;
  for (let i = 0; i < design.n; i++) {
    if (domain && !domain[i]) continue;
    if (design.weights[i] === 0) continue;
    if (Number.isNaN(y[i]!)) {
      excluded++;
      continue;
    }
    use[i] = 1;
    n++;
  }
  return { y, use, n, excluded };
}

function emptyDomain(variable: string): never {
  throw new InputError(
    `variable ${variable}: the domain has no respondents with data; nothing to estimate`,
  );
}

/**
 * Weighted mean (R `svymean`): ȳ = Σ w y / Σ w over the rows used; influence
 * z_i = w_i (y_i − ȳ)/Σ w. Design effect against SRS without replacement:
 * V_srs = s²_w (N̂ − n)/(N̂ n), with s²_w R's `svyvar` and N̂ = Σ w.
 *
 * @example svyMean(design, "api00") // { estimate: 644.17, se: 23.54 } for apiclus1
 */
export function svyMean(design: SurveyDesign, variable: string, domain: Domain = null): Estimate {
  const p = prepare(design, variable, domain);
  if (p.n === 0) emptyDomain(variable);
  const w = design.weights;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < design.n; i++) {
    if (!p.use[i]) continue;
    sw += w[i]!;
    swy += w[i]! * p.y[i]!;
  }
  const mean = swy / sw;
  const z = new Float64Array(design.n);
  let ss = 0;
  for (let i = 0; i < design.n; i++) {
    if (!p.use[i]) continue;
    const d = p.y[i]! - mean;
    z[i] = (w[i]! * d) / sw;
    ss += w[i]! * d * d;
  }
  const v = linearisedVariance(design, [z])[0]!;
  const s2 = (ss / sw) * (p.n / (p.n - 1));
  const vsrs = (s2 * (sw - p.n)) / (sw * p.n);
  return { variable, level: "", estimate: mean, se: Math.sqrt(v), n: p.n, deff: v / vsrs };
}

/**
 * Weighted total (R `svytotal`): Σ w y; influence z_i = w_i y_i. Design effect against SRS
 * without replacement: V_srs = N̂² s²_w (N̂ − n)/(N̂ n).
 */
export function svyTotal(design: SurveyDesign, variable: string, domain: Domain = null): Estimate {
  const p = prepare(design, variable, domain);
  if (p.n === 0) emptyDomain(variable);
  const w = design.weights;
  const z = new Float64Array(design.n);
  let total = 0;
  let sw = 0;
  for (let i = 0; i < design.n; i++) {
    if (!p.use[i]) continue;
    z[i] = w[i]! * p.y[i]!;
    total += z[i]!;
    sw += w[i]!;
  }
  const v = linearisedVariance(design, [z])[0]!;
  const mean = total / sw;
  let ss = 0;
  for (let i = 0; i < design.n; i++) if (p.use[i]) ss += w[i]! * (p.y[i]! - mean) ** 2;
  const s2 = (ss / sw) * (p.n / (p.n - 1));
  const vsrs = (sw * sw * s2 * (sw - p.n)) / (sw * p.n);
  return { variable, level: "", estimate: total, se: Math.sqrt(v), n: p.n, deff: v / vsrs };
}

/**
 * The proportion in each level of a categorical variable (R `svymean` of a factor, names
 * `<variable><level>`): means of the level indicators over rows with the variable present.
 * `keepMissingCodes` lists values that stay in the denominator as categories of their own.
 */
export function svyProportions(
  design: SurveyDesign,
  variable: string,
  domain: Domain = null,
): Estimate[] {
  const f = factor(design.frame, variable);
  const w = design.weights;
  const use = new Uint8Array(design.n);
  let n = 0;
  let sw = 0;
  for (let i = 0; i < design.n; i++) {
    if ((domain && !domain[i]) || w[i] === 0 || f.codes[i]! < 0) continue;
    use[i] = 1;
    n++;
    sw += w[i]!;
  }
  if (n === 0) emptyDomain(variable);
  const L = f.levels.length;
  const props = new Float64Array(L);
  for (let i = 0; i < design.n; i++) if (use[i]) props[f.codes[i]!]! += w[i]! / sw;
  const z = Array.from({ length: L }, (_, l) => {
    const zl = new Float64Array(design.n);
    for (let i = 0; i < design.n; i++) {
      if (!use[i]) continue;
      zl[i] = (w[i]! * ((f.codes[i] === l ? 1 : 0) - props[l]!)) / sw;
    }
    return zl;
  });
  const V = linearisedVariance(design, z);
  return f.levels.map((level, l) => {
    const p = props[l]!;
    const s2 = p * (1 - p) * (n / (n - 1));
    const vsrs = (s2 * (sw - n)) / (sw * n);
    const v = V[l * L + l]!;
    return { variable, level, estimate: p, se: Math.sqrt(v), n, deff: v / vsrs };
  });
}

/**
 * Ratio of two totals (R `svyratio`): R̂ = Σ w y / Σ w x over rows with both present;
 * influence z_i = w_i (y_i − R̂ x_i)/Σ w x.
 */
export function svyRatio(
  design: SurveyDesign,
  numerator: string,
  denominator: string,
  domain: Domain = null,
): Estimate {
  const y = numeric(design.frame, numerator);
  const x = numeric(design.frame, denominator);
  const w = design.weights;
  const use = new Uint8Array(design.n);
  let n = 0;
  let swy = 0;
  let swx = 0;
  for (let i = 0; i < design.n; i++) {
    if ((domain && !domain[i]) || w[i] === 0 || Number.isNaN(y[i]!) || Number.isNaN(x[i]!))
      continue;
    use[i] = 1;
    n++;
    swy += w[i]! * y[i]!;
    swx += w[i]! * x[i]!;
  }
  const variable = `${numerator}/${denominator}`;
  if (n === 0) emptyDomain(variable);
  if (swx === 0)
    throw new InputError(
      `variable ${denominator}: the weighted total of the denominator is 0; the ratio is undefined`,
    );
  const r = swy / swx;
  const z = new Float64Array(design.n);
  for (let i = 0; i < design.n; i++) if (use[i]) z[i] = (w[i]! * (y[i]! - r * x[i]!)) / swx;
  const v = linearisedVariance(design, [z])[0]!;
  return { variable, level: "", estimate: r, se: Math.sqrt(v), n, deff: Number.NaN };
}

/**
 * Population variance (R `svyvar`): s² = n/(n − 1) · Σ w (y − ȳ)² / Σ w; its SE is that of the
 * weighted mean of u_i = n/(n − 1) (y_i − ȳ)², ȳ held fixed.
 */
export function svyVar(design: SurveyDesign, variable: string, domain: Domain = null): Estimate {
  const m = svyMean(design, variable, domain);
  const p = prepare(design, variable, domain);
  const w = design.weights;
  const u = new Float64Array(design.n);
  const k = p.n / (p.n - 1);
  let sw = 0;
  let swu = 0;
  for (let i = 0; i < design.n; i++) {
    if (!p.use[i]) continue;
    u[i] = k * (p.y[i]! - m.estimate) ** 2;
    sw += w[i]!;
    swu += w[i]! * u[i]!;
  }
  const s2 = swu / sw;
  const z = new Float64Array(design.n);
  for (let i = 0; i < design.n; i++) if (p.use[i]) z[i] = (w[i]! * (u[i]! - s2)) / sw;
  const v = linearisedVariance(design, [z])[0]!;
  return { variable, level: "", estimate: s2, se: Math.sqrt(v), n: p.n, deff: Number.NaN };
}
