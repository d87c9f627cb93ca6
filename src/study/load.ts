import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { z } from "zod";
import { DEFAULT_PIPELINE, type Pipeline, PipelineSchema } from "../composite/pipeline.ts";
import { type UncertaintySpec, UncertaintySpecSchema } from "../composite/uncertainty-spec.ts";
import { InputError } from "../core/errors.ts";
import { parseConfig, readConfigFile } from "../io/config-file.ts";
import {
  type CompareSource,
  CompareSourceListSchema,
  type IndicatorSource,
  IndicatorSourceListSchema,
} from "../io/indicator-sources.ts";
import { readText } from "../io/table.ts";
import { type FieldMap, FieldMapSchema } from "../media/corpus-spec.ts";
import { type CalibrationSpec, CalibrationSpecSchema } from "../survey/calibration-spec.ts";
import { type DesignSpec, DesignSpecSchema } from "../survey/design.ts";
import { type RatingsMap, RatingsMapSchema } from "../survey/perceptions.ts";
import { RecodeSchema, type RecodeSpec } from "../survey/recode.ts";
import { type DriversSection, type Study, StudySchema, type SurveySection } from "./schema.ts";

/** A study with every path made absolute and every spec read and validated. */
export interface LoadedStudy {
  dir: string;
  file: string;
  config: Study;
  index?: {
    meta: string;
    data?: string;
    sources?: IndicatorSource[];
    /** Folder the sources' files are relative to (the sources file's, or the study's). */
    sourcesDir: string;
    compare?: CompareSource[];
    compareDir: string;
    year?: number;
    /** A panel from sources: one read per year. */
    years?: number[];
    units?: string[];
    pipeline: Pipeline;
    weights?: string;
    uncertainty?: UncertaintySpec;
  };
  survey?: {
    data: string;
    design: DesignSpec;
    calibration?: CalibrationSpec;
    recode?: RecodeSpec;
    ratings: RatingsMap;
    segments?: string[];
    wave?: string;
    audienceCodes: Record<string, string>;
    replicates?: SurveySection["replicates"];
  };
  drivers: (Omit<DriversSection, "data" | "recode"> & { data: string; recode?: RecodeSpec })[];
  media?: Omit<NonNullable<Study["media"]>, "fields" | "corpus"> & {
    corpus: string;
    fields: FieldMap;
  };
  polling?: Omit<NonNullable<Study["polling"]>, "population"> & {
    population?: Record<string, number>;
  };
  /** The files the study reads (for hashing), by role. */
  files: { role: string; path: string }[];
  /** The specs read from files (pipeline.json, design.json...), as validated, by role. */
  specs: { role: string; path: string; content: unknown }[];
}

export const STUDY_FILE = "study.yaml";

/**
 * Reads DIR/study.yaml, validates it (errors name the key and the line), resolves relative paths
 * from the study folder and reads the specs given as files.
 *
 * @example const s = await loadStudy("examples/demo"); s.survey?.ratings.ratings.length
 */
