import { InputError } from "../core/errors.ts";
import { byDomains } from "./by.ts";
import type { SurveyDesign } from "./design.ts";
import { factor, numeric } from "./frame.ts";
import { estimatorCovariance } from "./variance.ts";

/** The statistics whose domain estimates have a joint covariance (R's svyby covmat = TRUE). */
export type CovmatStatistic = "mean" | "total" | "prop" | "ratio";

/** What to estimate in every domain: a statistic and its variables ("num/den" for ratios). */
export interface ByStatistic {
  stat: CovmatStatistic;
  variables: string[];
}

/** One domain estimate of {@link domainCovariance}, in R's order and with R's name. */
export interface CovmatEstimate {
  /** R's name: the domain label ("E", "E.No"), "label:column" when there are several columns. */
  name: string;
  /** Domain labels, one per by-variable. */
  labels: string[];
  /** The variable as given ("api00", "api00/api99"). */
  variable: string;
  /** The level for proportions, else "". */
  level: string;
  /** The statistic's column name as R's svymean/svytotal/svyratio give it ("api00", "stypeE"). */
  column: string;
  estimate: number;
  se: number;
  /** Respondents used. */
  n: number;
}

/** Domain estimates and their k × k covariance (row-major), names as R's vcov(svyby(...)). */
export interface DomainCovariance {
  estimates: CovmatEstimate[];
  names: string[];
  vcov: Float64Array;
}

interface Column {
  variable: string;
  level: string;
  column: string;
  /** Per domain: estimate, count and the influence/replicate pieces. */
  rows: (d: number) => Int32Array;
  theta: (w: Float64Array, out: Float64Array, at: number) => void;
  influence: (k: number) => Float64Array;
  estimate: (d: number) => number;
}

/**
 * Estimates of a statistic in every domain of the by-variables with their full covariance
 * matrix (R `vcov(svyby(formula, by, design, FUN, covmat = TRUE))`; with no by-variables, the
 * covariance of `svymean(~a + b)`, `svytotal`, `svyratio`): the estimates of all columns and
 * domains are stacked, columns outermost and domains fastest (R's order), and their covariance
 * is that of the stacked influence values, each zero outside its domain (linearised over the
 * whole design: svyrecvar with calibration; or from the replicates, svrVar). Influence values:
 * mean z_i = w_i (y_i − ȳ_d)/Σ_d w; total w_i y_i; proportion of level l
 * w_i (I(x_i = l) − p̂_l)/Σ_d w; ratio w_i (y_i − R̂ x_i)/Σ_d w x.
 *
 * Names as R's: the domain label (the by-levels joined by "."), or "label:column" when the
 * statistic has several columns (several variables, or a factor's levels: "E:sch.wideNo"); with
 * no by-variables the column names ("api00", "stypeE", "api00/api99").
 *
 * Missing values: complete cases across the variables, as R's `svyby(~a + b, ..., na.rm = TRUE)`
 * (svymean/svytotal/svyratio drop every row lacking any of them, `design[nas == 0, ]`): each
 * estimate uses the domain's rows with weight > 0 and every variable (both parts of a ratio, a
 * factor's code) present.
 *
 * Cost O(n · k) time and memory for k estimates (k influence arrays of n), plus the variance's
 * O(PSUs · k²); replicate designs O(R · n · variables).
 *
 * @throws InputError for an unknown variable, a ratio not written "num/den", or a domain without data
 */
export function domainCovariance(
  design: SurveyDesign,
  by: string[],
  spec: ByStatistic,
): DomainCovariance {
  const domains = byDomains(design, by);
  if (domains.length === 0)
    throw new InputError(`--by ${by.join(",")}: no respondent has values for every by-variable`);
  const index = domains[0]!.index;
  const D = domains.length;
  const complete = completeCases(design, spec);
  const columns = spec.variables.flatMap((v) =>
    columnsOf(design, spec.stat, v, index, D, complete),
  );
  const k = columns.length * D;
  const full = new Float64Array(k);
  for (const [c, col] of columns.entries()) {
    for (let d = 0; d < D; d++) {
      if (col.rows(d).length === 0)
        throw new InputError(
          `${by.length ? `domain ${by.map((b, i) => `${b} = ${domains[d]!.labels[i]}`).join(", ")}: ` : ""}variable ${col.variable}: the domain has no respondents with data; nothing to estimate`,
        );
      full[c * D + d] = col.estimate(d);
    }
  }
  const vcov = estimatorCovariance(
    design,
    (w) => {
      const out = new Float64Array(k);
      for (const [c, col] of columns.entries()) col.theta(w, out, c * D);
      return out;
    },
    full,
    () => columns.flatMap((col) => Array.from({ length: D }, (_, d) => col.influence(d))),
  );
  const several = columns.length > 1;
  const estimates: CovmatEstimate[] = [];
  for (const [c, col] of columns.entries()) {
    for (let d = 0; d < D; d++) {
      const label = domains[d]!.labels.join(".");
      const j = c * D + d;
      estimates.push({
        name: by.length === 0 ? col.column : several ? `${label}:${col.column}` : label,
        labels: domains[d]!.labels,
        variable: col.variable,
        level: col.level,
        column: col.column,
        estimate: full[j]!,
        se: Math.sqrt(vcov[j * k + j]!),
        n: col.rows(d).length,
      });
    }
  }
  return { estimates, names: estimates.map((e) => e.name), vcov };
}

