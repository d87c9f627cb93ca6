import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { rankDescending } from "../stats/rank.ts";
import { type AggregateOptions, aggregate } from "./aggregate.ts";
import { denominate } from "./denominate.ts";
import { type ImputeReport, impute } from "./impute.ts";
import { normalise } from "./normalise.ts";
import { type ScreenRow, screen } from "./screen.ts";
import { type TreatDetail, treat } from "./treat.ts";
import type { Dataset, Framework, UnitData, Weights } from "./types.ts";

const pair = z.tuple([z.number(), z.number()]);

/** Normalisation step: a method and its COINr-named parameters. */
export const NormaliseStepSchema = z
  .object({
    method: z.enum([
      "n_minmax",
      "n_zscore",
      "n_scaled",
      "n_rank",
      "n_borda",
      "n_prank",
      "n_dist2max",
      "n_dist2ref",
      "n_dist2targ",
      "n_fracmax",
      "n_goalposts",
      "none",
    ]),
    params: z
      .object({
        l_u: pair.optional(),
        m_sd: pair.optional(),
        npara: pair.optional(),
        ties_method: z.enum(["average", "min", "max", "first"]).optional(),
        iref: z.union([z.string(), z.number().int()]).optional(),
        cap_max: z.boolean().optional(),
        targ: z.number().optional(),
        direction: z.union([z.literal(1), z.literal(-1)]).optional(),
        gposts: z.tuple([z.number(), z.number(), z.number()]).optional(),
        trunc2posts: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const aggMethod = z.enum(["a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland"]);
const treatCore = z
  .object({
    winmax: z.number().int().min(0).optional(),
    skew_thresh: z.number().positive().optional(),
    kurt_thresh: z.number().optional(),
    force_win: z.boolean().optional(),
    f2: z.enum(["log_CT", "log_CT_plus", "log_CT_orig", "boxcox", "none"]).optional(),
    lambda: z.number().optional(),
    combine_treat: z.boolean().optional(),
  })
  .strict();

/**
 * The pipeline: each step optional, run in the order denominate → impute → screen → treat →
 * normalise → aggregate. Parameter names follow COINr. Unknown keys are errors.
 */
export const PipelineSchema = z
  .object({
    denominate: z
      .object({ map: z.record(z.string(), z.string().nullable()).optional() })
      .strict()
      .optional(),
    impute: z
      .object({
        method: z.enum(["i_mean", "i_median", "i_mean_grp", "i_median_grp", "i_panel"]),
        group: z.string().optional(),
      })
      .strict()
      .optional(),
    screen: z
      .object({
        by: z
          .enum(["byNA", "byzeros", "byNAandzeros", "byNZ", "byNAandNZ", "none"])
          .default("byNA"),
        dat_thresh: z.number().min(0).max(1).optional(),
        nonzero_thresh: z.number().min(0).max(1).optional(),
        force: z
          .object({
            include: z.array(z.string()).optional(),
            exclude: z.array(z.string()).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    treat: treatCore
      .extend({ indiv: z.record(z.string(), z.union([treatCore, z.literal("none")])).optional() })
      .strict()
      .optional(),
    normalise: NormaliseStepSchema.extend({
      indiv: z.record(z.string(), z.union([NormaliseStepSchema, z.literal("none")])).optional(),
      /** Panel data: normalise all years together (COINr's default for a purse) or each year apart. */
      global: z.boolean().optional(),
    })
      .strict()
      .optional(),
    aggregate: z
      .object({
        method: z.union([aggMethod, z.array(aggMethod).min(1)]).default("a_amean"),
        p: z.union([z.number(), z.array(z.number())]).optional(),
        weights: z.union([z.string(), z.record(z.string(), z.number().min(0))]).optional(),
        dat_thresh: z
          .union([z.number().min(0).max(1), z.array(z.number().min(0).max(1))])
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Pipeline = z.infer<typeof PipelineSchema>;
export type NormaliseStep = z.infer<typeof NormaliseStepSchema>;

/** COINr's ASEM default build. */
export const DEFAULT_PIPELINE: Pipeline = {
  denominate: {},
  impute: { method: "i_mean_grp", group: "EurAsia_group" },
  screen: { by: "byNA", dat_thresh: 0.9 },
  treat: { winmax: 5, skew_thresh: 2, kurt_thresh: 3.5 },
  normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
  aggregate: { method: "a_amean" },
};

/** The names of the stages, in order, as COINr's data sets. */
export const STAGES = [
  "Raw",
  "Denominated",
  "Imputed",
  "Screened",
  "Treated",
  "Normalised",
  "Aggregated",
] as const;
export type StageName = (typeof STAGES)[number];

/** Inputs of a build: the framework, the unit data and any named alternative weight sets. */
export interface CoinInput {
  framework: Framework;
  data: UnitData;
  weightSets?: Record<string, Weights>;
}

/** Everything a build produces. */
export interface IndexResult {
  stages: Partial<Record<StageName, Dataset>>;
  treatDetails: TreatDetail[];
  screenReport: ScreenRow[];
  imputeReport: ImputeReport | null;
  removedUnits: string[];
  /** Scores of every aggregate (top first) and the rank of the top node. */
  results: ResultsTable;
}

/** Per unit, the score of every aggregate (top level first) and the index rank. */
export interface ResultsTable {
  units: string[];
  names: string[];
  codes: string[];
  scores: Float64Array[];
  rank: Float64Array;
}

/**
 * Builds the index (COINr's denominate → impute → screen → treat → normalise → aggregate), each
 * step when the pipeline names it. Pure: no files, no clock.
 *
 * @example buildIndex(input, DEFAULT_PIPELINE).results // CHE 68.3837 rank 1 for ASEM
 * @throws InputError for an unknown group column or weight set; Error for impossible arithmetic
 */
export function buildIndex(input: CoinInput, pipeline: Pipeline = DEFAULT_PIPELINE): IndexResult {
  const { framework: fw, data } = input;
  const stages: Partial<Record<StageName, Dataset>> = { Raw: data.indicators };
  let ds = data.indicators;
  let treatDetails: TreatDetail[] = [];
  let screenReport: ScreenRow[] = [];
  let imputeReport: ImputeReport | null = null;
  for (const step of ["denominate", "impute", "screen", "treat", "normalise"] as const) {
    if (!pipeline[step]) continue;
    const r = applyStep(step, ds, pipeline, input);
    ds = r.data;
    stages[STAGE_OF[step]] = ds;
    if (r.treatDetails) treatDetails = r.treatDetails;
    if (r.screenReport) screenReport = r.screenReport;
    if (r.imputeReport) imputeReport = r.imputeReport;
  }
  ds = applyStep("aggregate", ds, pipeline, input).data;
  stages.Aggregated = ds;
  const nameOf = new Map(data.uCode.map((u, i) => [u, data.uName[i]!]));
  return {
    stages,
    treatDetails,
    screenReport,
    imputeReport,
    removedUnits: screenReport.filter((r) => !r.included).map((r) => r.uCode),
    results: resultsTable(
      ds,
      fw,
      ds.units.map((u) => nameOf.get(u) ?? u),
    ),
  };
}

const STAGE_OF = {
  denominate: "Denominated",
  impute: "Imputed",
  screen: "Screened",
  treat: "Treated",
  normalise: "Normalised",
  aggregate: "Aggregated",
} as const;

/** What one step returns: its data set and, for some steps, a report. */
export interface StepOutput {
  data: Dataset;
  treatDetails?: TreatDetail[];
  screenReport?: ScreenRow[];
  imputeReport?: ImputeReport;
}

/**
 * Runs one pipeline step on a data set (the step's config is `pipeline[step]`, which must be
 * present except for aggregate, which defaults to a_amean). Used by buildIndex and by the
 * uncertainty analysis, which caches step outputs.
 */
export function applyStep(
  step: "denominate" | "impute" | "screen" | "treat" | "normalise" | "aggregate",
  ds: Dataset,
  pipeline: Pipeline,
  input: CoinInput,
  weightsOverride?: Weights,
): StepOutput {
  const { framework: fw, data } = input;
  switch (step) {
    case "denominate": {
      const map = pipeline.denominate?.map ?? Object.fromEntries(fw.denominator);
      return { data: denominate(ds, map, rowsOf(data.denominators, data.uCode, ds.units)) };
    }
    case "impute": {
      const r = impute(ds, imputeOptions(pipeline.impute!, data, ds.units));
      return { data: r.data, imputeReport: r.report };
    }
    case "screen": {
      const r = screen(ds, pipeline.screen!);
      return { data: r.data, screenReport: r.report };
    }
    case "treat": {
      const r = treat(ds, pipeline.treat!);
      return { data: r.data, treatDetails: r.details };
    }
    case "normalise":
      return {
        data: normalise(ds, {
          ...pipeline.normalise!,
          directions: fw.direction,
          targets: fw.target,
        }),
      };
    case "aggregate": {
      const opts = aggregateOptions(pipeline.aggregate, input);
      if (weightsOverride) opts.weights = { ...opts.weights, ...weightsOverride };
      return { data: aggregate(ds, fw, opts) };
    }
  }
}

/** Columns restricted to the given units (identity when they are all units in order). */
function rowsOf(
  cols: Record<string, Float64Array>,
  all: readonly string[],
  units: readonly string[],
) {
  if (units === all) return cols;
  const idx = new Map(all.map((u, i) => [u, i]));
  const rows = units.map((u) => idx.get(u)!);
  return Object.fromEntries(
    Object.entries(cols).map(([k, v]) => [k, Float64Array.from(rows, (r) => v[r]!)]),
  );
}

/** Impute options from the pipeline step, resolving the group column. */
export function imputeOptions(
  step: NonNullable<Pipeline["impute"]>,
  data: UnitData,
  units: readonly string[],
) {
  const sub = <T>(v: readonly T[]): T[] => {
    if (units === data.uCode) return [...v];
    const idx = new Map(data.uCode.map((u, i) => [u, i]));
    return units.map((u) => v[idx.get(u)!]!);
  };
  if (step.method === "i_mean_grp" || step.method === "i_median_grp") {
    if (!step.group)
      throw new InputError(
        `pipeline impute: method ${step.method} needs "group" (a group column of iData)`,
      );
    const groups = data.groups[step.group];
    if (!groups) {
      throw new InputError(
        `pipeline impute: group "${step.group}" is not a group column of iData (have: ${Object.keys(data.groups).join(", ") || "none"})`,
      );
    }
    return { method: step.method, groups: sub(groups) };
  }
  if (step.method === "i_panel") {
    if (!data.time)
      throw new InputError('pipeline impute: method i_panel needs a "Time" column in iData');
    return { method: step.method, panel: { unit: sub(data.uCode), time: sub(data.time) } };
  }
  return { method: step.method };
}

/** Aggregate options from the pipeline step, resolving a named weight set. */
export function aggregateOptions(step: Pipeline["aggregate"], input: CoinInput): AggregateOptions {
  if (!step) return {};
  let weights: Weights | undefined;
  if (typeof step.weights === "string") {
    weights = input.weightSets?.[step.weights];
    if (!weights) {
      throw new InputError(
        `pipeline aggregate: weight set "${step.weights}" not found (have: ${Object.keys(input.weightSets ?? {}).join(", ") || "none"})`,
      );
    }
  } else weights = step.weights;
  return { method: step.method, p: step.p, weights, dat_thresh: step.dat_thresh };
}

/** Scores of every aggregate from the top level down, and the rank of the top node. */
export function resultsTable(agg: Dataset, fw: Framework, names: string[]): ResultsTable {
  const codes = [...fw.aggregateLevels].reverse().flat();
  const scores = codes.map((c) => agg.values[agg.codes.indexOf(c)]!);
  return { units: [...agg.units], names, codes, scores, rank: rankDescending(scores[0]!) };
}
