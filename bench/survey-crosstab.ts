/**
 * Crosstabs and Rao–Scott tests (issue 15): svychisq of a 5 × 10 table on 1M respondents in
 * 2,000 PSUs (50 strata) in at most 1 s, and how the cost grows (100k, 300k, 1M rows). The data
 * is bench/survey-data.ts's synthetic one-stage cluster sample: rows = `answer` (the 1..10 rating
 * in 5 bands, a factor), columns = `region` (10 levels). Each test is one pass over the rows
 * (cell codes), one pass building the 2,000 × 50 PSU totals of the cell weights, then
 * O(P · K²) and O(K³) work on K = 50 cells. Also svyTable (counts, column % with SE and CI) and
 * the F test on the JKn replicate version (2,000 replicates) at 100k rows. Design building is
 * outside the timings.
 */
import { loadavg } from "node:os";
import { svyChisq, svyTable } from "../src/survey/crosstab.ts";
import { buildDesign } from "../src/survey/design.ts";
import type { SurveyFrame } from "../src/survey/frame.ts";
import { asReplicateDesign } from "../src/survey/replicates.ts";
import { syntheticSurveyFrame } from "./survey-data.ts";
import { medianMs } from "./timing.ts";

/** The frame with `answer`: rating 1–2, 3–4, ..., 9–10 as a 5-level factor. */
function withAnswer(frame: SurveyFrame): SurveyFrame {
  const r = frame.columns.get("rating")!;
  if (r.kind !== "number") throw new Error("rating is numeric");
  frame.columns.set("answer", {
    kind: "factor",
    levels: ["1-2", "3-4", "5-6", "7-8", "9-10"],
    codes: Int32Array.from(r.values, (v) => Math.floor((v - 1) / 2)),
  });
  return frame;
}

export function surveyCrosstabBench(): void {
  console.log(
    "\nSurvey crosstab tests (issue 15): answer (5) x region (10), 2,000 PSUs in 50 strata  [target: svychisq F at 1M rows <= 1 s]",
  );
  console.log(
    "rows      | F (Rao-Scott) | Chisq   | Wald    | adjWald | svyTable | ms per 100k rows (F)",
  );
  let prev: { rows: number; ms: number } | null = null;
  for (const rows of [100_000, 300_000, 1_000_000]) {
    const frame = withAnswer(syntheticSurveyFrame(rows, 2000, 50, 10));
    const design = buildDesign(frame, { ids: ["psu"], strata: "stratum", weights: "weight" });
    const ms = (s: "F" | "Chisq" | "Wald" | "adjWald") =>
      medianMs(() => svyChisq(design, "answer", "region", s), 5);
    const f = ms("F");
    const chisq = ms("Chisq");
    const wald = ms("Wald");
    const adj = ms("adjWald");
    const table = medianMs(() => svyTable(design, "answer", "region"), 3);
    const growth = prev
      ? `  (×${(f / prev.ms).toFixed(2)} for ×${(rows / prev.rows).toFixed(1)} rows)`
      : "";
    const c = (x: number, w: number) => `${x.toFixed(0)} ms`.padEnd(w);
    console.log(
      `${String(rows).padEnd(9)} | ${c(f, 13)} | ${c(chisq, 7)} | ${c(wald, 7)} | ${c(adj, 7)} | ${c(table, 8)} | ${((f / rows) * 1e5).toFixed(1)}${growth}`,
    );
    prev = { rows, ms: f };
  }
  const frame = withAnswer(syntheticSurveyFrame(100_000, 2000, 50, 10));
  const jkn = asReplicateDesign(
    buildDesign(frame, { ids: ["psu"], strata: "stratum", weights: "weight" }),
    "JKn",
  );
  const rep = medianMs(() => svyChisq(jkn, "answer", "region", "F"), 3);
  console.log(
    `JKn replicate design (2,000 replicates), 100k rows: svychisq F ${rep.toFixed(0)} ms (df ${jkn.replicate!.df})`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) surveyCrosstabBench();
