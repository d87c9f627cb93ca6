/**
 * The survey tables of a study build (survey.tables in study.yaml): per wave, the Pew-style
 * topline (survey/topline.ts), the banner table with significance letters (survey/banner.ts)
 * and the Rao-Scott crosstab tests of each rating by each segment, within each audience and
 * over all respondents (survey/crosstab.ts), on the same design as the ratings. The engine
 * functions do the statistics; this file picks their options from study.yaml and lays the
 * results out as result tables.
 */
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import type { Cell } from "../io/write.ts";
import { type BannerTable, bannerTable } from "../survey/banner.ts";
import { byDomains } from "../survey/by.ts";
import {
  type ChisqStatistic,
  CROSSTAB_CELL_COLUMNS,
  crosstabCellValues,
  svyChisq,
  svyTable,
} from "../survey/crosstab.ts";
import type { SurveyDesign } from "../survey/design.ts";
import { type Column, getColumn } from "../survey/frame.ts";
import type { RatingsMap } from "../survey/perceptions.ts";
import { columnVariables } from "../survey/table-spec.ts";
import { TOPLINE_COLUMNS, topline } from "../survey/topline.ts";
import { bannerTableData } from "./banner-rows.ts";
import type { SurveyTablesSection } from "./schema.ts";

/** Columns of `survey_crosstab`: the column % table of a rating by a segment in one audience. */
export const CROSSTAB_COLUMNS = [
  "wave",
  "audience_iso3",
  "audience",
  "target",
  "attribute",
  "column",
  "segment",
  ...CROSSTAB_CELL_COLUMNS,
] as const;

/** Columns of `survey_crosstab_tests`: R svychisq's result (ndf/ddf for F, df for Chisq). */
export const CROSSTAB_TEST_COLUMNS = [
  "wave",
  "audience_iso3",
  "audience",
  "target",
  "attribute",
  "column",
  "segment",
  "test",
  "statistic",
  "ndf",
  "ddf",
  "df",
  "p_value",
  "n",
  "note",
] as const;

/** The audience label of the whole sample in crosstab and topline rows. */
export const TOTAL = "Total";

/** What the survey stage needs of the study for its tables. */
export interface SurveyTablesInput {
  map: RatingsMap;
  /** survey.segments (default: every segment of the map). */
  segments?: string[];
  options: SurveyTablesSection;
  iso3: (label: string) => string | null;
}

/** The tables of one wave, before they are stacked over waves. */
export interface WaveSurveyTables {
  topline: Cell[][];
  banner: BannerTable | null;
  crosstab: Cell[][];
  crosstabTests: Cell[][];
}

/** Rewrites an engine error naming a CLI flag to the study.yaml key it came from. */
function rethrow(e: unknown, key: string, wave: string): never {
  if (e instanceof InputError)
    throw new InputError(
      `survey.tables.${key}${wave ? ` (wave ${wave})` : ""}: ${e.message.replace(/^--[a-z-]+:?\s*/, "")}`,
    );
  throw e;
}

const on = <T extends object>(v: boolean | T): T | null =>
  v === false ? null : v === true ? ({} as T) : v;

/** Names in `given` that are not in `valid`: an InputError naming the key and the valid ones. */
function checkNames(key: string, given: string[], valid: string[], what: string): void {
  for (const g of given)
    if (!valid.includes(g))
      throw new InputError(
        `survey.tables.${key}: "${g}" is not ${what}; use ${valid.length ? valid.join(", ") : "(none defined)"}`,
      );
}

/**
 * The topline, banner and crosstab tests of one wave's design, as survey.tables asks (each on
 * by default). Topline: {@link topline} by the map's audience. Banner: {@link bannerTable} with
 * Total, "audience" and the study's segments as columns, rows the answers (a share map) or the
 * rating means (a mean map). Crosstabs: {@link svyTable} and {@link svyChisq} of each rating
 * column (don't know dropped when the map drops it) by each segment (its bands or categories),
 * in every audience (R `svychisq(~rating + segment, subset(design, country == a))`) and over
 * all respondents; a table that cannot be tested (a single level in the audience) gets a test
 * row with its note and no statistic.
 *
 * @throws InputError naming the survey.tables key for unknown columns, segments or ratings
 */
export function waveSurveyTables(
  design: SurveyDesign,
  input: SurveyTablesInput,
  wave: string,
): WaveSurveyTables {
  const { map, options, iso3 } = input;
  const segments = input.segments ?? Object.keys(map.segments);
  const out: WaveSurveyTables = { topline: [], banner: null, crosstab: [], crosstabTests: [] };
  const tl = on(options.topline);
  if (tl) {
    try {
      const rows = topline(design, map, {
        level: tl.level,
        dontKnow: tl.dont_know,
        df: tl.df,
        total: tl.total,
      });
      const level = tl.level ?? map.level;
      for (const r of rows)
        out.topline.push([
          wave,
          r.audience_variable ? iso3(r.audience) : null,
          level,
          ...TOPLINE_COLUMNS.map((c) => r[c]),
        ]);
    } catch (e) {
      rethrow(e, "topline", wave);
    }
  }
  const bn = on(options.banner);
  if (bn) {
    const cols = bn.cols ?? [...(map.audience ? ["audience"] : []), ...segments];
    if (cols.length) {
      try {
        out.banner = bannerTable(design, map, {
          columns: cols,
          rows: bn.rows ?? (map.measure === "mean" ? "means" : "answers"),
          letters: bn.letters === false ? null : (bn.letters ?? 0.95),
          adjust: bn.adjust ?? "none",
          dontKnow: bn.dont_know,
        });
      } catch (e) {
        rethrow(e, "banner.cols", wave);
      }
    }
  }
  const ct = on(options.crosstab);
  if (ct) {
    const segs = ct.segments ?? segments;
    checkNames(
      "crosstab.segments",
      segs,
      Object.keys(map.segments),
      "a segment of the ratings map",
    );
    const ratingCols = map.ratings.map((r) => r.column);
    const items = ct.ratings ?? ratingCols;
    checkNames("crosstab.ratings", items, ratingCols, "a rating column of the ratings map");
    crosstabs(design, input, segs, items, ct.test ?? "F", ct.level ?? map.level, wave, out);
  }
  return out;
}

