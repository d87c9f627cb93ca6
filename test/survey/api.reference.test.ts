/**
 * R survey 4.1-1 on the California API samples (../shared/data/survey/api/reference/
 * survey_reference_subset.csv): every estimate and SE to a relative 1e-9.
 * Designs as in ../shared/data/README.md: dclus1 = svydesign(ids=~dnum, weights=~pw, fpc=~fpc,
 * data=apiclus1); dclus1_nofpc without fpc; dstrat = svydesign(ids=~1, strata=~stype,
 * weights=~pw, fpc=~fpc, data=apistrat); dclus2 = svydesign(ids=~dnum+snum, fpc=~fpc1+fpc2,
 * data=apiclus2); dsrs_w = svydesign(ids=~1, weights=~pw, data=apisrs); postStratify(dclus1,
 * ~stype, E 4421, H 755, M 1018).
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { svyBy } from "../../src/survey/by.ts";
import { postStratify } from "../../src/survey/calibrate.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { type Estimate, svyMean, svyProportions, svyTotal } from "../../src/survey/estimators.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const api = (f: string) => sharedPath("survey", "api", f);

describe.skipIf(!hasShared)("R survey reference values (api)", () => {
  const designs: Record<string, SurveyDesign> = {};
  let ref: { columns: string[]; rows: string[][] };
  beforeAll(async () => {
    const c1 = await readSurveyFrame(api("apiclus1.csv"));
    const c2 = await readSurveyFrame(api("apiclus2.csv"));
    const st = await readSurveyFrame(api("apistrat.csv"));
    const srs = await readSurveyFrame(api("apisrs.csv"));
    designs.dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    designs.dclus1_nofpc = buildDesign(c1, { ids: ["dnum"], weights: "pw" });
    designs.dstrat = buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    designs.dclus2 = buildDesign(c2, { ids: ["dnum", "snum"], fpc: ["fpc1", "fpc2"] });
    designs.dsrs_w = buildDesign(srs, { ids: ["1"], weights: "pw" });
    designs["postStratify(dclus1,~stype)"] = postStratify(designs.dclus1, "stype", {
      E: 4421,
      H: 755,
      M: 1018,
    });
    // test_id is not unique (one row per term), so read every row.
    ref = parseCsv(await readFile(api("reference/survey_reference_subset.csv"), "utf8"), "ref");
    expect(ref.columns).toEqual([
      "test_id",
      "design",
      "statistic",
      "term",
      "estimate",
      "se",
      "extra",
    ]);
  });

  function compute(
    design: string,
    statistic: string,
    term: string,
  ): { estimate: number; se: number } {
    const d = designs[design];
    if (!d) throw new Error(`no design ${design}`);
    const pick = (es: Estimate[], level: string) => es.find((e) => e.level === level)!;
    if (statistic.startsWith("svymean api00")) return svyMean(d, "api00");
    if (statistic === "deff api00") return { estimate: svyMean(d, "api00").deff, se: Number.NaN };
    if (statistic === "svytotal enroll") return svyTotal(d, "enroll");
    if (statistic.startsWith("svymean stype"))
      return pick(svyProportions(d, "stype"), term.replace(/^stype/, ""));
    if (statistic === "svyby api00 by stype svymean") {
      const r = svyBy(d, ["stype"], (m) => [svyMean(d, "api00", m)]).find(
        (x) => x.labels[0] === term,
      )!;
      return r.estimates[0]!;
    }
    throw new Error(`unhandled reference statistic ${statistic}`);
  }

  it("matches every row of the reference file", () => {
    expect(ref.rows.length).toBeGreaterThanOrEqual(17);
    for (const row of ref.rows) {
      const [id, design, statistic, term, est, se] = row as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const got = compute(design, statistic, term);
      expectClose(got.estimate, Number(est), {
        rtol: 1e-9,
        what: `${id} ${statistic} ${term} estimate`,
      });
      if (se !== "NA")
        expectClose(got.se, Number(se), { rtol: 1e-9, what: `${id} ${statistic} ${term} se` });
    }
  });
});
