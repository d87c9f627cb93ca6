/**
 * postStratify, rake and calibrate (linear, raking, logit and linear with bounds, raking with
 * trim) on replicate designs against R survey 4.1.1 (test/fixtures/survey-calibration/
 * replicates.csv, made once by make-reference.R there): every replicate recalibrated to the
 * same totals, the variance centred on the mean of the replicates (R's default mse = FALSE;
 * one design with mse = TRUE). Designs: as.svrepdesign(dclus1, "JK1"), as.svrepdesign(dstrat,
 * "JKn") and R's own bootstrap replicates of dclus1 (exported multipliers, loaded as supplied
 * replicate columns so both sides use the same draws). Mean of api00, total of enroll, and
 * domain means of api00 by sch.wide.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { calibrate, postStratify, rake } from "../../src/survey/calibrate.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { factor, type SurveyFrame } from "../../src/survey/frame.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const FIX = new URL("../fixtures/survey-calibration/", import.meta.url).pathname;
const RTOL = 1e-8;

async function readRef(file: string): Promise<Record<string, string>[]> {
  const t = parseCsv(await readFile(`${FIX}${file}`, "utf8"), file);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]!])));
}

const POP_TYPES = { E: 4421, H: 755, M: 1018 };
const POP_SCHWIDE = { No: 1072, Yes: 5122 };
const POP_LIN = { "(Intercept)": 6194, stypeH: 755, stypeM: 1018, api99: 3914069 };
const BOUNDS: Record<string, [number, number]> = {
  jk1_dclus1: [0.4, 2.5],
  jkn_dstrat: [0.4, 2.5],
  boot_dclus1: [0.2, 5],
  jk1mse_dclus1: [0.4, 2.5],
};

const CASES: Record<string, (d: SurveyDesign, b: [number, number]) => SurveyDesign> = {
  none: (d) => d,
  poststratify: (d) => postStratify(d, "stype", POP_TYPES),
  rake: (d) => rake(d, { stype: POP_TYPES, "sch.wide": POP_SCHWIDE }),
  linear: (d) => calibrate(d, POP_LIN),
  raking: (d) => calibrate(d, POP_LIN, { calfun: "raking" }),
  logit: (d, b) => calibrate(d, POP_LIN, { calfun: "logit", bounds: b }),
  linear_bounded: (d, b) => calibrate(d, POP_LIN, { bounds: b }),
  raking_trim: (d) => calibrate(d, POP_LIN, { calfun: "raking", trim: [0.7, 1.5] }),
};

/** apiclus1 with R's bootstrap multipliers as columns boot1..boot50. */
async function withBootColumns(frame: SurveyFrame): Promise<SurveyFrame> {
  const m = await readSurveyFrame(`${FIX}boot-multipliers.csv`);
  expect(m.n).toBe(frame.n);
  const columns = new Map(frame.columns);
  for (const [k, c] of m.columns) if (k.startsWith("boot")) columns.set(k, c);
  return { ...frame, columns };
}

describe.skipIf(!hasShared)("calibrated replicate designs match R survey", () => {
  const designs: Record<string, SurveyDesign> = {};
  let rows: Record<string, string>[] = [];
  beforeAll(async () => {
    const clus1 = await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv"));
    const strat = await readSurveyFrame(sharedPath("survey", "api", "apistrat.csv"));
    const dclus1 = buildDesign(clus1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    const dstrat = buildDesign(strat, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    const scale = Number((await readRef("boot-scale.csv"))[0]!.scale);
    designs.jk1_dclus1 = asReplicateDesign(dclus1, "JK1");
    designs.jkn_dstrat = asReplicateDesign(dstrat, "JKn");
    designs.jk1mse_dclus1 = asReplicateDesign(dclus1, "JK1", { mse: true });
    designs.boot_dclus1 = buildDesign(await withBootColumns(clus1), {
      ids: ["dnum"],
      weights: "pw",
      fpc: ["fpc"],
      replicates: { pattern: "^boot\\d+$", type: "bootstrap", scale, combined_weights: false },
    });
    rows = await readRef("replicates.csv");
  });

  const groups = [
    ["jk1_dclus1", Object.keys(CASES)],
    ["jkn_dstrat", Object.keys(CASES)],
    ["boot_dclus1", Object.keys(CASES)],
    ["jk1mse_dclus1", ["none", "rake", "linear"]],
  ] as const;
  for (const [dn, cases] of groups) {
    for (const cn of cases) {
      it(`${dn} ${cn}: mean api00, total enroll, means by sch.wide`, () => {
        const d = CASES[cn]!(designs[dn]!, BOUNDS[dn]!);
        const sw = factor(d.frame, "sch.wide");
        const mine = rows.filter((r) => r.design === dn && r.case === cn);
        expect(mine.length).toBe(4);
        for (const r of mine) {
          const what = `${dn} ${cn} ${r.stat} ${r.variable} ${r.domain}`;
          const dom =
            r.domain === ""
              ? null
              : Uint8Array.from(sw.codes, (c) => (sw.levels[c] === r.domain ? 1 : 0));
          const e = (r.stat === "mean" ? svyMean : svyTotal)(d, r.variable!, dom);
          expectClose(e.estimate, Number(r.estimate), { rtol: RTOL, what: `${what} estimate` });
          expectClose(e.se, Number(r.se), { rtol: RTOL, what: `${what} se` });
        }
      });
    }
  }

  it("the issue's case: api00 on JK1 dclus1 raked to stype and sch.wide has R's SE 26.873", () => {
    const d = CASES.rake!(designs.jk1_dclus1!, [0, 0]);
    expectClose(svyMean(d, "api00").se, 26.873474236088, { rtol: 1e-9, what: "se" });
  });
});
