/**
 * Banner tables (issue 15): a 40-column banner with significance letters on 1M respondents in
 * 2,000 PSUs (20 strata) in at most 1 s, and how the cost grows (100k, 300k, 1M rows). The data
 * is bench/survey-data.ts's synthetic one-stage cluster sample: the question is `rating`
 * (10 answers, so 10 rows), the columns Total and `region` with 40 categories (780 pairs tested
 * per row, 7,800 in all). Also a topline of the same question by region, the means banner of
 * the same rating, and the linearised domain covariance alone. Build of the design is outside
 * the timings; reading data is bench/survey.ts's. Wall and CPU ms (medians of 3; means and
 * topline CPU), with the load average: the machine is shared.
 */
import { loadavg } from "node:os";
import { bannerTable } from "../src/survey/banner.ts";
import { buildDesign } from "../src/survey/design.ts";
import { RatingsMapSchema } from "../src/survey/perceptions.ts";
import { topline } from "../src/survey/topline.ts";
import { syntheticSurveyFrame } from "./survey-data.ts";
import { load1, medianWallCpuMs } from "./timing.ts";

const MAP = RatingsMapSchema.parse({
  ratings: [{ target: "USA", attribute: "rating", column: "rating" }],
});

export function surveyBannerBench(): void {
  console.log(
    "\nSurvey banner tables (issue 15): rating (10 answers) by Total + region (40 columns), letters at 95% with Holm, 2,000 PSUs in 20 strata  [target: 1M rows <= 1 s]",
  );
  console.log(
    "rows      | banner + letters (wall / CPU) | means banner | topline by region | tests  | letters | load | CPU ms per 100k rows (banner)",
  );
  let prev: { rows: number; ms: number } | null = null;
  for (const rows of [100_000, 300_000, 1_000_000]) {
    const frame = syntheticSurveyFrame(rows, 2000, 20, 40);
    const design = buildDesign(frame, { ids: ["psu"], strata: "stratum", weights: "weight" });
    let tests = 0;
    let letters = 0;
    const banner = medianWallCpuMs(() => {
      const t = bannerTable(design, MAP, { columns: ["region"], adjust: "holm" });
      tests = t.tests.length;
      letters = t.rows.reduce((s, r) => s + r.cells.reduce((a, c) => a + c.letters.length, 0), 0);
    }, 3);
    const means = medianWallCpuMs(
      () => bannerTable(design, MAP, { columns: ["region"], rows: "means", adjust: "holm" }),
      3,
    );
    const top = medianWallCpuMs(() => topline(design, MAP, { columns: ["region"] }), 3);
    const growth = prev
      ? `  (×${(banner.cpu / prev.ms).toFixed(2)} for ×${(rows / prev.rows).toFixed(1)} rows)`
      : "";
    console.log(
      `${String(rows).padEnd(9)} | ${`${banner.wall.toFixed(0)} / ${banner.cpu.toFixed(0)} ms`.padEnd(29)} | ${`${means.cpu.toFixed(0)} ms`.padEnd(12)} | ${`${top.cpu.toFixed(0)} ms`.padEnd(17)} | ${String(tests).padEnd(6)} | ${String(letters).padEnd(7)} | ${load1().padEnd(4)} | ${((banner.cpu / rows) * 1e5).toFixed(1)}${growth}`,
    );
    prev = { rows, ms: banner.cpu };
  }
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) surveyBannerBench();
