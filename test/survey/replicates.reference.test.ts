/**
 * Replicate-weight means and totals, overall and by domain, against R survey 4.1.1
 * (test/fixtures/survey-replicates/reference.csv, made once by make-reference.R in that folder,
 * whose code states each design): JK1 (with fpc, and with mse) on apiclus1, JKn on apistrat,
 * BRR and Fay (ρ = 0.3) on R's scd data. The same JKn replicates given as published replicate
 * columns (svrepdesign with rscales) reproduce R's JKn values. Also R's scales of the bootstrap
 * and subbootstrap (which do not depend on the draws) and the replicate designs' degf.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { buildDesign, designDf, type SurveyDesign } from "../../src/survey/design.ts";
import { estimateTable } from "../../src/survey/estimate-table.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const FIX = new URL("../fixtures/survey-replicates/", import.meta.url).pathname;
const RTOL = 1e-10;

async function readRef(file: string) {
  const t = parseCsv(await readFile(`${FIX}${file}`, "utf8"), file);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]!])));
}

function check(designs: Record<string, SurveyDesign>, rows: Record<string, string>[]) {
  let checked = 0;
  for (const row of rows) {
    const d = designs[row.design!];
    if (!d) continue;
    const what = `${row.design} ${row.stat} ${row.variable} ${row.by} ${row.domain}`;
    let got: { estimate: number; se: number };
    if (row.by === "") got = (row.stat === "mean" ? svyMean : svyTotal)(d, row.variable!);
    else {
      const t = estimateTable(d, {
        stat: row.stat as "mean" | "total",
        vars: [row.variable!],
        by: [row.by!],
      });
      got = t.find((r) => r.by[0] === row.domain)!;
      expect(got, what).toBeDefined();
    }
    expectClose(got.estimate, Number(row.estimate), { rtol: RTOL, what: `${what} estimate` });
    expectClose(got.se, Number(row.se), { rtol: RTOL, what: `${what} se` });
    checked++;
  }
  return checked;
}

describe("replicate designs on R's scd data (BRR, Fay) match R survey", () => {
  it("every BRR and Fay row of the reference file", async () => {
    const frame = await readSurveyFrame(`${FIX}scd.csv`);
    const d = buildDesign(frame, { ids: ["ambulance"], strata: "ESA", nest: true });
    const designs = {
      scd_BRR: asReplicateDesign(d, "BRR"),
      scd_Fay: asReplicateDesign(d, "Fay", { fayRho: 0.3 }),
    };
    expect(check(designs, await readRef("reference.csv"))).toBe(24);
    // R: scale 1/4 with 4 replicates, degf 3 (scales.csv)
    expect(designs.scd_BRR.replicate!.count).toBe(4);
    expectClose(designs.scd_BRR.replicate!.scale, 0.25, { rtol: 1e-15, what: "BRR scale" });
    expect(designDf(designs.scd_BRR)).toBe(3);
  });
});

describe.skipIf(!hasShared)("replicate designs on the api samples match R survey", () => {
  const designs: Record<string, SurveyDesign> = {};
  let ref: Record<string, string>[];
  beforeAll(async () => {
    const c1 = await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv"));
    const st = await readSurveyFrame(sharedPath("survey", "api", "apistrat.csv"));
    const dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    const dstrat = buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    designs.dclus1_JK1 = asReplicateDesign(dclus1, "JK1");
    designs.dclus1_JK1_mse = asReplicateDesign(dclus1, "JK1", { mse: true });
    designs.dstrat_JKn = asReplicateDesign(dstrat, "JKn");
    designs.dstrat = dstrat;
    ref = await readRef("reference.csv");
  });

  it("JK1 (fpc; and mse) and JKn: every row, overall and by awards", () => {
    expect(check(designs, ref)).toBe(48);
  });

  it("the JKn weights given as published replicate columns (svrepdesign) give R's JKn values", async () => {
    const jkn = designs.dstrat_JKn!;
    const st = await readSurveyFrame(sharedPath("survey", "api", "apistrat.csv"));
    jkn.replicate!.weights.forEach((w, r) => {
      st.columns.set(`repw${r}`, { kind: "number", values: w });
    });
    const supplied = buildDesign(st, {
      ids: [],
      strata: "stype",
      weights: "pw",
      replicates: { pattern: "^repw", type: "JKn", rscales: Array.from(jkn.replicate!.rscales) },
    });
    expect(supplied.replicate!.layout.kind).toBe("rows");
    const rows = ref.map((r) => (r.design === "dstrat_JKn" ? { ...r, design: "supplied" } : r));
    expect(check({ supplied }, rows)).toBe(18);
  });

  it("scales and degf as R's (bootstrap 50 and 20, subbootstrap 50, JK1, JKn)", async () => {
    const sc = Object.fromEntries((await readRef("scales.csv")).map((r) => [r.design!, r]));
    const dstrat = designs.dstrat!;
    const cases: [string, SurveyDesign][] = [
      ["dstrat_bootstrap_50", asReplicateDesign(dstrat, "bootstrap")],
      ["dstrat_bootstrap_20", asReplicateDesign(dstrat, "bootstrap", { replicates: 20 })],
      ["dstrat_subbootstrap_50", asReplicateDesign(dstrat, "subbootstrap")],
      ["dclus1_JK1", designs.dclus1_JK1!],
      ["dstrat_JKn", designs.dstrat_JKn!],
    ];
    for (const [name, d] of cases) {
      const r = sc[name]!;
      expectClose(d.replicate!.scale, Number(r.scale), { rtol: 1e-14, what: `${name} scale` });
      expect(d.replicate!.count, `${name} replicates`).toBe(Number(r.replicates));
      if (r.degf!.trim() !== "NA") expect(designDf(d), `${name} degf`).toBe(Number(r.degf));
    }
  });
});