export async function loadStudy(dir: string): Promise<LoadedStudy> {
  const root = resolve(dir);
  const file = join(root, STUDY_FILE);
  let text: string;
  try {
    text = await readText(file);
  } catch (e) {
    if (e instanceof InputError && /ENOENT/.test(e.message))
      throw new InputError(`${file}: no study here (create one with: softpower init ${dir})`);
    throw e;
  }
  const config = parseConfig(text, STUDY_FILE, StudySchema);
  const files: LoadedStudy["files"] = [{ role: "study", path: file }];
  const at = (p: string) => resolve(root, p);
  const need = async (role: string, p: string, key: string) => {
    const abs = at(p);
    try {
      await stat(abs);
    } catch {
      throw new InputError(`${STUDY_FILE} (${key}): file not found: ${p} (looked at ${abs})`);
    }
    files.push({ role, path: abs });
    return abs;
  };
  const spec = async <S extends z.ZodType>(
    value: unknown,
    schema: S,
    role: string,
    key: string,
  ): Promise<z.output<S>> => {
    if (typeof value !== "string") return value as z.output<S>;
    const abs = await need(role, value, key);
    const content = await readConfigFile(abs, schema);
    specs.push({ role, path: abs, content });
    return content;
  };

  const specs: LoadedStudy["specs"] = [];
  const out: LoadedStudy = { dir: root, file, config, drivers: [], files, specs };
  const ix = config.index;
  if (ix) {
    out.index = {
      meta: await need("index.meta", ix.meta, "index.meta"),
      data: ix.data ? await need("index.data", ix.data, "index.data") : undefined,
      sources:
        ix.sources === undefined
          ? undefined
          : await spec(ix.sources, IndicatorSourceListSchema, "index.sources", "index.sources"),
      compare:
        ix.compare === undefined
          ? undefined
          : await spec(ix.compare, CompareSourceListSchema, "index.compare", "index.compare"),
      sourcesDir: typeof ix.sources === "string" ? dirname(at(ix.sources)) : root,
      compareDir: typeof ix.compare === "string" ? dirname(at(ix.compare)) : root,
      year: ix.year,
      years: ix.years,
      units: ix.units,
      pipeline: ix.pipeline
        ? await spec(ix.pipeline, PipelineSchema, "index.pipeline", "index.pipeline")
        : DEFAULT_PIPELINE,
      weights: ix.weights ? await need("index.weights", ix.weights, "index.weights") : undefined,
      uncertainty: ix.uncertainty
        ? await spec(
            ix.uncertainty,
            UncertaintySpecSchema,
            "index.uncertainty",
            "index.uncertainty",
          )
        : undefined,
    };
  }
  if (out.index) {
    for (const [list, dir, role] of [
      [out.index.sources, out.index.sourcesDir, "index.sources"],
      [out.index.compare, out.index.compareDir, "index.compare"],
    ] as const) {
      for (const [i, s] of (list ?? []).entries()) {
        const abs = resolve(dir, s.file);
        try {
          await stat(abs);
        } catch {
          throw new InputError(`${role}[${i}]: file not found: ${s.file} (looked at ${abs})`);
        }
        files.push({ role: `${role}[${i}]`, path: abs });
      }
    }
  }
  const sv = config.survey;
  if (sv) {
    out.survey = {
      data: await need("survey.data", sv.data, "survey.data"),
      design: await spec(sv.design, DesignSpecSchema, "survey.design", "survey.design"),
      calibration: sv.calibration
        ? await spec(
            sv.calibration,
            CalibrationSpecSchema,
            "survey.calibration",
            "survey.calibration",
          )
        : undefined,
      recode: sv.recode
        ? await spec(sv.recode, RecodeSchema, "survey.recode", "survey.recode")
        : undefined,
      ratings: await spec(sv.ratings, RatingsMapSchema, "survey.ratings", "survey.ratings"),
      segments: sv.segments,
      wave: sv.wave,
      audienceCodes: sv.audience_codes ?? {},
      replicates: sv.replicates,
    };
  }
  for (const [i, d] of config.drivers.entries()) {
    const key = `drivers.${i}`;
    out.drivers.push({
      ...d,
      data: d.data ? await need(`${key}.data`, d.data, `${key}.data`) : out.survey!.data,
      recode: d.recode
        ? await spec(d.recode, RecodeSchema, `${key}.recode`, `${key}.recode`)
        : d.data
          ? undefined
          : out.survey?.recode,
    });
  }
  const md = config.media;
  if (md) {
    out.media = {
      ...md,
      corpus: await need("media.corpus", md.corpus, "media.corpus"),
      fields: md.fields
        ? await spec(md.fields, FieldMapSchema, "media.fields", "media.fields")
        : FieldMapSchema.parse({}),
    };
  }
  const pl = config.polling;
  if (pl) {
    let population: Record<string, number> | undefined;
    if (typeof pl.population === "string") {
      const { readPopulation } = await import("./polling.ts");
      population = await readPopulation(
        await need("polling.population", pl.population, "polling.population"),
      );
    } else population = pl.population;
    out.polling = { ...pl, population };
  }
  return out;
}
