/**
 * svyglm families against R survey 4.1.1 (test/fixtures/survey-models/glm.csv, made by
 * make-reference.R beside it): gaussian, binomial, quasibinomial, poisson and quasipoisson on
 * the api designs (dclus1, dstrat, dclus2 and the JK1 replicate version of dclus1), every
 * coefficient and SE to 1e-7 relative, and R's residual degrees of freedom.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { type GlmFamily, svyGlm } from "../../src/survey/glm.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const api = (f: string) => sharedPath("survey", "api", f);
const fixture = new URL("../fixtures/survey-models/glm.csv", import.meta.url);

/** The R formula of each case, in our syntax. */
const FORMULAS: Record<string, string> = {
  dclus1_gaussian: "api00 ~ ell + meals + mobility",
  dstrat_binomial: "sch.wide == Yes ~ ell + meals + mobility",
  dstrat_quasibinomial: "sch.wide == Yes ~ ell + meals + mobility",
  dclus2_binomial: "sch.wide == Yes ~ ell + meals + mobility",
  dclus1jk_binomial: "sch.wide == Yes ~ ell + meals + mobility",
  dclus1_poisson: "api.stu ~ ell + meals",
  dclus1_quasipoisson: "api.stu ~ ell + meals",
  dstrat_poisson: "enroll ~ ell + meals",
  dstrat_quasipoisson: "enroll ~ ell + meals",
  dclus2_poisson: "enroll ~ ell + meals + stype",
  dclus1jk_quasipoisson: "api.stu ~ ell + meals",
};

describe.skipIf(!hasShared)("svyglm families vs R survey", () => {
  const designs: Record<string, SurveyDesign> = {};
  let ref: string[][] = [];
  beforeAll(async () => {
    const c1 = await readSurveyFrame(api("apiclus1.csv"));
    const st = await readSurveyFrame(api("apistrat.csv"));
    const c2 = await readSurveyFrame(api("apiclus2.csv"));
    designs.dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    designs.dstrat = buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    designs.dclus2 = buildDesign(c2, { ids: ["dnum", "snum"], fpc: ["fpc1", "fpc2"] });
    designs.dclus1jk = asReplicateDesign(designs.dclus1, "JK1");
    const t = parseCsv(await readFile(fixture, "utf8"), "glm.csv");
    expect(t.columns).toEqual(["case", "family", "term", "estimate", "se", "df_residual"]);
    ref = t.rows;
  });

  it("matches every coefficient, SE and residual df", () => {
    const cases = [...new Set(ref.map((r) => r[0]!))];
    expect(cases.sort()).toEqual(Object.keys(FORMULAS).sort());
    for (const name of cases) {
      const rows = ref.filter((r) => r[0] === name);
      const family = rows[0]![1] as GlmFamily;
      const fit = svyGlm(designs[name.split("_")[0]!]!, FORMULAS[name]!, family);
      expect(fit.terms, name).toEqual(rows.map((r) => r[2]));
      rows.forEach((r, a) => {
        expectClose(fit.coef[a]!, Number(r[3]), { rtol: 1e-7, what: `${name} ${r[2]} estimate` });
        expectClose(fit.se[a]!, Number(r[4]), { rtol: 1e-7, what: `${name} ${r[2]} se` });
      });
      expect(fit.dfResidual, `${name} df`).toBe(Number(rows[0]![5]));
    }
  });

  it("gives binomial and quasibinomial, poisson and quasipoisson the same fit and SEs", () => {
    const f = FORMULAS.dstrat_binomial!;
    const b = svyGlm(designs.dstrat!, f, "binomial");
    const qb = svyGlm(designs.dstrat!, f, "quasibinomial");
    expect(Array.from(b.coef)).toEqual(Array.from(qb.coef));
    expect(Array.from(b.se)).toEqual(Array.from(qb.se));
    const p = svyGlm(designs.dclus1!, "api.stu ~ ell", "poisson");
    const qp = svyGlm(designs.dclus1!, "api.stu ~ ell", "quasipoisson");
    expect(Array.from(p.se)).toEqual(Array.from(qp.se));
  });

  it("rejects outcomes outside the family's range, naming the variable", () => {
    expect(() => svyGlm(designs.dclus1!, "api00 ~ ell", "binomial")).toThrow(/api00.*\[0, 1\]/);
    expect(() => svyGlm(designs.dclus1!, "growth ~ ell", "poisson")).toThrow(/growth.*>= 0/);
  });
});
