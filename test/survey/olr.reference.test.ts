/**
 * svyolr (proportional odds, logistic) against R survey 4.1.1 with MASS 7.3
 * (test/fixtures/survey-models/olr.csv and olr_default.csv, made by make-reference.R beside
 * them): band = api00 cut at 550, 650, 750 into low, mid, high, top, on dclus1, dstrat,
 * dclus2 and the JK1 version of dclus1. olr.csv is R converged tightly (optim reltol 1e-15):
 * every coefficient, threshold and SE to 1e-7 relative. olr_default.csv is R's default
 * svyolr, whose BFGS stops short of the maximum: within 1e-3.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import type { SurveyFrame } from "../../src/survey/frame.ts";
import { svyOlr } from "../../src/survey/index.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const api = (f: string) => sharedPath("survey", "api", f);
const fixture = (f: string) => new URL(`../fixtures/survey-models/${f}`, import.meta.url);
const LEVELS = ["low", "mid", "high", "top"];

/** R's cut(api00, c(0, 550, 650, 750, 1000), labels = LEVELS): right-closed bands. */
function addBand(frame: SurveyFrame): SurveyFrame {
  const api00 = frame.columns.get("api00");
  if (api00?.kind !== "number") throw new Error("api00 is not numeric");
  const codes = Int32Array.from(api00.values, (v) =>
    v <= 550 ? 0 : v <= 650 ? 1 : v <= 750 ? 2 : 3,
  );
  frame.columns.set("band", {
    kind: "factor",
    levels: ["high", "low", "mid", "top"],
    codes: codes.map((c) => [1, 2, 0, 3][c]!),
  });
  return frame;
}

const FORMULAS: Record<string, string> = {
  dclus1: "band ~ ell + meals",
  dstrat: "band ~ ell + meals",
  dclus2: "band ~ ell + meals",
  dclus1jk: "band ~ ell + meals",
  dclus1_mobility: "band ~ ell + meals + mobility",
  dstrat_mobility: "band ~ ell + meals + mobility",
  dclus2_mobility: "band ~ ell + meals + mobility",
  dstrat_stype: "band ~ ell + stype",
};

describe.skipIf(!hasShared)("svyolr vs R survey", () => {
  const designs: Record<string, SurveyDesign> = {};
  const ref: Record<string, string[][]> = {};
  beforeAll(async () => {
    const c1 = addBand(await readSurveyFrame(api("apiclus1.csv")));
    const st = addBand(await readSurveyFrame(api("apistrat.csv")));
    const c2 = addBand(await readSurveyFrame(api("apiclus2.csv")));
    designs.dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    designs.dstrat = buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    designs.dclus2 = buildDesign(c2, { ids: ["dnum", "snum"], fpc: ["fpc1", "fpc2"] });
    designs.dclus1jk = asReplicateDesign(designs.dclus1, "JK1");
    for (const f of ["olr.csv", "olr_default.csv"]) {
      const t = parseCsv(await readFile(fixture(f), "utf8"), f);
      expect(t.columns).toEqual(["case", "term", "estimate", "se"]);
      ref[f] = t.rows;
    }
  });

  for (const [file, rtol] of [
    ["olr.csv", 1e-7],
    ["olr_default.csv", 1e-3],
  ] as const) {
    it(`matches ${file} to ${rtol}`, () => {
      const rows = ref[file]!;
      const cases = [...new Set(rows.map((r) => r[0]!))];
      expect(cases.sort()).toEqual(Object.keys(FORMULAS).sort());
      for (const name of cases) {
        const want = rows.filter((r) => r[0] === name);
        const fit = svyOlr(designs[name.split("_")[0]!]!, FORMULAS[name]!, LEVELS);
        expect(fit.terms, name).toEqual(want.map((r) => r[1]));
        want.forEach((r, a) => {
          expectClose(fit.coef[a]!, Number(r[2]), {
            rtol,
            what: `${file} ${name} ${r[1]} estimate`,
          });
          expectClose(fit.se[a]!, Number(r[3]), { rtol, what: `${file} ${name} ${r[1]} se` });
        });
      }
    });
  }

  it("rejects bad outcomes and singular models, naming the value or term", () => {
    const d = designs.dclus1!;
    expect(() => svyOlr(d, "band ~ ell", ["low", "mid", "high"])).toThrow(
      /"top" is not one of the levels low, mid, high/,
    );
    expect(() => svyOlr(d, "band ~ ell", ["low", "mid", "high", "top", "best"])).toThrow(
      /"best" of band has no respondents/,
    );
    expect(() => svyOlr(d, "sch.wide ~ ell", ["No", "Yes"])).toThrow(/3 or more/);
    expect(() => svyOlr(d, "band ~ ell + meals + fpc", LEVELS)).toThrow(
      /fpc is collinear with the thresholds/,
    );
  });
});
