import type { SurveyFrame } from "../survey/frame.ts";
import { analyseDrivers } from "./analysis.ts";
import { type DriverSpec, driverProblem } from "./problem.ts";

/**
 * LMG (Shapley) relative importance of predictors for an outcome in respondent data, in R²
 * units (they sum to R² minus the controls' R²), as relaimpo's `calc.relimp(type = "lmg")`.
 *
 * @example lmg(frame, { outcome: "Fertility", predictors: ["Agriculture", "Education"] }).values.Education
 */
export function lmg(
  frame: SurveyFrame,
  spec: DriverSpec,
): { r2: number; values: Record<string, number> } {
  const { pb } = driverProblem(frame, spec);
  const r = analyseDrivers(pb, ["lmg"]);
  return {
    r2: r.r2,
    values: Object.fromEntries(pb.players.map((p, j) => [p.name, r.values.lmg![j]!])),
  };
}