/** The crosstab cells and tests of every rating × segment × audience (and Total). */
function crosstabs(
  design: SurveyDesign,
  input: SurveyTablesInput,
  segments: string[],
  items: string[],
  statistic: ChisqStatistic,
  level: number,
  wave: string,
  out: WaveSurveyTables,
): void {
  const { map, iso3 } = input;
  // The segments as factor columns (their bands' labels), added to a copy of the frame.
  const columns = new Map<string, Column>(design.frame.columns);
  const segVar = new Map<string, string>();
  for (const s of segments) {
    let cv: ReturnType<typeof columnVariables>[number];
    try {
      [cv] = columnVariables(design, map, [s]) as [typeof cv];
    } catch (e) {
      rethrow(e, "crosstab.segments", wave);
    }
    const name = `segment ${s}`;
    columns.set(name, { kind: "factor", codes: cv.index, levels: cv.labels });
    segVar.set(s, name);
  }
  // Don't-know answers out of the table when the map drops them from the base.
  for (const r of map.ratings) {
    if (!items.includes(r.column) || map.dont_know !== "drop") continue;
    const col = getColumn(design.frame, r.column);
    const dk = new Set(r.dont_know ?? map.dont_know_codes ?? []);
    if (col.kind !== "number" || dk.size === 0) continue;
    columns.set(r.column, {
      ...col,
      values: Float64Array.from(col.values, (v) => (dk.has(v) ? Number.NaN : v)),
    });
  }
  const d: SurveyDesign = { ...design, frame: { ...design.frame, columns } };
  const domains: { label: string; mask: Uint8Array | null }[] = [{ label: TOTAL, mask: null }];
  if (map.audience)
    for (const b of byDomains(d, [map.audience]))
      domains.push({ label: b.labels[0]!, mask: b.mask });
  for (const r of map.ratings) {
    if (!items.includes(r.column)) continue;
    for (const s of segments) {
      const sv = segVar.get(s)!;
      for (const dom of domains) {
        const iso = dom.mask ? iso3(dom.label) : null;
        const lead: Cell[] = [wave, iso, dom.label, r.target, r.attribute, r.column, s];
        let t: ReturnType<typeof svyTable>;
        try {
          t = svyTable(d, r.column, sv, { domain: dom.mask, level });
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          out.crosstabTests.push(untested(lead, statistic, 0, e.message.replaceAll(sv, s)));
          continue;
        }
        let n = 0;
        for (const c of t.cells) {
          n += c.n;
          out.crosstab.push([...lead, ...crosstabCellValues(c)]);
        }
        try {
          const test = svyChisq(d, r.column, sv, statistic, { domain: dom.mask });
          out.crosstabTests.push([
            ...lead,
            statistic,
            test.statistic,
            "ndf" in test ? test.ndf : null,
            "ddf" in test ? test.ddf : null,
            "df" in test ? test.df : null,
            test.p_value,
            n,
            "",
          ]);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          out.crosstabTests.push(untested(lead, statistic, n, e.message.replaceAll(sv, s)));
        }
      }
    }
  }
}

/** A test row without a statistic: the table could not be tested (the note says why). */
function untested(lead: Cell[], statistic: string, n: number, note: string): Cell[] {
  return [...lead, statistic, null, null, null, null, null, n, note];
}

/** The waves' tables stacked into the run's result tables (a table only when it has rows). */
export function surveyTablesData(
  waves: { wave: string; tables: WaveSurveyTables }[],
): Record<string, TableData> {
  const out: Record<string, TableData> = {};
  const topline = waves.flatMap((w) => w.tables.topline);
  if (topline.length)
    out.survey_topline = {
      columns: ["wave", "audience_iso3", "level", ...TOPLINE_COLUMNS],
      rows: topline,
    };
  const banners = waves.flatMap((w) =>
    w.tables.banner ? [{ wave: w.wave, table: w.tables.banner }] : [],
  );
  if (banners.length) Object.assign(out, bannerTableData(banners));
  const tests = waves.flatMap((w) => w.tables.crosstabTests);
  if (tests.length) {
    out.survey_crosstab = {
      columns: [...CROSSTAB_COLUMNS],
      rows: waves.flatMap((w) => w.tables.crosstab),
    };
    out.survey_crosstab_tests = { columns: [...CROSSTAB_TEST_COLUMNS], rows: tests };
  }
  return out;
}
