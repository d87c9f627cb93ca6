import { join } from "node:path";
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { readSurveyFrameCached } from "../io/survey-data.ts";
import { applyCalibration } from "../survey/calibration-spec.ts";
import { buildDesign } from "../survey/design.ts";
import { factor, type SurveyFrame, subsetFrame } from "../survey/frame.ts";
import {
  HEAD_TO_HEAD_COLUMNS,
  type HeadToHeadRow,
  perceptions,
  RATING_COLUMNS,
  type RatingRow,
} from "../survey/perceptions.ts";
import { applyRecode } from "../survey/recode.ts";
import { asReplicateDesign } from "../survey/replicates.ts";
import type { LoadedStudy } from "./load.ts";
import {
  surveyTablesData,
  type WaveSurveyTables,
  waveSurveyTables,
} from "./survey-tables-stage.ts";

/** Ratings and head-to-head comparisons of one wave ("" when the study has no waves). */
export interface WavePerceptions {
  wave: string;
  ratings: RatingRow[];
  headToHead: HeadToHeadRow[];
}

export interface SurveyStageResult {
  tables: Record<string, TableData>;
  waves: WavePerceptions[];
  /** Audience label → ISO3 (labels that are ISO3 codes map to themselves). */
  audienceIso3: (label: string) => string | null;
  rows: number;
}

/**
 * The survey stage of a study: reads the respondent data, applies recodes, builds the design
 * (replicate weights when survey.replicates asks, and calibration) per wave and estimates every target × attribute rating by audience and
 * segment with the paired head-to-head comparisons (survey/perceptions.ts), then the topline,
 * banner and crosstab tests survey.tables asks for (survey-tables-stage.ts).
 */
export async function surveyStage(study: LoadedStudy): Promise<SurveyStageResult> {
  const sv = study.survey!;
  let frame: SurveyFrame = await readSurveyFrameCached(
    sv.data,
    join(study.dir, ".softpower", "cache"),
  );
  if (sv.recode) frame = applyRecode(frame, sv.recode).frame;
  const waves: { label: string; frame: SurveyFrame }[] = [];
  if (sv.wave) {
    const f = factor(frame, sv.wave);
    f.levels.forEach((label, k) => {
      const keep = Uint8Array.from(f.codes, (c) => (c === k ? 1 : 0));
      waves.push({ label, frame: subsetFrame(frame, keep) });
    });
  } else waves.push({ label: "", frame });
  const out: WavePerceptions[] = [];
  const iso = audienceMapper(study);
  const tablesIn = {
    map: sv.ratings,
    segments: sv.segments,
    options: study.config.survey?.tables ?? { topline: true, banner: true, crosstab: true },
    iso3: iso,
  };
  const waveTables: { wave: string; tables: WaveSurveyTables }[] = [];
  for (const w of waves) {
    let design = buildDesign(w.frame, sv.design);
    if (sv.replicates) {
      const { type, count, seed, fay_rho } = sv.replicates;
      try {
        design = asReplicateDesign(design, type, { replicates: count, seed, fayRho: fay_rho });
      } catch (e) {
        if (e instanceof InputError)
          throw new InputError(
            `survey.replicates${w.label ? ` (wave ${w.label})` : ""}: ${e.message.replace(/^replicate count/, "count")}`,
          );
        throw e;
      }
    }
    if (sv.calibration) design = applyCalibration(design, sv.calibration);
    let r: ReturnType<typeof perceptions>;
    try {
      r = perceptions(design, sv.ratings, sv.segments);
    } catch (e) {
      if (e instanceof InputError)
        throw new InputError(
          `survey${w.label ? ` (wave ${w.label})` : ""}: ${e.message.replace(/^--segments/, "survey.segments")}`,
        );
      throw e;
    }
    out.push({ wave: w.label, ratings: r.ratings, headToHead: r.headToHead });
    waveTables.push({ wave: w.label, tables: waveSurveyTables(design, tablesIn, w.label) });
  }
  const measure = sv.ratings.measure;
  const ratingCols = [
    ...RATING_COLUMNS.slice(0, 4),
    "measure",
    ...RATING_COLUMNS.slice(4),
  ] as const;
  const h2hCols = HEAD_TO_HEAD_COLUMNS;
  const tables: Record<string, TableData> = {
    survey_ratings: {
      columns: ["wave", "audience_iso3", ...ratingCols],
      rows: out.flatMap((w) =>
        w.ratings
          .filter((r) => r.measure === measure)
          .map((r) => [w.wave, iso(r.audience), ...ratingCols.map((c) => r[c])]),
      ),
    },
    survey_ratings_detail: {
      columns: ["wave", "audience_iso3", ...ratingCols],
      rows: out.flatMap((w) =>
        w.ratings.map((r) => [w.wave, iso(r.audience), ...ratingCols.map((c) => r[c])]),
      ),
    },
    survey_head_to_head: {
      columns: ["wave", "audience_iso3", ...h2hCols],
      rows: out.flatMap((w) =>
        w.headToHead.map((r) => [w.wave, iso(r.audience), ...h2hCols.map((c) => r[c])]),
      ),
    },
    ...surveyTablesData(waveTables),
  };
  // Downstream (polling, tech) uses the ratings' primary measure only.
  const primary = out.map((w) => ({
    ...w,
    ratings: w.ratings.filter((r) => r.measure === measure),
  }));
  return { tables, waves: primary, audienceIso3: iso, rows: frame.n };
}

/** Audience labels to ISO3: the study's audience_codes, else the label when it is ISO3. */
export function audienceMapper(study: LoadedStudy): (label: string) => string | null {
  const codes = study.survey?.audienceCodes ?? {};
  return (label) => codes[label] ?? (/^[A-Z]{3}$/.test(label) ? label : null);
}
