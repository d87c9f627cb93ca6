import { z } from "zod";
import { PipelineSchema } from "../composite/pipeline.ts";
import { UncertaintySpecSchema } from "../composite/uncertainty-spec.ts";
import { DRIVER_METHODS } from "../drivers/analysis.ts";
import { CompareSourceListSchema, IndicatorSourceListSchema } from "../io/indicator-sources.ts";
import { FieldMapSchema } from "../media/corpus-spec.ts";
import { CalibrationSpecSchema } from "../survey/calibration-spec.ts";
import { DesignSpecSchema } from "../survey/design.ts";
import { RatingsMapSchema } from "../survey/perceptions.ts";
import { RecodeSchema } from "../survey/recode.ts";
import { REPLICATE_TYPES, replicateOptionProblem } from "../survey/replicates.ts";

/**
 * study.yaml: one study from data files to results. Every file path is relative to the study
 * folder. Sections that take a spec (pipeline, design, ratings...) accept it inline or as the
 * path of a JSON/YAML file holding it. Unknown keys are errors.
 *
 * @example
 * name: US and China in ten publics
 * targets: [USA, CHN]
 * audiences: [GBR, DEU, JPN]
 * index: { meta: data/iMeta.csv, data: data/indicators.csv }
 * survey: { data: data/survey.csv, design: data/design.json, ratings: data/ratings.json }
 */

const iso3 = z.string().regex(/^[A-Z]{3}$/, "expected an ISO3 code such as CHN");
const path = z.string().min(1, "expected a file path");
const slug = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "expected a name of lower-case letters, digits and _");

/** A spec given inline or as the path of a JSON/YAML file. */
const specOrPath = <S extends z.ZodType>(schema: S) => z.union([path, schema]);

export const IndexSectionSchema = z
  .object({
    /** iMeta: the framework (COINr conventions). */
    meta: path,
    /** iData: units × indicators; or give `sources`. */
    data: path.optional(),
    /** Indicator tables (long or wide), or the path of a YAML list of them. */
    sources: z.union([path, IndicatorSourceListSchema]).optional(),
    /** The year of the index when sources hold several. */
    year: z.number().int().optional(),
    /**
     * A panel index from sources: the sources are read once per year (each with its max_lag
     * window) and stacked with a Time column; ranks are within a year, trends per unit.
     */
    years: z.array(z.number().int()).min(2).optional(),
    /** Restrict the index to these units (uCodes). */
    units: z.array(z.string()).optional(),
    pipeline: specOrPath(PipelineSchema).optional(),
    /** Named weight sets: iCode and one column per set. */
    weights: path.optional(),
    uncertainty: specOrPath(UncertaintySpecSchema).optional(),
    /** External rankings to compare ranks with (Spearman), e.g. the Soft Power 30. */
    compare: z.union([path, CompareSourceListSchema]).optional(),
  })
  .strict()
  .refine((s) => (s.data === undefined) !== (s.sources === undefined), {
    message: "give either data (an iData file) or sources (indicator tables), not both",
  })
  .refine((s) => s.years === undefined || (s.sources !== undefined && s.year === undefined), {
    message: "years (a panel) needs sources and no year",
    path: ["years"],
  });

const confidence = z
  .number()
  .gt(0, "expected a confidence level in (0, 1), e.g. 0.95")
  .lt(1, "expected a confidence level in (0, 1), e.g. 0.95");

/**
 * survey.tables: the topline, the banner table and the crosstab tests the build makes from the
 * ratings map (survey/topline.ts, banner.ts, crosstab.ts), per wave. Each is on by default;
 * `false` turns one off, an object sets its options.
 */
