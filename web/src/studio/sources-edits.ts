/**
 * Indicator sources (index.sources) and comparison rankings (index.compare) as the index page
 * edits them: each source an object of IndicatorSourceSchema (src/io/indicator-sources.ts),
 * each field a text with its reading. Pure; test/studio/sources-edits.test.ts drives them.
 *
 * @example parseCells("Year = 2015\nSeries = SP.POP") // {value: {Year: 2015, Series: "SP.POP"}}
 */
import { asObj, NUMBER, type Obj, type Parsed, parseAssignments } from "./edits.ts";

/** The reducers of a year window (IndicatorSourceSchema's `reduce`). */
export const REDUCERS = ["value", "sum", "count", "mean", "latest"] as const;
export const UNIT_TYPES = ["iso3", "iso2", "m49", "name"] as const;

/** How a source lays out its years: one column per year, a year column, or no year. */
export type YearLayout = "columns" | "column" | "none";
export const yearLayout = (s: Obj): YearLayout =>
  s.year_columns === true ? "columns" : typeof s.year === "string" ? "column" : "none";

/**
 * `COLUMN = VALUE` lines of a row filter: a value that reads as a number is a number (numbers
 * compare as numbers), one in double quotes stays text.
 */
export const parseCells = (text: string): Parsed<Record<string, string | number>> =>
  parseAssignments<string | number>(text, {
    split: "first",
    form: "COLUMN = VALUE",
    value: (v) => {
      const quoted = /^"(.*)"$/.exec(v);
      return { value: quoted ? quoted[1]! : NUMBER.test(v) ? Number(v) : v };
    },
  });

export const formatCells = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(([k, x]) => `${k} = ${typeof x === "string" && NUMBER.test(x) ? `"${x}"` : String(x)}`)
    .join("\n");

/**
 * `ICODE = COLUMN` lines (`columns`: iCode → the column of a wide file, or → the indicator's
 * name in the `indicator` column). Split at the first "=" so names may hold one.
 */
export const parseColumns = (text: string): Parsed<Record<string, string>> =>
  parseAssignments(text, { split: "first", form: "ICODE = COLUMN", value: (v) => ({ value: v }) });

export const formatColumns = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(([k, x]) => `${k} = ${String(x)}`)
    .join("\n");

/** The source with `patch` applied (undefined or "" removes a key). */
export function withSourceField(source: unknown, patch: Obj): Obj {
  const next: Obj = { ...asObj(source), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === "") delete next[k];
  return next;
}

/** The source laid out by `layout`: year_columns set or dropped, the year column kept or dropped. */
export function withYearLayout(source: unknown, layout: YearLayout, yearColumn = ""): Obj {
  const s = asObj(source);
  if (layout === "columns")
    return withSourceField(s, { year_columns: true, year: undefined, value: undefined });
  if (layout === "column")
    return withSourceField(s, {
      year_columns: undefined,
      year: yearColumn || String(s.year ?? "") || "Year",
    });
  return withSourceField(s, { year_columns: undefined, year: undefined });
}

/** Years typed as `2015, 2016` or a range `2010-2013` (panel indices). */
export function parseYears(text: string): Parsed<number[] | undefined> {
  const t = text.trim();
  if (t === "") return { value: undefined };
  const out: number[] = [];
  for (const w of t.split(/[\s,]+/).filter((x) => x !== "")) {
    const range = /^(\d{4})-(\d{4})$/.exec(w);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a) return { error: `"${w}": the range runs backwards` };
      for (let y = a; y <= b; y++) out.push(y);
    } else if (/^\d{4}$/.test(w)) out.push(Number(w));
    else return { error: `"${w}" is not a year such as 2013 or a range such as 2010-2013` };
  }
  return { value: out };
}

/** Years shown as ranges where they run on: [2010, 2011, 2012, 2015] -> "2010-2012, 2015". */
export function formatYears(v: unknown): string {
  if (!Array.isArray(v)) return "";
  const ys = v as number[];
  const parts: string[] = [];
  for (let i = 0; i < ys.length; ) {
    let j = i;
    while (j + 1 < ys.length && ys[j + 1] === ys[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${ys[i]}-${ys[j]}` : ys.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return parts.join(", ");
}
