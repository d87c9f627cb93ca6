import { InputError } from "../core/errors.ts";
import type { SurveyDesign } from "./design.ts";
import { factor, numeric } from "./frame.ts";
import { replicateMeansTotals } from "./replicate-estimators.ts";
import { estimatorCovariance } from "./variance.ts";

/** One estimate with its design-based standard error. */
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

/** Rows an estimate uses: in the domain, weight > 0, and every listed value present (na.rm). */
export function usedRows(
  design: SurveyDesign,
  domain: Domain,
  ...cols: Float64Array[]
): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < design.n; i++) {
    if ((domain && !domain[i]) || design.weights[i] === 0) continue;
    if (cols.some((c) => Number.isNaN(c[i]!))) continue;
    rows.push(i);
  }
  return Int32Array.from(rows);
}

function emptyDomain(variable: string): never {
  throw new InputError(
    `variable ${variable}: the domain has no respondents with data; nothing to estimate`,
  );
}

function weightedMean(rows: Int32Array, y: Float64Array, w: Float64Array): number {
  let sw = 0;
  let swy = 0;
  for (const i of rows) {
    sw += w[i]!;
    swy += w[i]! * y[i]!;
  }
  return swy / sw;
}

/** R's svyvar estimate n/(n − 1) Σ w (y − ȳ)²/Σ w over the rows. */
function weightedVar(rows: Int32Array, y: Float64Array, w: Float64Array): number {
  const m = weightedMean(rows, y, w);
  let sw = 0;
  let ss = 0;
  for (const i of rows) {
    sw += w[i]!;
    ss += w[i]! * (y[i]! - m) ** 2;
  }
  const n = rows.length;
  return (ss / sw) * (n / (n - 1));
}

const sumW = (rows: Int32Array, w: Float64Array) => rows.reduce((s, i) => s + w[i]!, 0);

/**
 * A weighted mean over given rows as a function of the weights, with its linearisation:
 * ȳ(w) = Σ w y / Σ w and influence z_i = w_i (y_i − ȳ)/Σ w (zero outside the rows). Shared by
 * the estimators that are means of derived values (proportions, ratings, paired differences).
 */
export function weightedMeanOf(design: SurveyDesign, y: Float64Array, rows: Int32Array) {
  const w = design.weights;
  const mean = weightedMean(rows, y, w);
  const sw = sumW(rows, w);
  return {
    mean,
    theta: (wr: Float64Array) => weightedMean(rows, y, wr),
    influence: () => {
      const z = new Float64Array(design.n);
      for (const i of rows) z[i] = (w[i]! * (y[i]! - mean)) / sw;
      return z;
    },
  };
}

/** A mean or total of one domain on a replicate design, by the one-sweep replicate sums. */
function replicateOne(
  design: SurveyDesign,
  variable: string,
  y: Float64Array,
  domain: Domain,
  stat: "mean" | "total",
): Estimate {
  const group = new Int32Array(design.n);
  if (domain) for (let i = 0; i < design.n; i++) group[i] = domain[i] ? 0 : -1;
  const e = replicateMeansTotals(design, y, group, 1, stat)[0]!;
  if (e.n === 0) emptyDomain(variable);
  return { variable, level: "", ...e };
}

/**
 * Weighted mean (R `svymean`): ȳ = Σ w y / Σ w over the rows used; influence
 * z_i = w_i (y_i − ȳ)/Σ w (or the replicate means, from one sweep over the rows). Design effect against SRS without replacement:
 * V_srs = s²_w (N̂ − n)/(N̂ n), with s²_w R's `svyvar` and N̂ = Σ w.
 *
 * @example svyMean(design, "api00") // { estimate: 644.17, se: 23.54 } for apiclus1
 */
export function svyMean(design: SurveyDesign, variable: string, domain: Domain = null): Estimate {
  const y = numeric(design.frame, variable);
  if (design.replicate) return replicateOne(design, variable, y, domain, "mean");
  const rows = usedRows(design, domain, y);
  if (rows.length === 0) emptyDomain(variable);
  const w = design.weights;
  const m = weightedMeanOf(design, y, rows);
  const v = estimatorCovariance(
    design,
    (wr) => Float64Array.of(m.theta(wr)),
    Float64Array.of(m.mean),
    () => [m.influence()],
  )[0]!;
  const sw = sumW(rows, w);
  const n = rows.length;
  const vsrs = (weightedVar(rows, y, w) * (sw - n)) / (sw * n);
  return { variable, level: "", estimate: m.mean, se: Math.sqrt(v), n, deff: v / vsrs };
}

/**
 * Weighted total (R `svytotal`): Σ w y; influence z_i = w_i y_i. Design effect against SRS
 * without replacement: V_srs = N̂² s²_w (N̂ − n)/(N̂ n).
 */