export const SurveyTablesSchema = z
  .object({
    /** Every answer's weighted % with its margin of error and n, by audience. */
    topline: z
      .union([
        z.boolean(),
        z
          .object({
            /** Confidence level of the margin of error (default the ratings map's level). */
            level: confidence.optional(),
            /** Don't know in the base of the % (default the map's dont_know: Pew keeps it). */
            dont_know: z.enum(["keep", "drop"]).optional(),
            /** t quantile's df: the whole design's (default) or the audience subset's. */
            df: z.enum(["design", "domain"]).default("design"),
            /** Add a Total audience first. */
            total: z.boolean().default(false),
          })
          .strict(),
      ])
      .default(true),
    /** Rows = answers (or rating means), columns = Total, audiences and segments, with letters. */
    banner: z
      .union([
        z.boolean(),
        z
          .object({
            /** Column variables: "audience", segments of the ratings map, data variables (default audience and the segments). */
            cols: z.array(z.string().min(1)).min(1).optional(),
            /** Rows: every answer's % or each rating's mean (default: the map's measure, share → answers). */
            rows: z.enum(["answers", "means"]).optional(),
            /** Confidence level of the significance letters (default 0.95); false: no letters. */
            letters: z.union([confidence, z.literal(false)]).default(0.95),
            /** Multiple-comparison adjustment of a row's pairwise p-values within a column variable. */
            adjust: z.enum(["none", "bonferroni", "holm"]).default("none"),
            dont_know: z.enum(["keep", "drop"]).optional(),
          })
          .strict(),
      ])
      .default(true),
    /** Rao-Scott tests of independence of each rating by each segment, within each audience and overall. */
    crosstab: z
      .union([
        z.boolean(),
        z
          .object({
            /** Rating columns (default every rating of the map). */
            ratings: z.array(z.string().min(1)).min(1).optional(),
            /** Segments of the ratings map (default survey.segments, else all). */
            segments: z.array(z.string().min(1)).min(1).optional(),
            /** The statistic, as R svychisq: F (Rao-Scott second order, default), Chisq, Wald, adjWald. */
            test: z.enum(["F", "Chisq", "Wald", "adjWald"]).default("F"),
            /** Confidence level of the column-% intervals (default the map's level). */
            level: confidence.optional(),
          })
          .strict(),
      ])
      .default(true),
  })
  .strict();

export const SurveySectionSchema = z
  .object({
    data: path,
    design: specOrPath(DesignSpecSchema),
    calibration: specOrPath(CalibrationSpecSchema).optional(),
    recode: specOrPath(RecodeSchema).optional(),
    ratings: specOrPath(RatingsMapSchema),
    /** Segments of the ratings map to break down by (default: all). */
    segments: z.array(z.string()).optional(),
    /** A variable holding survey waves: perceptions are estimated per wave. */
    wave: z.string().optional(),
    /** Audience values → ISO3 where the audience variable does not hold ISO3 codes. */
    audience_codes: z.record(z.string(), iso3).optional(),
    /** Topline, banner table and crosstab tests (all on by default; see SurveyTablesSchema). */
    tables: SurveyTablesSchema.default({ topline: true, banner: true, crosstab: true }),
    /**
     * Replicate-weight variance instead of linearisation (R `as.svrepdesign`), applied before
     * the calibration (each replicate recalibrated, as R). `count`: bootstrap/subbootstrap
     * replicates (default 50) or the BRR Hadamard order; `seed`: the bootstrap draws (default 1).
     */
    replicates: z
      .object({
        /** Replicate type, as R's as.svrepdesign(type = ...). */
        type: z.enum(REPLICATE_TYPES),
        /**
         * bootstrap / subbootstrap: replicates (default 50); BRR / Fay: the Hadamard order, a
         * power of 2 or p + 1 (p a prime ≡ 3 mod 4) above the number of strata (default the
         * smallest). An integer >= 2; not for JK1 / JKn (one replicate per PSU).
         */
        count: z.number().optional(),
        /** Seed of the bootstrap / subbootstrap draws (default 1); an integer. */
        seed: z.number().optional(),
        /** Fay's ρ for type Fay. */
        fay_rho: z.number().min(0).lt(1).optional(),
      })
      .strict()
      .superRefine((r, ctx) => {
        const p = replicateOptionProblem(r.type, r.count, r.seed);
        if (p) ctx.addIssue({ code: "custom", path: [p.option], message: p.message });
      })
      .optional(),
  })
  .strict();

