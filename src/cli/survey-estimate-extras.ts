import { readFile } from "node:fs/promises";
import { cannotRead, InputError } from "../core/errors.ts";
import { toCsv, writeFileAtomic } from "../io/write.ts";
import { type CovmatStatistic, domainCovariance } from "../survey/by-covmat.ts";
import { waldCI } from "../survey/ci.ts";
import { svyContrast } from "../survey/contrast.ts";
import type { DeffKind } from "../survey/deff.ts";
import type { SurveyDesign } from "../survey/design.ts";
import type { EstimateRow } from "../survey/estimate-table.ts";
import { QUANTILE_INTERVALS, type QuantileInterval } from "../survey/quantile.ts";

/** The options of `survey estimate` this module handles. */
export interface EstimateExtraOptions {
  covmat?: boolean;
  contrast?: string;
  deff?: string;
  quantileCi?: string;
  out?: string;
}

/** --deff and --quantile-ci, checked, as estimateTable options. */
export function estimateExtras(o: EstimateExtraOptions): {
  deff: DeffKind;
  quantileInterval: QuantileInterval;
} {
  const deff = o.deff ?? "srswor";
  if (deff !== "srswor" && deff !== "replace")
    throw new InputError(
      `--deff must be srswor (R's deff = TRUE) or replace (R's deff = "replace"), got "${o.deff}"`,
    );
  const qi = (o.quantileCi ?? "mean") as QuantileInterval;
  if (!QUANTILE_INTERVALS.includes(qi))
    throw new InputError(
      `--quantile-ci must be one of ${QUANTILE_INTERVALS.join(", ")}, got "${o.quantileCi}"`,
    );
  return { deff, quantileInterval: qi };
}

const COVMAT_STATS: CovmatStatistic[] = ["mean", "total", "prop", "ratio"];

/**
 * --covmat (writes OUT.vcov.csv: the covariance of the estimates with R's row and column names,
 * as vcov(svyby(..., covmat = TRUE))) and --contrast (a last row "contrast" with the contrast's
 * estimate, SE and Wald interval on the normal quantile, R's confint of svycontrast). The
 * contrast is JSON weights by estimate name ('{"E": 1, "H": -1}'), a JSON file of them, or an
 * expression over the names ("api00 / api99"; a JSON string or a file holding one works too).
 *
 * @returns the row to append (or none)
 * @throws InputError for --covmat without --out, a statistic without covariance, or a contrast naming no estimate
 */
export async function covmatAndContrast(
  design: SurveyDesign,
  o: EstimateExtraOptions & { stat: string },
  by: string[],
  vars: string[],
  level: number,
): Promise<EstimateRow[]> {
  if (!o.covmat && o.contrast === undefined) return [];
  if (!COVMAT_STATS.includes(o.stat as CovmatStatistic))
    throw new InputError(
      `--${o.covmat ? "covmat" : "contrast"} needs --stat ${COVMAT_STATS.join("|")} (estimates with a joint covariance), got "${o.stat}"`,
    );
  if (o.covmat && !o.out)
    throw new InputError("--covmat writes FILE.vcov.csv beside --out FILE; give --out");
  const cov = domainCovariance(design, by, { stat: o.stat as CovmatStatistic, variables: vars });
  if (o.covmat && o.out) {
    const k = cov.names.length;
    await writeFileAtomic(
      `${o.out}.vcov.csv`,
      toCsv(
        ["", ...cov.names],
        cov.names.map((n, i) => [n, ...Array.from(cov.vcov.subarray(i * k, (i + 1) * k))]),
      ),
    );
  }
  if (o.contrast === undefined) return [];
  const spec = await contrastSpec(o.contrast);
  const r = svyContrast(cov.estimates, cov.vcov, spec);
  const ci = waldCI(r.estimate, r.se, level);
  return [
    {
      by: by.map(() => ""),
      variable: "contrast",
      level: typeof spec === "string" ? spec : JSON.stringify(spec),
      estimate: r.estimate,
      se: r.se,
      ci_low: ci[0],
      ci_high: ci[1],
      n: Number.NaN,
      deff: Number.NaN,
    },
  ];
}

/** A contrast from the command line: JSON (weights or an expression string), a file, or an expression. */
async function contrastSpec(arg: string): Promise<Record<string, number> | string> {
  const fromJson = (text: string, where: string): Record<string, number> | string | null => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof v === "string") return v;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v))
        if (typeof x !== "number")
          throw new InputError(
            `--contrast ${where}: the weight of "${k}" must be a number, got ${JSON.stringify(x)}`,
          );
      return v as Record<string, number>;
    }
    throw new InputError(
      `--contrast ${where}: expected weights by name ({"E": 1, "H": -1}) or an expression, got ${text.slice(0, 80)}`,
    );
  };
  const inline = fromJson(arg, "(inline)");
  if (inline !== null) return inline;
  if (/\.(json|txt)$/i.test(arg.trim())) {
    let text: string;
    try {
      text = await readFile(arg.trim(), "utf8");
    } catch (e) {
      throw cannotRead(arg.trim(), e);
    }
    return fromJson(text, arg.trim()) ?? text.trim();
  }
  return arg;
}