/**
 * Rows with every variable of the statistic present (R na.rm's complete cases): numeric
 * variables and both parts of a ratio not NaN, a proportion's factor coded. Unknown variables
 * are left to `columnsOf` to report.
 */
function completeCases(design: SurveyDesign, spec: ByStatistic): Uint8Array {
  const ok = new Uint8Array(design.n).fill(1);
  for (const v of spec.variables) {
    const names = spec.stat === "ratio" ? v.split("/") : [v];
    for (const name of names) {
      if (!name || !design.frame.columns.has(name)) continue;
      if (spec.stat === "prop") {
        const codes = factor(design.frame, name).codes;
        for (let i = 0; i < design.n; i++) if (codes[i]! < 0) ok[i] = 0;
      } else {
        const y = numeric(design.frame, name);
        for (let i = 0; i < design.n; i++) if (Number.isNaN(y[i]!)) ok[i] = 0;
      }
    }
  }
  return ok;
}

/** Rows of each domain (weight > 0, a complete case). */
function domainRows(
  design: SurveyDesign,
  index: Int32Array,
  D: number,
  complete: Uint8Array,
): Int32Array[] {
  const cnt = new Int32Array(D);
  const ok = (i: number) => index[i]! >= 0 && design.weights[i]! > 0 && complete[i] === 1;
  for (let i = 0; i < design.n; i++) if (ok(i)) cnt[index[i]!]!++;
  const out = Array.from(cnt, (c) => new Int32Array(c));
  cnt.fill(0);
  for (let i = 0; i < design.n; i++) if (ok(i)) out[index[i]!]![cnt[index[i]!]!++] = i;
  return out;
}

function columnsOf(
  design: SurveyDesign,
  stat: CovmatStatistic,
  variable: string,
  index: Int32Array,
  D: number,
  complete: Uint8Array,
): Column[] {
  const w0 = design.weights;
  const n = design.n;
  if (stat === "prop") {
    const f = factor(design.frame, variable);
    const rows = domainRows(design, index, D, complete);
    const sw = rows.map((r) => r.reduce((s, i) => s + w0[i]!, 0));
    return f.levels.map((level, l) => {
      const p = rows.map(
        (r, d) => r.reduce((s, i) => s + (f.codes[i] === l ? w0[i]! : 0), 0) / sw[d]!,
      );
      return {
        variable,
        level,
        column: `${variable}${level}`,
        rows: (d) => rows[d]!,
        estimate: (d) => p[d]!,
        theta: (w, out, at) => {
          for (let d = 0; d < D; d++) {
            let a = 0;
            let b = 0;
            for (const i of rows[d]!) {
              b += w[i]!;
              if (f.codes[i] === l) a += w[i]!;
            }
            out[at + d] = a / b;
          }
        },
        influence: (d) => {
          const z = new Float64Array(n);
          for (const i of rows[d]!) z[i] = (w0[i]! * ((f.codes[i] === l ? 1 : 0) - p[d]!)) / sw[d]!;
          return z;
        },
      };
    });
  }
  if (stat === "ratio") {
    const [num, den] = variable.split("/");
    if (!num || !den)
      throw new InputError(`--stat ratio needs --vars numerator/denominator, got "${variable}"`);
    const y = numeric(design.frame, num);
    const x = numeric(design.frame, den);
    const rows = domainRows(design, index, D, complete);
    const sx = rows.map((r) => r.reduce((s, i) => s + w0[i]! * x[i]!, 0));
    const r = rows.map((rr, d) => rr.reduce((s, i) => s + w0[i]! * y[i]!, 0) / sx[d]!);
    for (const [d, s] of sx.entries())
      if (s === 0 && rows[d]!.length > 0)
        throw new InputError(
          `variable ${den}: the weighted total of the denominator is 0 in a domain; the ratio is undefined`,
        );
    return [
      {
        variable,
        level: "",
        column: `${num}/${den}`,
        rows: (d) => rows[d]!,
        estimate: (d) => r[d]!,
        theta: (w, out, at) => {
          for (let d = 0; d < D; d++) {
            let a = 0;
            let b = 0;
            for (const i of rows[d]!) {
              a += w[i]! * y[i]!;
              b += w[i]! * x[i]!;
            }
            out[at + d] = a / b;
          }
        },
        influence: (d) => {
          const z = new Float64Array(n);
          for (const i of rows[d]!) z[i] = (w0[i]! * (y[i]! - r[d]! * x[i]!)) / sx[d]!;
          return z;
        },
      },
    ];
  }
  const y = numeric(design.frame, variable);
  const rows = domainRows(design, index, D, complete);
  const sw = rows.map((r) => r.reduce((s, i) => s + w0[i]!, 0));
  const swy = rows.map((r) => r.reduce((s, i) => s + w0[i]! * y[i]!, 0));
  const mean = stat === "mean";
  const est = swy.map((s, d) => (mean ? s / sw[d]! : s));
  return [
    {
      variable,
      level: "",
      column: variable,
      rows: (d) => rows[d]!,
      estimate: (d) => est[d]!,
      theta: (w, out, at) => {
        for (let d = 0; d < D; d++) {
          let a = 0;
          let b = 0;
          for (const i of rows[d]!) {
            a += w[i]! * y[i]!;
            b += w[i]!;
          }
          out[at + d] = mean ? a / b : a;
        }
      },
      influence: (d) => {
        const z = new Float64Array(n);
        for (const i of rows[d]!)
          z[i] = mean ? (w0[i]! * (y[i]! - est[d]!)) / sw[d]! : w0[i]! * y[i]!;
        return z;
      },
    },
  ];
}
