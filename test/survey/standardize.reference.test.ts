/**
 * svyStandardize against R survey 4.1.1 svystandardize (test/fixtures/survey-calibration/
 * standardize.csv, made once by make-reference.R there): dclus1 standardised by stype over
 * sch.wide and over the whole sample (~1), dstrat by sch.wide over stype, dclus1 by
 * sch.wide + awards (an empty cell dropped, R's partial = TRUE) over stype, and the JK1
 * replicates of dclus1 by stype over sch.wide (every replicate post-stratified). Mean of api00,
 * total of enroll, overall and by the over-domains, with SE, to 1e-8.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { factor } from "../../src/survey/frame.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { svyStandardize } from "../../src/survey/standardize.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const FIX = new URL("../fixtures/survey-calibration/", import.meta.url).pathname;
const RTOL = 1e-8;
const TYPES = { E: 4421, H: 755, M: 1018 };

async function readRef(file: string): Promise<Record<string, string>[]> {
  const t = parseCsv(await readFile(`${FIX}${file}`, "utf8"), file);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]!])));
}

type Designs = Record<string, SurveyDesign>;
const CASES: Record<string, { dom: string; make: (d: Designs) => SurveyDesign }> = {
  dclus1_stype_over_schwide: {
    dom: "sch.wide",
    make: (d) => svyStandardize(d.dclus1!, "stype", "sch.wide", TYPES),
  },
  dclus1_stype_over_1: {
    dom: "sch.wide",
    make: (d) => svyStandardize(d.dclus1!, "stype", undefined, TYPES),
  },
  dstrat_schwide_over_stype: {
    dom: "stype",
    make: (d) => svyStandardize(d.dstrat!, "sch.wide", "stype", { No: 1072, Yes: 5122 }),
  },
  // R's population c(10, 20, 30, 40) in svytable order (sch.wide fastest).
  dclus1_schwide_awards_over_stype: {
    dom: "stype",
    make: (d) =>
      svyStandardize(d.dclus1!, ["sch.wide", "awards"], "stype", {
        "No:No": 10,
        "Yes:No": 20,
        "No:Yes": 30,
        "Yes:Yes": 40,
      }),
  },
  jk1_stype_over_schwide: {
    dom: "sch.wide",
    make: (d) => svyStandardize(d.jk1!, "stype", "sch.wide", TYPES),
  },
};

describe.skipIf(!hasShared)("svyStandardize matches R survey svystandardize", () => {
  const designs: Designs = {};
  let rows: Record<string, string>[] = [];
  beforeAll(async () => {
    const clus1 = await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv"));
    const strat = await readSurveyFrame(sharedPath("survey", "api", "apistrat.csv"));
    designs.dclus1 = buildDesign(clus1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    designs.dstrat = buildDesign(strat, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    designs.jk1 = asReplicateDesign(designs.dclus1, "JK1");
    rows = await readRef("standardize.csv");
  });

  for (const [cn, c] of Object.entries(CASES)) {
    it(`${cn}: mean api00 and total enroll, overall and by ${c.dom}`, () => {
      const d = c.make(designs);
      const f = factor(d.frame, c.dom);
      const mine = rows.filter((r) => r.case === cn);
      expect(mine.length).toBeGreaterThan(3);
      for (const r of mine) {
        const what = `${cn} ${r.stat} ${r.variable} ${r.domain}`;
        const dom =
          r.domain === ""
            ? null
            : Uint8Array.from(f.codes, (k) => (f.levels[k] === r.domain ? 1 : 0));
        const e = (r.stat === "mean" ? svyMean : svyTotal)(d, r.variable!, dom);
        expectClose(e.estimate, Number(r.estimate), { rtol: RTOL, what: `${what} estimate` });
        expectClose(e.se, Number(r.se), { rtol: RTOL, what: `${what} se` });
      }
    });
  }

  it("a level missing from the population or absent from the data is an InputError", () => {
    expect(() => svyStandardize(designs.dclus1!, "stype", "sch.wide", { E: 1, H: 2 })).toThrow(
      /stype = "M" but the population does not/,
    );
    expect(() => svyStandardize(designs.dclus1!, "stype", undefined, { ...TYPES, X: 5 })).toThrow(
      InputError,
    );
    expect(() => svyStandardize(designs.dclus1!, "stype", undefined, { ...TYPES, X: 5 })).toThrow(
      /"X" is not a level of stype/,
    );
    expect(() => svyStandardize(designs.dclus1!, "nosuch", undefined, TYPES)).toThrow(
      /unknown variable "nosuch"/,
    );
  });
});
