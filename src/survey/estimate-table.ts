import { InputError } from "../core/errors.ts";
import { byDomains, svyLinearBy, svyMeanByFast } from "./by.ts";
import { type PropCiMethod, propCI, waldCI } from "./ci.ts";
import { type DeffKind, withDeff } from "./deff.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import {
  type Domain,
  type Estimate,
  svyMean,
  svyProportions,
  svyRatio,
  svyTotal,
  svyVar,
} from "./estimators.ts";
import { type QuantileInterval, svyQuantileBy } from "./quantile.ts";

export type Statistic = "mean" | "total" | "prop" | "ratio" | "var" | "quantile";

export interface EstimateRequest {
  stat: Statistic;
  /** Variables; for ratios "numerator/denominator". */
  vars: string[];
  by?: string[];
  quantiles?: number[];
  ciMethod?: PropCiMethod;
  level?: number;
  /** Design effect: R's deff = TRUE ("srswor", the default) or deff = "replace" (means, totals, proportions). */
  deff?: DeffKind;
  /** Quantile intervals: R's svyquantile interval.type (default "mean"). */
  quantileInterval?: QuantileInterval;
}

/** One output row: by-values, the estimate and its interval. */
export interface EstimateRow {
  by: string[];
  variable: string;
  level: string;
  estimate: number;
  se: number;
  ci_low: number;
  ci_high: number;
  n: number;
  deff: number;
}

/**
 * The estimate table of `softpower survey estimate`: per domain of the by-variables (R svyby
 * semantics) and variable, the statistic with SE, confidence interval and design effect.
 * Means, totals, ratios and variances get Wald intervals on the normal quantile (R's confint
 * default); proportions the chosen svyciprop method and quantiles Woodruff intervals, both with t
 * quantiles on the domain's degrees of freedom, as R.
 */
export function estimateTable(design: SurveyDesign, req: EstimateRequest): EstimateRow[] {
  const level = req.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InputError(`--level must be in (0, 1), got ${level}`);
  const domains = byDomains(design, req.by ?? []);
  if (domains.length === 0)
    throw new InputError(
      `--by ${req.by?.join(",")}: no respondent has values for every by-variable`,
    );
  const rows: EstimateRow[] = [];
  const replace =
    req.deff === "replace" && (req.stat === "mean" || req.stat === "total" || req.stat === "prop");
  const push = (labels: string[], eIn: Estimate, ci: [number, number], mask: Domain = null) => {
    const e = replace ? withDeff(design, eIn, eIn.variable, mask, "replace") : eIn;
    rows.push({
      by: labels,
      variable: e.variable,
      level: e.level,
      estimate: e.estimate,
      se: e.se,
      ci_low: ci[0],
      ci_high: ci[1],
      n: e.n,
      deff: e.deff,
    });
  };
  const maskOf = (d: number) => (req.by?.length ? domains[d]!.mask : null);
  for (const variable of req.vars) {
    if ((req.stat === "mean" || req.stat === "total") && design.replicate) {
      // Every domain's replicate estimates from one sweep over the rows.
      const es = svyLinearBy(design, variable, domains, req.stat, req.by ?? []);
      for (const [d, e] of es.entries())
        push(domains[d]!.labels, e, waldCI(e.estimate, e.se, level), maskOf(d));
      continue;
    }
    if (req.stat === "quantile") {
      // All domains sorted once; each domain's df is that of its rows (R's degf of the subset).
      const qs = req.quantiles ?? [0.25, 0.5, 0.75];
      const es = svyQuantileBy(design, variable, qs, domains, {
        level,
        by: req.by ?? [],
        interval: req.quantileInterval ?? "mean",
      });
      es.forEach((list, d) => {
        for (const e of list) push(domains[d]!.labels, e, e.ci);
      });
      continue;
    }
    if (req.stat === "mean" && (req.by?.length ?? 0) > 0) {
      const es = svyMeanByFast(design, variable, domains);
      for (const [d, e] of es.entries())
        push(domains[d]!.labels, e, waldCI(e.estimate, e.se, level), maskOf(d));
      continue;
    }
    for (const dom of domains) {
      const mask = req.by?.length ? dom.mask : null;
      try {
        switch (req.stat) {
          case "mean":
          case "total":
          case "var": {
            const f = req.stat === "mean" ? svyMean : req.stat === "total" ? svyTotal : svyVar;
            const e = f(design, variable, mask);
            push(dom.labels, e, waldCI(e.estimate, e.se, level), mask);
            break;
          }
          case "ratio": {
            const [num, den] = variable.split("/");
            if (!num || !den)
              throw new InputError(
                `--stat ratio needs --vars numerator/denominator, got "${variable}"`,
              );
            const e = svyRatio(design, num, den, mask);
            push(dom.labels, e, waldCI(e.estimate, e.se, level));
            break;
          }
          case "prop": {
            const df = designDf(design, mask);
            for (const e of svyProportions(design, variable, mask)) {
              const nrow = countRows(design, mask);
              push(
                dom.labels,
                e,
                propCI(e.estimate, e.se, req.ciMethod ?? "logit", { level, df, n: nrow, degf: df }),
                mask,
              );
            }
            break;
          }
        }
      } catch (e) {
        if (e instanceof InputError && req.by?.length) {
          throw new InputError(
            `domain ${req.by.map((b, i) => `${b} = ${dom.labels[i]}`).join(", ")}: ${e.message}`,
          );
        }
        throw e;
      }
    }
  }
  return rows;
}

function countRows(design: SurveyDesign, mask: Uint8Array | null): number {
  let n = 0;
  for (let i = 0; i < design.n; i++) if (design.weights[i]! > 0 && (!mask || mask[i])) n++;
  return n;
}
