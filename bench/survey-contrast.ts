/**
 * Contrasts of domain estimates (issue 15): R `svycontrast` on `svyby(..., covmat = TRUE)`,
 * linear and nonlinear, on bench/survey-data.ts's synthetic one-stage cluster sample (2,000
 * PSUs in 20 strata, region with 10 domains), and how the cost grows (100k, 300k, 1M rows):
 * - linear: the mean rating by region (10 estimates and their 10 × 10 covariance), then
 *   D0 − D1 and D0 − the average of the other nine;
 * - nonlinear: the means of rating and income by region (20 estimates), then the difference of
 *   two domains' ratios `D0:rating` / `D0:income` − `D1:rating` / `D1:income` (delta method,
 *   symbolic derivatives).
 * The domain estimates with their covariance are timed with the contrasts (what `survey
 * estimate --by region --contrast ...` does); the contrasts alone too. Build of the design is
 * outside the timings. Figures: median wall and CPU ms of 3 runs, with the load average.
 */
import { svyBy } from "../src/survey/by.ts";
import { svyContrast } from "../src/survey/contrast.ts";
import { buildDesign } from "../src/survey/design.ts";
import { syntheticSurveyFrame } from "./survey-data.ts";
import { load1, medianWallCpuMs } from "./timing.ts";

const OTHERS = Object.fromEntries([
  ["D0", 1],
  ...Array.from({ length: 9 }, (_, k) => [`D${k + 1}`, -1 / 9]),
]);
const RATIO_DIFF = "`D0:rating` / `D0:income` - `D1:rating` / `D1:income`";

export function surveyContrastBench(): void {
  console.log(
    "\nSurvey contrasts (issue 15): svycontrast on svyby(covmat = TRUE), region (10 domains), 2,000 PSUs in 20 strata",
  );
  console.log(
    "rows      | linear: by + 2 contrasts (wall / CPU) | nonlinear: by + ratio diff (wall / CPU) | contrasts alone | load | CPU ms per 100k rows (nonlinear)",
  );
  let prev: { rows: number; ms: number } | null = null;
  for (const rows of [100_000, 300_000, 1_000_000]) {
    const frame = syntheticSurveyFrame(rows, 2000, 20, 10);
    const design = buildDesign(frame, { ids: ["psu"], strata: "stratum", weights: "weight" });
    let check = 0;
    const linear = medianWallCpuMs(() => {
      const by = svyBy(
        design,
        ["region"],
        { stat: "mean", variables: ["rating"] },
        { covmat: true },
      );
      check += svyContrast(by.estimates, by.vcov, { D0: 1, D1: -1 }).se;
      check += svyContrast(by.estimates, by.vcov, OTHERS).se;
    }, 3);
    const two = svyBy(
      design,
      ["region"],
      { stat: "mean", variables: ["rating", "income"] },
      { covmat: true },
    );
    const nonlinear = medianWallCpuMs(() => {
      const by = svyBy(
        design,
        ["region"],
        { stat: "mean", variables: ["rating", "income"] },
        { covmat: true },
      );
      check += svyContrast(by.estimates, by.vcov, RATIO_DIFF).se;
    }, 3);
    const alone = medianWallCpuMs(() => {
      check += svyContrast(two.estimates, two.vcov, { "D0:rating": 1, "D1:rating": -1 }).se;
      check += svyContrast(two.estimates, two.vcov, RATIO_DIFF).se;
    }, 5);
    if (!Number.isFinite(check)) throw new Error("survey-contrast bench: a non-finite SE");
    const ms = nonlinear.cpu;
    const growth = prev
      ? `  (×${(ms / prev.ms).toFixed(2)} for ×${(rows / prev.rows).toFixed(1)} rows)`
      : "";
    const pair = (t: { wall: number; cpu: number }) =>
      `${t.wall.toFixed(0)} / ${t.cpu.toFixed(0)} ms`;
    console.log(
      `${String(rows).padEnd(9)} | ${pair(linear).padEnd(37)} | ${pair(nonlinear).padEnd(39)} | ${`${(alone.cpu * 1000).toFixed(0)} µs CPU`.padEnd(15)} | ${load1().padEnd(4)} | ${((ms / rows) * 1e5).toFixed(1)}${growth}`,
    );
    prev = { rows, ms };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) surveyContrastBench();
