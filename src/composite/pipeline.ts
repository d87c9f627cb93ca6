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
  let unitIdx = data.uCode.map((_, i) => i);
  if (pipeline.denominate) {
    const map = pipeline.denominate.map ?? Object.fromEntries(fw.denominator);
    ds = denominate(ds, map, data.denominators);
    stages.Denominated = ds;
  }
  let imputeReport: ImputeReport | null = null;
  if (pipeline.impute) {
    const r = impute(ds, imputeOptions(pipeline.impute, data));
    ds = r.data;
    imputeReport = r.report;
    stages.Imputed = ds;
  }
  let screenReport: ScreenRow[] = [];
  let removedUnits: string[] = [];
  if (pipeline.screen) {
    const r = screen(ds, pipeline.screen);
    if (r.removed.length > 0) {
      const removed = new Set(r.removed);
      unitIdx = unitIdx.filter((i) => !removed.has(data.uCode[i]!));
    }
    ds = r.data;
    screenReport = r.report;
    removedUnits = r.removed;
    stages.Screened = ds;
  }
  let treatDetails: TreatDetail[] = [];
  if (pipeline.treat) {
    const r = treat(ds, pipeline.treat);
    ds = r.data;
    treatDetails = r.details;
    stages.Treated = ds;
  }
  if (pipeline.normalise) {
    ds = normalise(ds, { ...pipeline.normalise, directions: fw.direction, targets: fw.target });
    stages.Normalised = ds;
  }
  ds = aggregate(ds, fw, aggregateOptions(pipeline.aggregate, input));
  stages.Aggregated = ds;
  return {
    stages,
    treatDetails,
    screenReport,
    imputeReport,
    removedUnits,
    results: resultsTable(
      ds,
      fw,
      unitIdx.map((i) => data.uName[i]!),
    ),
  };
}

/** Impute options from the pipeline step, resolving the group column. */
export function imputeOptions(step: NonNullable<Pipeline["impute"]>, data: UnitData) {
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
    return { method: step.method, groups };
  }
  if (step.method === "i_panel") {
    if (!data.time)
      throw new InputError('pipeline impute: method i_panel needs a "Time" column in iData');
    return { method: step.method, panel: { unit: data.uCode, time: data.time } };
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
