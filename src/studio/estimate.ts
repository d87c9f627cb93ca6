/**
 * The live estimate of the survey page: one rating's weighted top-box share with its SE and
 * design effect under the design being set, overall and per audience, computed by the survey
 * engine the build uses (svyMean on the top-box indicator; per audience by `perceptions`).
 * Survey files are parsed once and kept (frame-cache.ts, shared with the data preview).
 */
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { buildDesign, DesignSpecSchema } from "../survey/design.ts";
import { svyMean } from "../survey/estimators.ts";
import type { SurveyFrame } from "../survey/frame.ts";
import { numeric } from "../survey/frame.ts";
import { perceptions, RatingsMapSchema } from "../survey/perceptions.ts";

/** The body of an estimate request: the data file, the design, one rating and its codes. */
export const EstimateRequestSchema = z
  .object({
    /** Path of the survey file, relative to the study folder (checked by the caller). */
    data: z.string().min(1),
    design: DesignSpecSchema,
    column: z.string().min(1),
    top_box: z.array(z.number()).min(1, "pick at least one top-box code"),
    dont_know_codes: z.array(z.number()).default([]),
    dont_know: z.enum(["keep", "drop"]).default("keep"),
    /** The audience variable (e.g. country): estimates per audience as well. */
    audience: z.string().min(1).optional(),
  })
  .strict();
export type EstimateRequest = z.input<typeof EstimateRequestSchema>;

/** One estimate: share of the top box, SE, design effect, respondents used. */
export interface EstimateRow {
  audience: string;
  estimate: number;
  se: number;
  deff: number | null;
  n: number;
}

export { surveyFrame } from "./frame-cache.ts";

/**
 * Design effect against simple random sampling with replacement (R's `deff = "replace"`):
 * SE² / (s²_w / n), s²_w = n/(n−1) · Σ w (y − ȳ)² / Σ w over the rows with y. Used rather than
 * the without-replacement form, which is meaningless when the weights sum to about n.
 */
function deffReplace(w: Float64Array, y: Float64Array, mean: number, se: number): number | null {
  let sw = 0;
  let ss = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const wi = w[i]!;
    if (Number.isNaN(v) || !(wi > 0)) continue;
    sw += wi;
    ss += wi * (v - mean) ** 2;
    n++;
  }
  if (n < 2 || !(ss > 0)) return null;
  const s2 = ((ss / sw) * n) / (n - 1);
  return (se * se) / (s2 / n);
}

/**
 * The estimate preview of `req` on `frame`: overall (with deff) and, with an audience variable,
 * per audience as the build's perceptions table gives it.
 *
 * @throws InputError for an unknown column or a design that cannot be built (its message)
 */
export function estimatePreview(
  frame: SurveyFrame,
  reqIn: z.input<typeof EstimateRequestSchema>,
): { overall: EstimateRow; audiences: EstimateRow[]; ms: number } {
  const t = performance.now();
  const req = EstimateRequestSchema.parse(reqIn);
  const y = numeric(frame, req.column);
  const top = new Set(req.top_box);
  const dk = new Set(req.dont_know_codes);
  const ind = Float64Array.from(y, (v) =>
    Number.isNaN(v)
      ? Number.NaN
      : top.has(v)
        ? 1
        : dk.has(v) && req.dont_know === "drop"
          ? Number.NaN
          : 0,
  );
  const name = "__softpower_top_box";
  const columns = new Map(frame.columns);
  columns.set(name, { kind: "number", values: ind });
  const design = buildDesign({ ...frame, columns }, req.design);
  const e = svyMean(design, name);
  const overall: EstimateRow = {
    audience: "all",
    estimate: e.estimate,
    se: e.se,
    deff: deffReplace(design.weights, ind, e.estimate, e.se),
    n: e.n,
  };
  let audiences: EstimateRow[] = [];
  if (req.audience) {
    const map = RatingsMapSchema.parse({
      audience: req.audience,
      dont_know: req.dont_know,
      top_box: req.top_box,
      dont_know_codes: req.dont_know_codes,
      ratings: [{ target: "preview", attribute: "preview", column: req.column }],
    });
    audiences = perceptions(design, map, [])
      .ratings.filter((r) => r.measure === "share" && r.segment === "all")
      .map((r) => ({ audience: r.audience, estimate: r.estimate, se: r.se, deff: null, n: r.n }));
  }
  if (!Number.isFinite(overall.estimate))
    throw new InputError(`${req.column}: no respondent with a valid answer`);
  return { overall, audiences, ms: Math.round(performance.now() - t) };
}
