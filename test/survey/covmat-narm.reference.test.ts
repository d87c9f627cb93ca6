/**
 * svyby(~a + b, ~g, covmat = TRUE, na.rm = TRUE) of several variables with missing values against
 * R survey 4.1.1 (test/fixtures/survey-contrasts/covmat_narm.csv, made by make-covmat-narm.R
 * there, which says how R's covariance is obtained where svyby itself stops): complete cases
 * across the variables, means and totals, by stype and sch.wide and with no by-variable, on
 * dclus1, dstrat, dclus2 and the JK1 version of dclus1; R's names in R's order, estimates and
 * covariances to 1e-9 relative.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { svyBy } from "../../src/survey/by.ts";
import type { ByStatistic } from "../../src/survey/by-covmat.ts";
import type { SurveyDesign } from "../../src/survey/design.ts";
import { contrastDesigns, contrastReference, num } from "../helpers/api-designs.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared } from "../helpers/shared.ts";

/** make-covmat-narm.R's case names ("mean avg.ed+api00 by stype") as svyBy calls. */
function parseCase(c: string): { by: string[]; spec: ByStatistic } {
  const [stat, vars, , by] = c.split(" ");
  return {
    by: by ? [by] : [],
    spec: { stat: stat as "mean" | "total", variables: vars!.split("+") },
  };
}

describe.skipIf(!hasShared)("svyby covmat with na.rm: complete cases as R", () => {
  let designs: Record<string, SurveyDesign>;
  beforeAll(async () => {
    designs = await contrastDesigns();
  });

  it("every reference covariance", async () => {
    const ref = await contrastReference("covmat_narm.csv");
    const groups = new Map<string, Record<string, string>[]>();
    for (const r of ref) {
      const key = `${r.case}|${r.design}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    expect(groups.size).toBe(16);
    for (const [key, rows] of groups) {
      const [c, d] = key.split("|") as [string, string];
      const { by, spec } = parseCase(c.trim());
      const r = svyBy(designs[d]!, by, spec, { covmat: true });
      const names = [...new Set(rows.map((x) => x.row!))];
      expect(r.names, key).toEqual(names);
      const k = names.length;
      for (const x of rows) {
        const i = names.indexOf(x.row!);
        const j = names.indexOf(x.col!);
        expectClose(r.estimates[i]!.estimate, num(x.estimate), {
          what: `${key} estimate ${x.row}`,
        });
        expectClose(r.vcov[i * k + j]!, num(x.value), {
          rtol: 1e-9,
          atol: 1e-12 * Math.sqrt(Math.abs(r.vcov[i * k + i]! * r.vcov[j * k + j]!)),
          what: `${key} vcov ${x.row},${x.col}`,
        });
      }
    }
  });
});