export const DriversSectionSchema = z
  .object({
    name: slug,
    /** The target whose image this explains (for findings and the tech attribution). */
    target: iso3.optional(),
    /** Respondent data (default: the survey's data). */
    data: path.optional(),
    recode: specOrPath(RecodeSchema).optional(),
    outcome: z.string().min(1),
    predictors: z.array(z.string().min(1)).min(1),
    /** Predictors reported together: {"Tech companies": ["huawei_fav", "tiktok_fav"]}. */
    groups: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    always: z.array(z.string()).optional(),
    /** Weights variable (default: the survey design's weights). */
    weights: z.string().optional(),
    /** Codes meaning no answer (e.g. don't know 9): missing in the outcome and predictors. */
    missing_codes: z.array(z.number()).default([]),
    family: z.enum(["gaussian", "binomial"]).default("gaussian"),
    methods: z.array(z.enum(DRIVER_METHODS)).default(["lmg"]),
    bootstrap: z.number().int().min(0).default(200),
    /** One analysis per value of this variable (e.g. wave), and their differences. */
    by: z.string().optional(),
    /** Keep only respondents with these values: {country: [GBR, DEU]}. */
    filter: z.record(z.string(), z.array(z.union([z.string(), z.number()])).min(1)).optional(),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

const groupSpec = z
  .string()
  .regex(/^(outlet|outlet_country)=.+$/, "expected outlet=NAME or outlet_country=ISO3");

export const MediaSectionSchema = z
  .object({
    corpus: path,
    fields: specOrPath(FieldMapSchema).optional(),
    /** Targets to report (default: the study's targets). */
    targets: z.array(iso3).optional(),
    period: z.enum(["day", "week", "month", "year"]).default("month"),
    bootstrap: z.number().int().min(0).default(500),
    bias: z
      .array(
        z
          .object({
            group: groupSpec,
            target: iso3,
            compare: z.array(iso3).min(1),
          })
          .strict(),
      )
      .default([]),
    skip_bad: z.boolean().default(false),
  })
  .strict();

export const TechSectionSchema = z
  .object({
    /** The pillar's iCode: an aggregate of iMeta, or a new one created under `parent`. */
    pillar: z.string().min(1).default("Tech"),
    name: z.string().default("Technology"),
    parent: z.string().optional(),
    weight: z.number().positive().default(1),
    /** Company signals added to the pillar as indicators. */
    signals: z
      .array(z.enum(["companies", "company_tone", "company_favourability"]))
      .default(["companies", "company_tone", "company_favourability"]),
    /**
     * Companies rated in the survey: targets of the ratings map named as in the company
     * registry (e.g. Huawei); their favourability, averaged over audiences, rolls up to the
     * home country. Attribute used: `favourability_attribute`.
     */
    favourability: z.array(z.string().min(1)).default([]),
    favourability_attribute: z.string().default("favourability"),
    /** Driver analyses (by name) whose predictor group `group` holds the company items. */
    attribution: z
      .array(z.object({ drivers: slug, group: z.string().min(1) }).strict())
      .default([]),
  })
  .strict();

export const PollingSectionSchema = z
  .object({
    pillar: z.string().min(1).default("Polling"),
    name: z.string().default("Polling"),
    /** The aggregate the pillar joins (default: the index's top). */
    parent: z.string().optional(),
    weight: z.number().positive().default(1),
    /** Attributes that become indicators (default: every rated attribute). */
    attributes: z.array(z.string()).optional(),
    /** How audiences are averaged: equally or by population. */
    audience_weights: z.enum(["equal", "population"]).default("equal"),
    /** Audience ISO3 → population (any unit), for population weights. */
    population: z.union([path, z.record(iso3, z.number().positive())]).optional(),
    /** The wave whose perceptions enter the index (default: the last). */
    wave: z.union([z.string(), z.number()]).optional(),
  })
  .strict()
  .refine((s) => s.audience_weights === "equal" || s.population !== undefined, {
    message: "audience_weights: population needs population (a file or ISO3 → number)",
  });

export const FindingsSectionSchema = z
  .object({
    level: z.number().gt(0).lt(1).default(0.95),
    /** How many top units the index findings name. */
    top: z.number().int().min(1).default(5),
  })
  .strict();

export const StudySchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** True when the data are synthetic: every output says so. */
    synthetic: z.boolean().default(false),
    /** ISO3 codes of the countries whose soft power is measured. */
    targets: z.array(iso3).min(1),
    /** ISO3 codes of the surveyed publics. */
    audiences: z.array(iso3).default([]),
    seed: z.number().int().default(1),
    /** Worker threads for uncertainty, bootstrap and media scoring (default: auto). */
    threads: z.union([z.number().int().min(1), z.literal("auto")]).default("auto"),
    index: IndexSectionSchema.optional(),
    survey: SurveySectionSchema.optional(),
    drivers: z.array(DriversSectionSchema).default([]),
    media: MediaSectionSchema.optional(),
    tech: TechSectionSchema.optional(),
    polling: PollingSectionSchema.optional(),
    findings: FindingsSectionSchema.default({ level: 0.95, top: 5 }),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.polling && !s.survey)
      ctx.addIssue({
        code: "custom",
        path: ["polling"],
        message: "polling needs a survey section",
      });
    if (s.polling && !s.index)
      ctx.addIssue({
        code: "custom",
        path: ["polling"],
        message: "polling needs an index section",
      });
    if (s.tech && !s.index)
      ctx.addIssue({ code: "custom", path: ["tech"], message: "tech needs an index section" });
    const names = new Set<string>();
    s.drivers.forEach((d, i) => {
      if (names.has(d.name))
        ctx.addIssue({
          code: "custom",
          path: ["drivers", i, "name"],
          message: `duplicate drivers name "${d.name}"`,
        });
      names.add(d.name);
      if (!d.data && !s.survey)
        ctx.addIssue({
          code: "custom",
          path: ["drivers", i, "data"],
          message: "give data (no survey section to take it from)",
        });
    });
    for (const [i, a] of (s.tech?.attribution ?? []).entries()) {
      const d = s.drivers.find((x) => x.name === a.drivers);
      if (!d)
        ctx.addIssue({
          code: "custom",
          path: ["tech", "attribution", i, "drivers"],
          message: `no drivers analysis named "${a.drivers}" (have ${[...names].join(", ") || "none"})`,
        });
      else if (!d.groups?.[a.group])
        ctx.addIssue({
          code: "custom",
          path: ["tech", "attribution", i, "group"],
          message: `drivers "${a.drivers}" has no group "${a.group}"`,
        });
    }
  });

export type Study = z.output<typeof StudySchema>;
export type IndexSection = z.output<typeof IndexSectionSchema>;
export type SurveySection = z.output<typeof SurveySectionSchema>;
export type SurveyTablesSection = z.output<typeof SurveyTablesSchema>;
export type DriversSection = z.output<typeof DriversSectionSchema>;
export type MediaSection = z.output<typeof MediaSectionSchema>;
export type TechSection = z.output<typeof TechSectionSchema>;
export type PollingSection = z.output<typeof PollingSectionSchema>;

/** The JSON Schema of study.yaml (for editors: `# yaml-language-server: $schema=...`). */
export function studyJsonSchema(): unknown {
  return z.toJSONSchema(StudySchema, { io: "input", unrepresentable: "any" });
}
