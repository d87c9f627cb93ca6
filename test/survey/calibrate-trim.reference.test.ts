/**
 * calibrate's trim with R's meaning (R survey 4.1.1 calibrate(..., trim = c(lo, hi)); fixtures
 * test/fixtures/survey-calibration/trim.csv and trim-weights.csv, made once by make-reference.R
 * there): g = new/old weight clamped to [lo, hi] after calibration, the trimmed weight given back
 * to the untrimmed units in proportion to their weight. Cases on dclus1 (raking; linear with
 * wide bounds; logit with bounds) and raking on the JK1 replicates of dclus1 (each replicate
 * trimmed too): the number of weights trimmed, every final weight, min, max, sum, mean of api00
 * and total of enroll with SE. R ignores trim on the closed-form linear calibration; we refuse it.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { calibrate } from "../../src/survey/calibrate.ts";
import { applyCalibration, CalibrationSpecSchema } from "../../src/survey/calibration-spec.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const RTOL = 1e-8;
const FIX = new URL("../fixtures/survey-calibration/", import.meta.url).pathname;

async function readRef(file: string): Promise<Record<string, string>[]> {
  const t = parseCsv(await readFile(`${FIX}${file}`, "utf8"), file);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]!])));
}
const POP_LIN = { "(Intercept)": 6194, stypeH: 755, stypeM: 1018, api99: 3914069 };

const CASES: Record<string, (d: SurveyDesign, jk1: SurveyDesign) => SurveyDesign> = {
  raking_trim: (d) => calibrate(d, POP_LIN, { calfun: "raking", trim: [0.7, 1.5] }),
  linear_wide_trim: (d) => calibrate(d, POP_LIN, { bounds: [-1e6, 1e6], trim: [0.6, 1.6] }),
  logit_trim: (d) => calibrate(d, POP_LIN, { calfun: "logit", bounds: [0.4, 2], trim: [0.6, 1.4] }),
  jk1_raking_trim: (_, jk1) => calibrate(jk1, POP_LIN, { calfun: "raking", trim: [0.7, 1.5] }),
};

describe.skipIf(!hasShared)("calibrate trim matches R survey", () => {
  let dclus1: SurveyDesign;
  let jk1: SurveyDesign;
  let summary: Record<string, string>[] = [];
  let weights: Record<string, string>[] = [];
  beforeAll(async () => {
    const f = await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv"));
    dclus1 = buildDesign(f, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    jk1 = asReplicateDesign(dclus1, "JK1");
    summary = await readRef("trim.csv");
    weights = await readRef("trim-weights.csv");
  });

  for (const cn of Object.keys(CASES)) {
    it(`${cn}: weights, their min/max/sum, mean and total with SE`, () => {
      const d = CASES[cn]!(dclus1, jk1);
      const ref = summary.find((r) => r.case === cn)!;
      const w = weights.filter((r) => r.case === cn);
      expect(w.length).toBe(d.n);
      for (const r of w)
        expectClose(d.weights[Number(r.row) - 1]!, Number(r.weight), {
          rtol: RTOL,
          what: `${cn} weight ${r.row}`,
        });
      // R's message "k weights were trimmed": g at a bound after trimming (in R's count).
      const base = cn.startsWith("jk1") ? jk1 : dclus1;
      let atBound = 0;
      const [lo, hi] =
        cn === "linear_wide_trim" ? [0.6, 1.6] : cn === "logit_trim" ? [0.6, 1.4] : [0.7, 1.5];
      for (let i = 0; i < d.n; i++) {
        const g = d.weights[i]! / base.weights[i]!;
        if (Math.abs(g - lo) < 1e-12 || Math.abs(g - hi) < 1e-12) atBound++;
      }
      expect(atBound).toBe(Number(ref.trimmed));
      expectClose(Math.min(...d.weights), Number(ref.w_min), { rtol: RTOL, what: "min" });
      expectClose(Math.max(...d.weights), Number(ref.w_max), { rtol: RTOL, what: "max" });
      expectClose(
        d.weights.reduce((a, b) => a + b, 0),
        Number(ref.w_sum),
        { rtol: RTOL, what: "sum" },
      );
      const m = svyMean(d, "api00");
      const t = svyTotal(d, "enroll");
      expectClose(m.estimate, Number(ref.mean), { rtol: RTOL, what: "mean" });
      expectClose(m.se, Number(ref.mean_se), { rtol: RTOL, what: "mean se" });
      expectClose(t.estimate, Number(ref.total), { rtol: RTOL, what: "total" });
      expectClose(t.se, Number(ref.total_se), { rtol: RTOL, what: "total se" });
    });
  }

  it("calib.json trim [lower, upper] is R's trim; the object form is still trimWeights", () => {
    const spec = CalibrationSpecSchema.parse({
      method: "raking",
      totals: POP_LIN,
      trim: [0.7, 1.5],
    });
    const a = applyCalibration(dclus1, spec);
    const b = CASES.raking_trim!(dclus1, jk1);
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const old = applyCalibration(
      dclus1,
      CalibrationSpecSchema.parse({ method: "raking", totals: POP_LIN, trim: { upper: 60 } }),
    );
    expect(Math.max(...old.weights)).toBeLessThanOrEqual(60 + 1e-9);
  });

  it("trim on the closed-form linear calibration (R ignores it) or on rake is an InputError", () => {
    expect(() => calibrate(dclus1, POP_LIN, { trim: [0.6, 1.6] })).toThrow(InputError);
    expect(() => calibrate(dclus1, POP_LIN, { trim: [0.6, 1.6] })).toThrow(/bounds/);
    expect(() => calibrate(dclus1, POP_LIN, { calfun: "raking", trim: [1.2, 0.8] })).toThrow(
      /lower < upper/,
    );
    expect(() =>
      applyCalibration(
        dclus1,
        CalibrationSpecSchema.parse({
          method: "rake",
          margins: { stype: { E: 4421, H: 755, M: 1018 } },
          trim: [0.5, 2],
        }),
      ),
    ).toThrow(/linear, raking and logit/);
  });
});
