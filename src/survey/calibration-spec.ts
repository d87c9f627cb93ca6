import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { calibrate, postStratify, rake, trimWeights } from "./calibrate.ts";
import type { SurveyDesign } from "./design.ts";

const counts = z.record(z.string(), z.number());

/**
 * calib.json: `{"method": "poststratify", "margins": {"stype": {"E": 4421, ...}}}`; "rake" takes
 * several margins (and `maxit`, `epsilon`); "linear", "raking", "logit" take `totals` named as
 * R's model matrix names them and optional `bounds` (on g = new/old weight, used by the
 * calibration itself, R's `bounds`) and `trim: [lower, upper]` (R's calibrate `trim`: g clamped
 * to the range after calibration, the excess redistributed to the untrimmed units in proportion
 * to weight). The older object form `trim: {"lower", "upper", "strict"}` bounds the final
 * weights themselves (R's `trimWeights`) and applies to every method.
 */
export const CalibrationSpecSchema = z
  .object({
    method: z.enum(["poststratify", "rake", "linear", "raking", "logit"]),
    margins: z.record(z.string(), counts).optional(),
    totals: counts.optional(),
    bounds: z.tuple([z.number(), z.number()]).optional(),
    maxit: z.number().int().positive().optional(),
    epsilon: z.number().positive().optional(),
    trim: z
      .union([
        z.tuple([z.number(), z.number()]),
        z
          .object({
            lower: z.number().optional(),
            upper: z.number().optional(),
            strict: z.boolean().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

export type CalibrationSpec = z.infer<typeof CalibrationSpecSchema>;

/** Applies a calibration spec to a design. */
export function applyCalibration(design: SurveyDesign, spec: CalibrationSpec): SurveyDesign {
  let d = design;
  const gTrim = Array.isArray(spec.trim) ? (spec.trim as [number, number]) : undefined;
  if (gTrim && (spec.method === "poststratify" || spec.method === "rake"))
    throw new InputError(
      `calibration "trim": [lower, upper] bounds g in R's calibrate and applies to methods linear, raking and logit, not "${spec.method}"; to bound the final weights give "trim": {"lower": ..., "upper": ...} (R's trimWeights)`,
    );
  switch (spec.method) {
    case "poststratify": {
      const m = Object.entries(spec.margins ?? {});
      if (m.length !== 1)
        throw new InputError('calibration "poststratify" needs exactly one variable in "margins"');
      d = postStratify(d, m[0]![0], m[0]![1]);
      break;
    }
    case "rake":
      if (!spec.margins) throw new InputError('calibration "rake" needs "margins"');
      d = rake(d, spec.margins, { maxit: spec.maxit, epsilon: spec.epsilon });
      break;
    default:
      if (!spec.totals)
        throw new InputError(
          `calibration "${spec.method}" needs "totals" (named as R's model matrix)`,
        );
      d = calibrate(d, spec.totals, {
        calfun: spec.method,
        bounds: spec.bounds,
        trim: gTrim,
        maxit: spec.maxit,
        epsilon: spec.epsilon,
      });
  }
  if (spec.trim && !Array.isArray(spec.trim))
    d = trimWeights(d, spec.trim.lower, spec.trim.upper, spec.trim.strict);
  return d;
}
