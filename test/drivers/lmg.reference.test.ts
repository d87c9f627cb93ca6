/**
 * LMG of the swiss regression (Fertility ~ Agriculture + Examination + Education + Catholic +
 * Infant.Mortality) against relaimpo::calc.relimp(type = "lmg"), from the shared reference CSV.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { analyseDrivers } from "../../src/drivers/analysis.ts";
import { driverProblem } from "../../src/drivers/problem.ts";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const PREDICTORS = ["Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"];

describe.skipIf(!hasShared)("swiss LMG vs relaimpo", () => {
  const load = async () => {
    const frame = await readSurveyFrame(sharedPath("drivers", "swiss.csv"));
    const { pb, exclusions } = driverProblem(frame, {
      outcome: "Fertility",
      predictors: PREDICTORS,
    });
    const ref = parseCsv(
      await readFile(sharedPath("drivers", "reference", "relaimpo_swiss_lmg.csv"), "utf8"),
      "relaimpo_swiss_lmg.csv",
    );
    const col = (name: string) => ref.columns.indexOf(name);
    const rows = new Map(ref.rows.map((r) => [r[col("predictor")]!, r]));
    const num = (p: string, c: string) => Number(rows.get(p)![col(c)]!);
    return { pb, exclusions, num, refPredictors: [...rows.keys()] };
  };

  it("uses all 47 provinces and the reference lists the same predictors", async () => {
    const { pb, exclusions, refPredictors } = await load();
    expect(exclusions.used).toBe(47);
    expect(pb.rows.length).toBe(47);
    expect(refPredictors).toEqual(PREDICTORS);
  });

  it("R², LMG values and LMG shares equal relaimpo to 1e-9", async () => {
    const { pb, num } = await load();
    const r = analyseDrivers(pb, ["lmg"]);
    expect(pb.players.map((p) => p.name)).toEqual(PREDICTORS);
    expectClose(r.r2, num("Agriculture", "R2"), { what: "R2" });
    expectClose(r.r2, 0.706735001592726, { what: "R2 (brief)" });
    const lmg = r.values.lmg!;
    PREDICTORS.forEach((p, j) => {
      expectClose(lmg[j]!, num(p, "lmg"), { what: `lmg ${p}` });
      expectClose(lmg[j]! / r.r2, num(p, "lmg_share"), { what: `lmg share ${p}` });
    });
  });

  it("general dominance equals LMG and the dominance tables agree with it (identities)", async () => {
    const { pb, num } = await load();
    const r = analyseDrivers(pb, ["lmg", "dominance"]);
    const P = PREDICTORS.length;
    PREDICTORS.forEach((p, j) => {
      expectClose(r.values.dominance![j]!, num(p, "lmg"), { what: `general dominance ${p}` });
      const cond = r.conditional![j]!;
      const mean = cond.reduce((s, x) => s + x, 0) / P;
      expectClose(mean, r.values.lmg![j]!, { rtol: 1e-10, what: `mean conditional ${p}` });
    });
    const sum = r.values.lmg!.reduce((s, x) => s + x, 0);
    expectClose(sum, r.r2, { rtol: 1e-10, what: "sum of lmg" });
  });
});

describe.skipIf(!hasShared)("the public lmg() helper", () => {
  it("gives relaimpo's swiss LMG by predictor name", async () => {
    const { lmg } = await import("../../src/index.ts");
    const { readSurveyFrame } = await import("../../src/io/survey-data.ts");
    const frame = await readSurveyFrame(sharedPath("drivers", "swiss.csv"));
    const r = lmg(frame, {
      outcome: "Fertility",
      predictors: ["Agriculture", "Examination", "Education", "Catholic", "Infant.Mortality"],
    });
    // relaimpo reference (../shared/data/drivers/reference/relaimpo_swiss_lmg.csv)
    expectClose(r.values.Education!, 0.260134678624385, { rtol: 1e-9 });
    expectClose(r.r2, 0.706735001592726, { rtol: 1e-9 });
  });
});
