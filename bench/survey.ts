/**
 * Survey engine figures (issue 3): a stratified one-stage cluster design, strata = countries,
 * weighted means of two variables by country with SEs. Target: 1M respondents, 20 strata,
 * 2,000 PSUs in < 0.5 s for design + estimates (R survey: about 10 s), and reading plus design
 * of a 1M-row CSV in < 3 s.
 */
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSurveyFrame } from "../src/io/survey-data.ts";
import { buildDesign } from "../src/survey/design.ts";
import { estimateTable } from "../src/survey/estimate-table.ts";
import { syntheticSurveyCsv } from "./survey-synthetic.ts";

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

export async function surveyBench(): Promise<void> {
  console.log(
    "\nSurvey: weighted means of 2 variables by country with linearised SEs (stratified cluster design)",
  );
  console.log(
    "rows      | strata | PSUs   | read CSV | design | 2 means × strata | rows/s (design+estimates)",
  );
  for (const [rows, strata, psus] of [
    [100_000, 20, 100],
    [300_000, 20, 100],
    [1_000_000, 20, 100],
    [1_000_000, 100, 20],
  ] as const) {
    const file = join(tmpdir(), `softpower-bench-${process.pid}-${rows}-${strata}.csv`);
    writeFileSync(file, syntheticSurveyCsv(rows, strata, psus));
    try {
      let t = performance.now();
      const frame = await readSurveyFrame(file);
      const read = ms(t);
      t = performance.now();
      const design = buildDesign(frame, { ids: ["psu"], strata: "country", weights: "weight" });
      const tDesign = performance.now() - t;
      t = performance.now();
      const out = estimateTable(design, {
        stat: "mean",
        vars: ["rating", "favourable"],
        by: ["country"],
      });
      const tEst = performance.now() - t;
      if (out.length !== 2 * strata) throw new Error("bench: unexpected number of estimates");
      console.log(
        `${String(rows).padEnd(9)} | ${String(strata).padEnd(6)} | ${String(strata * psus).padEnd(6)} | ${read.padEnd(8)} | ${`${tDesign.toFixed(0)} ms`.padEnd(6)} | ${`${tEst.toFixed(0)} ms`.padEnd(16)} | ${Math.round(rows / ((tDesign + tEst) / 1000))}`,
      );
    } finally {
      rmSync(file, { force: true });
    }
  }
}