export function svyTotal(design: SurveyDesign, variable: string, domain: Domain = null): Estimate {
  const y = numeric(design.frame, variable);
  if (design.replicate) return replicateOne(design, variable, y, domain, "total");
  const rows = usedRows(design, domain, y);
  if (rows.length === 0) emptyDomain(variable);
  const w = design.weights;
  const total = (wr: Float64Array) => rows.reduce((s, i) => s + wr[i]! * y[i]!, 0);
  const t = total(w);
  const v = estimatorCovariance(
    design,
    (wr) => Float64Array.of(total(wr)),
    Float64Array.of(t),
    () => {
      const z = new Float64Array(design.n);
      for (const i of rows) z[i] = w[i]! * y[i]!;
      return [z];
    },
  )[0]!;
  const sw = sumW(rows, w);
  const n = rows.length;
  const vsrs = (sw * sw * weightedVar(rows, y, w) * (sw - n)) / (sw * n);
  return { variable, level: "", estimate: t, se: Math.sqrt(v), n, deff: v / vsrs };
}

/**
 * The proportion in each level of a categorical variable (R `svymean` of a factor, names
 * `<variable><level>`): means of the level indicators over rows with the variable present.
 */
export function svyProportions(
  design: SurveyDesign,
  variable: string,
  domain: Domain = null,
): Estimate[] {
  const f = factor(design.frame, variable);
  const codes = Float64Array.from(f.codes, (c) => (c < 0 ? Number.NaN : c));
  const rows = usedRows(design, domain, codes);
  if (rows.length === 0) emptyDomain(variable);
  const L = f.levels.length;
  const props = (wr: Float64Array) => {
    const out = new Float64Array(L);
    let sw = 0;
    for (const i of rows) {
      out[f.codes[i]!]! += wr[i]!;
      sw += wr[i]!;
    }
    for (let l = 0; l < L; l++) out[l]! /= sw;
    return out;
  };
  const w = design.weights;
  const p = props(w);
  const sw = sumW(rows, w);
  const V = estimatorCovariance(design, props, p, () =>
    Array.from({ length: L }, (_, l) => {
      const zl = new Float64Array(design.n);
      for (const i of rows) zl[i] = (w[i]! * ((f.codes[i] === l ? 1 : 0) - p[l]!)) / sw;
      return zl;
    }),
  );
  const n = rows.length;
  return f.levels.map((level, l) => {
    const pl = p[l]!;
    const vsrs = (pl * (1 - pl) * (n / (n - 1)) * (sw - n)) / (sw * n);
    const v = V[l * L + l]!;
    return { variable, level, estimate: pl, se: Math.sqrt(v), n, deff: v / vsrs };
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
  const rows = usedRows(design, domain, y, x);
  const variable = `${numerator}/${denominator}`;
  if (rows.length === 0) emptyDomain(variable);
  const w = design.weights;
  const ratio = (wr: Float64Array) => {
    let a = 0;
    let b = 0;
    for (const i of rows) {
      a += wr[i]! * y[i]!;
      b += wr[i]! * x[i]!;
    }
    return a / b;
  };
  const swx = rows.reduce((s, i) => s + w[i]! * x[i]!, 0);
  if (swx === 0)
    throw new InputError(
      `variable ${denominator}: the weighted total of the denominator is 0; the ratio is undefined`,
    );
  const r = ratio(w);
  const v = estimatorCovariance(
    design,
    (wr) => Float64Array.of(ratio(wr)),
    Float64Array.of(r),
    () => {
      const z = new Float64Array(design.n);
      for (const i of rows) z[i] = (w[i]! * (y[i]! - r * x[i]!)) / swx;
      return [z];
    },
  )[0]!;
  return { variable, level: "", estimate: r, se: Math.sqrt(v), n: rows.length, deff: Number.NaN };
}

/**
 * Population variance (R `svyvar`): s² = n/(n − 1) · Σ w (y − ȳ)² / Σ w; its linearised SE is that
 * of the weighted mean of u_i = n/(n − 1) (y_i − ȳ)², ȳ held fixed (replicates recompute ȳ).
 */
export function svyVar(design: SurveyDesign, variable: string, domain: Domain = null): Estimate {
  const y = numeric(design.frame, variable);
  const rows = usedRows(design, domain, y);
  if (rows.length < 2) emptyDomain(variable);
  const w = design.weights;
  const s2 = weightedVar(rows, y, w);
  const m = weightedMean(rows, y, w);
  const sw = sumW(rows, w);
  const k = rows.length / (rows.length - 1);
  const v = estimatorCovariance(
    design,
    (wr) => Float64Array.of(weightedVar(rows, y, wr)),
    Float64Array.of(s2),
    () => {
      const z = new Float64Array(design.n);
      for (const i of rows) z[i] = (w[i]! * (k * (y[i]! - m) ** 2 - s2)) / sw;
      return [z];
    },
  )[0]!;
  return { variable, level: "", estimate: s2, se: Math.sqrt(v), n: rows.length, deff: Number.NaN };
}
