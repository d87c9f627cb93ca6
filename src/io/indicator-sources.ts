/**
 * Indicator sources: building a COINr iData table from the tables indicators come in (World Bank
 * WDI downloads, UN and UNDP files, indices published by others), read in place, long or wide.
 *
 * A source names its file, the column holding the unit (country) and how values are laid out:
 *
 * - one value column and one iCode: `value` + `code` (long: one row per country-year);
 * - several value columns: `columns` maps iCode → column;
 * - an indicator column: `indicator` + `columns` maps iCode → the indicator's name in that
 *   column, values in `value` (or in the year columns);
 * - years: a `year` column (a year, or an ISO date whose year is used), or `year_columns`
 *   (one column per year, "1960".."2013", as WDI) or neither (a cross-section, used as is).
 *
 * The value for the index year `Y` comes from the rows (cells) dated within `[Y − max_lag, Y]`,
 * reduced by `reduce`: `value` (exactly one, else an error), `sum`, `mean`, `count` (rows with a
 * value, or rows when there is no value column), `latest` (the most recent year with a value).
 * Missing cells (empty, NA, or one of `na`) are not observations. The result is multiplied by
 * `scale`.
 *
 * @example
 * # sources.yaml
 * - file: ../data/wdi/IT.NET.USER.P2.csv    # WDI: one column per year
 *   unit: Country Code
 *   year_columns: true
 *   code: Internet
 *   reduce: latest
 *   max_lag: 3
 * - file: ../data/CPI_Index.csv             # long: Nation, Year, Value
 *   unit: Nation
 *   unit_type: name
 *   year: Year
 *   value: Value
 *   code: CPI
 */
import { resolve } from "node:path";
import { z } from "zod";
import type { Framework } from "../composite/types.ts";
import { InputError, inputError, type Source } from "../core/errors.ts";
import { countryName, matchCountry, type UnitCodeType } from "./country-codes.ts";
import { isMissing, parseNumber, readTable, type Table } from "./table.ts";

const REDUCERS = ["value", "sum", "count", "mean", "latest"] as const;

const SourceFields = z.object({
  /** CSV or XLSX, relative to the file that lists the source (the study folder). */
  file: z.string().min(1),
  /** XLSX: the sheet (default: the first). */
  sheet: z.string().min(1).optional(),
  /** CSV: the field delimiter (default "," or ";" as the header has it). */
  delimiter: z.string().length(1).optional(),
  /** Lines before the header (4 in a raw WDI download). */
  skip: z.number().int().min(0).optional(),
  /** The column holding the unit (country). */
  unit: z.string().min(1),
  /** How that column writes countries; names and codes are resolved to ISO3. */
  unit_type: z.enum(["iso3", "iso2", "m49", "name"]).default("iso3"),
  /** The column holding the year (long files); a year or an ISO date. */
  year: z.string().min(1).optional(),
  /** One column per year, headed by the year ("1960".."2013"), as WDI. */
  year_columns: z.boolean().optional(),
  /** The column naming the indicator of each row (long files with several indicators). */
  indicator: z.string().min(1).optional(),
  /** The column holding the values. */
  value: z.string().min(1).optional(),
  /** The iCode of the one indicator the source gives. */
  code: z.string().min(1).optional(),
  /** iCode → column (wide), or iCode → the indicator's name in the `indicator` column. */
  columns: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Keep only rows where each column has the given value (numbers compare as numbers). */
  filter: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** How the values of one unit within the year window become one. */
  reduce: z.enum(REDUCERS).default("value"),
  /** The year window is [year − max_lag, year]. */
  max_lag: z.number().int().min(0).default(0),
  /** Multiply the values (e.g. 1e-6 for millions). */
  scale: z.number().optional(),
  /** Further cell values that mean missing (e.g. ".." in World Bank DataBank downloads). */
  na: z.array(z.string()).optional(),
});

type Fields = z.output<typeof SourceFields>;

/** Checks that the layout options fit together; `single`: a comparison (one series, no iCode). */
function checkShape(s: Fields, ctx: z.RefinementCtx, single: boolean): void {
  const issue = (message: string, path: string) =>
    ctx.addIssue({ code: "custom", message, path: [path] });
  if (s.year !== undefined && s.year_columns)
    issue("give year (a year column) or year_columns (one column per year), not both", "year");
  const nCols = s.columns ? Object.keys(s.columns).length : 0;
  if (s.columns && nCols === 0) issue("columns is empty", "columns");
  if (single && s.code !== undefined)
    issue("a comparison has one series and no iCode: remove code", "code");
  if (single && nCols > 1)
    issue("a comparison has one series: give one entry in columns", "columns");
  if (s.indicator !== undefined) {
    if (!s.columns) issue("with indicator, give columns (iCode: the indicator's name)", "columns");
    if (s.value === undefined && !s.year_columns)
      issue("with indicator, give value (the column of values) or year_columns", "value");
    if (s.code !== undefined) issue("with indicator, name iCodes in columns, not code", "code");
    return;
  }
  if (s.year_columns) {
    if (s.value !== undefined)
      issue("with year_columns the values are in the year columns", "value");
    if (s.columns)
      issue("with year_columns, give code (or indicator + columns), not columns", "columns");
    if (!single && s.code === undefined) issue("give code (the iCode of the values)", "code");
    return;
  }
  if (s.columns) {
    if (s.value !== undefined) issue("give value (with code) or columns, not both", "value");
    if (s.code !== undefined) issue("give code (with value) or columns, not both", "code");
    return;
  }
  if (s.value === undefined && !(s.reduce === "count" && (single || s.code !== undefined)))
    issue("give value (the column of values), columns, or year_columns", "value");
  if (!single && s.code === undefined) issue("give code (the iCode of the values)", "code");
}

/**
 * One indicator source of `index.sources` (study.yaml): a table read in place, long or wide.
 * Unknown keys are errors. See the module comment for the layouts and an example.
 */
export const IndicatorSourceSchema = SourceFields.strict().superRefine((s, ctx) =>
  checkShape(s, ctx, false),
);

/** A list of sources (a sources.yaml file). */
export const IndicatorSourceListSchema = z.array(IndicatorSourceSchema).min(1);

/**
 * A ranking to compare the index with (`index.compare`): a source with one series and a name,
 * e.g. `{ name: "Soft Power 30 2015", file: ..., unit: Country, unit_type: iso2, value:
 * Soft_Power30, filter: { Year: 2015 } }`.
 */
export const CompareSourceSchema = SourceFields.extend({ name: z.string().min(1) })
  .strict()
  .superRefine((s, ctx) => checkShape(s, ctx, true));

export const CompareSourceListSchema = z.array(CompareSourceSchema).min(1);

export type IndicatorSource = z.output<typeof IndicatorSourceSchema>;
export type IndicatorSourceInput = z.input<typeof IndicatorSourceSchema>;
export type CompareSource = z.output<typeof CompareSourceSchema>;

/** What reading one source found, for the run log. */
export interface SourceLog {
  /** The file as the source gives it. */
  file: string;
  /** Data rows in the table. */
  rows: number;
  /** Values (row × year cells) within the year window that entered a reduction. */
  used: number;
  /** Countries with at least one row. */
  units: number;
  /** Unit cells that are not countries (distinct, sorted), e.g. "Channel Islands". */
  unmatched: string[];
  /** Unit cells skipped as aggregates (World, High income, WLD...). */
  aggregates: string[];
  /** Rows with an empty unit cell (skipped). */
  emptyUnits: number;
  /** Per iCode: units with a value. */
  filled: Record<string, number>;
  /** Per iCode: the oldest and newest year of the values used (dated sources). */
  years: Record<string, [number, number]>;
}

/** Options of {@link readIndicatorSources}. */
export interface ReadSourcesOptions {
  /** Folder the source files are relative to. */
  baseDir: string;
  /** The index year (needed by sources with a year column or year columns). */
  year?: number;
  /** iMeta: source codes must be its iCodes, and each indicator and denominator needs a source. */
  framework?: Framework;
  /** Restrict to these ISO3 units (listed units without data get an empty row). */
  units?: readonly string[];
}

/** iCode → ISO3 → value, with the log of the source. */
interface SourceValues {
  values: Map<string, Map<string, number>>;
  log: SourceLog;
}

/**
 * Reads indicator sources into an iData table: `uCode` (ISO3), `uName` (world-countries common
 * name) and one column per iCode (iMeta order when a framework is given), one row per unit with
 * at least one value (or per listed unit), sorted by uCode. Pass the table to `dataFromTable`.
 * Cost: one pass over each table.
 *
 * @example
 * const { table, log } = await readIndicatorSources(sources, { baseDir, year: 2013, framework });
 * const data = dataFromTable(table, framework);
 * @throws InputError for an invalid source (naming its position and file), an unreadable file,
 *   a missing column, a cell that is not a number (file, row and column), several values where
 *   `reduce: value` expects one, an iCode not in iMeta or an iMeta indicator without a source
 */
export async function readIndicatorSources(
  sources: readonly unknown[],
  opts: ReadSourcesOptions,
): Promise<{ table: Table; log: SourceLog[] }> {
  const parsed = sources.map((s, i) => parseSource(IndicatorSourceSchema, s, i, "sources"));
  const restrict = opts.units ? checkUnits(opts.units) : undefined;
  const all = new Map<string, Map<string, number>>();
  const from = new Map<string, string>();
  const log: SourceLog[] = [];
  for (const [i, s] of parsed.entries()) {
    const r = await readSource(s, opts, restrict, `sources[${i}]`);
    for (const [code, vals] of r.values) {
      const prev = from.get(code);
      if (prev !== undefined)
        throw new InputError(
          `sources[${i}] (${s.file}): iCode "${code}" is already given by ${prev}`,
        );
      from.set(code, `sources[${i}] (${s.file})`);
      all.set(code, vals);
    }
    log.push(r.log);
  }
  const codes = orderCodes([...all.keys()], opts.framework, from);
  const units = new Set<string>(restrict ?? []);
  if (!restrict) for (const vals of all.values()) for (const u of vals.keys()) units.add(u);
  const rows = [...units].sort().map((u) => [
    u,
    countryName(u) ?? u,
    ...codes.map((c) => {
      const v = all.get(c)!.get(u);
      return v === undefined ? "" : String(v);
    }),
  ]);
  return {
    table: {
      file: "index sources",
      columns: ["uCode", "uName", ...codes],
      rows,
      lines: rows.map((_, k) => k + 2),
    },
    log,
  };
}

/**
 * Reads one comparison ranking (see {@link CompareSourceSchema}): ISO3 → value.
 *
 * @throws InputError as {@link readIndicatorSources}
 */
export async function readComparison(
  source: unknown,
  opts: Omit<ReadSourcesOptions, "framework">,
  index = 0,
): Promise<{ name: string; values: Map<string, number>; log: SourceLog }> {
  const s = parseSource(CompareSourceSchema, source, index, "compare");
  const restrict = opts.units ? checkUnits(opts.units) : undefined;
  const r = await readSource(s, opts, restrict, `compare[${index}]`);
  const values = r.values.values().next().value ?? new Map<string, number>();
  return { name: s.name, values, log: r.log };
}

function parseSource<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  i: number,
  what: string,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const file =
    raw && typeof raw === "object" && "file" in raw
      ? ` (${String((raw as { file: unknown }).file)})`
      : "";
  const msgs = r.error.issues.slice(0, 4).map((iss) => {
    const keys = "keys" in iss && Array.isArray(iss.keys) ? (iss.keys as string[]) : [];
    const at = iss.path.map(String).join(".");
    return keys.length
      ? `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`
      : `${at ? `${at}: ` : ""}${iss.message}`;
  });
  throw new InputError(`${what}[${i}]${file}: ${msgs.join("; ")}`);
}

function checkUnits(units: readonly string[]): Set<string> {
  for (const u of units) {
    if (countryName(u) === undefined)
      throw new InputError(`units: "${u}" is not an ISO3 country code (e.g. USA, CHN, DEU)`);
  }
  return new Set(units);
}

/** Codes in iMeta order, checked against the framework (when given). */
function orderCodes(codes: string[], fw: Framework | undefined, from: Map<string, string>) {
  if (!fw) return codes;
  const known = fw.meta.map((m) => m.iCode);
  for (const c of codes) {
    if (!known.includes(c)) {
      throw new InputError(
        `${from.get(c)}: iCode "${c}" is not in iMeta (indicators and denominators: ${[...fw.indicators, ...fw.denominators].join(", ")})`,
      );
    }
  }
  for (const c of [...fw.indicators, ...fw.denominators]) {
    if (!from.has(c)) {
      const m = fw.meta.find((r) => r.iCode === c);
      throw new InputError(
        `iMeta${m?.source?.row ? ` row ${m.source.row}` : ""}: ${m?.type === "Denominator" ? "denominator" : "indicator"} "${c}" has no source (give it as a source's code or in its columns)`,
      );
    }
  }
  return known.filter((c) => from.has(c));
}

/** The year in a year cell: "2013", "2013.0" or an ISO date "2013-01-01". */
function yearOf(cell: string): number | undefined {
  const m = /^(\d{4})(?:\.0+)?(?:$|-\d{2})/.exec(cell.trim());
  return m ? Number(m[1]) : undefined;
}

interface Obs {
  year: number;
  value: number;
  line: number;
  column: string;
}

async function readSource(
  s: Fields & { name?: string },
  opts: Omit<ReadSourcesOptions, "framework">,
  restrict: Set<string> | undefined,
  where: string,
): Promise<SourceValues> {
  const t = await readTable(resolve(opts.baseDir, s.file), s.sheet, {
    delimiter: s.delimiter,
    skip: s.skip,
    exactSheet: true,
  });
  const header = (s.skip ?? 0) + 1;
  const col = (name: string, option: string): number => {
    const j = t.columns.indexOf(name);
    if (j >= 0) return j;
    const shown = t.columns.slice(0, 12).map((c) => `"${c}"`);
    if (t.columns.length > 12) shown.push(`… (${t.columns.length} in all)`);
    return inputError(
      { file: t.file, row: header },
      `no column "${name}" (option ${option} of ${where}); the columns are ${shown.join(", ")}`,
    );
  };
  const unitCol = col(s.unit, "unit");
  const dated = s.year !== undefined || s.year_columns === true;
  const Y = opts.year;
  if (dated && !(Number.isInteger(Y) && Y !== undefined))
    throw new InputError(
      `${where} (${s.file}) is dated (${s.year_columns ? "year_columns" : `year: ${s.year}`}): give the index year`,
    );
  const inWindow = (y: number) => !dated || (y <= Y! && y >= Y! - s.max_lag);
  const yearCol = s.year === undefined ? -1 : col(s.year, "year");
  const filters = Object.entries(s.filter ?? {}).map(
    ([c, v]) => [col(c, `filter.${c}`), v] as const,
  );
  // Where each series' values are: [iCode, value column or -1 for year columns, indicator name]
  const single = s.name !== undefined ? "value" : s.code;
  const series: { code: string; valueCol: number; name?: string }[] = [];
  const valueCol = s.value === undefined ? -1 : col(s.value, "value");
  const indicatorCol = s.indicator === undefined ? -1 : col(s.indicator, "indicator");
  if (s.indicator !== undefined) {
    for (const [code, name] of Object.entries(s.columns!)) series.push({ code, valueCol, name });
  } else if (s.columns) {
    for (const [code, c] of Object.entries(s.columns))
      series.push({
        code: s.name !== undefined ? "value" : code,
        valueCol: col(c, `columns.${code}`),
      });
  } else series.push({ code: single!, valueCol });
  const yearCols: [number, number][] = [];
  if (s.year_columns) {
    t.columns.forEach((c, j) => {
      const m = /^(\d{4})(?!\d)/.exec(c.trim());
      if (m && j !== unitCol) yearCols.push([j, Number(m[1])]);
    });
    if (yearCols.length === 0)
      inputError(
        { file: t.file, row: header },
        `year_columns: no column is headed by a year (e.g. "2013"); the columns are ${t.columns.slice(0, 8).join(", ")}…`,
      );
  }
  const isNa = new Set(s.na ?? []);
  const obs = new Map<string, Map<string, Obs[]>>(series.map((x) => [x.code, new Map()]));
  const byName = new Map<string, typeof series>();
  for (const x of series)
    if (x.name !== undefined) byName.set(x.name, [...(byName.get(x.name) ?? []), x]);
  const unmatched = new Set<string>();
  const aggregates = new Set<string>();
  const matched = new Set<string>();
  let emptyUnits = 0;
  let used = 0;
  const num = (cell: string, src: Source): number => {
    if (isNa.has(cell)) return Number.NaN;
    const v = parseNumber(cell);
    if (v === undefined)
      inputError(
        src,
        `"${cell}" is not a number (missing values: empty, NA${s.na ? `, ${s.na.join(", ")}` : ""})`,
      );
    return v;
  };
  t.rows.forEach((cells, r) => {
    const line = t.lines[r]!;
    for (const [j, v] of filters) {
      const cell = cells[j] ?? "";
      if (!(cell === String(v) || (typeof v === "number" && parseNumber(cell) === v))) return;
    }
    const unitCell = cells[unitCol] ?? "";
    if (isMissing(unitCell.trim())) {
      emptyUnits++;
      return;
    }
    const m = matchCountry(unitCell, s.unit_type as UnitCodeType);
    if (m.kind !== "country") {
      (m.kind === "aggregate" ? aggregates : unmatched).add(unitCell.trim());
      return;
    }
    matched.add(m.iso3);
    if (restrict && !restrict.has(m.iso3)) return;
    let rowYear = Number.NaN;
    if (yearCol >= 0) {
      const cell = cells[yearCol] ?? "";
      const y = yearOf(cell);
      if (y === undefined)
        inputError(
          { file: t.file, row: line, column: s.year! },
          `"${cell}" is not a year (expected e.g. 2013 or 2013-01-01)`,
        );
      rowYear = y;
      if (!inWindow(y)) return;
    }
    const targets = indicatorCol >= 0 ? byName.get((cells[indicatorCol] ?? "").trim()) : series;
    if (!targets) return;
    for (const x of targets) {
      const perUnit = obs.get(x.code)!;
      const push = (value: number, j: number, year: number) => {
        used++;
        const o: Obs = { year, value, line, column: t.columns[j]! };
        const list = perUnit.get(m.iso3);
        if (list) list.push(o);
        else perUnit.set(m.iso3, [o]);
      };
      const add = (j: number, year: number) => {
        const v = num(cells[j] ?? "", { file: t.file, row: line, column: t.columns[j]! });
        if (!Number.isNaN(v)) push(v, j, year);
      };
      if (s.year_columns) {
        for (const [j, y] of yearCols) if (inWindow(y)) add(j, y);
      } else if (x.valueCol >= 0) add(x.valueCol, rowYear);
      else push(1, unitCol, rowYear); // reduce: count without a value column counts rows
    }
  });
  const values = new Map<string, Map<string, number>>();
  const filled: Record<string, number> = {};
  const years: Record<string, [number, number]> = {};
  for (const [code, perUnit] of obs) {
    const out = new Map<string, number>();
    for (const [u, list] of perUnit) {
      const { value, year } = reduce(list, s.reduce, { file: t.file, unit: u, code, where });
      if (Number.isNaN(value)) continue;
      out.set(u, s.scale === undefined ? value : value * s.scale);
      if (dated && Number.isFinite(year)) {
        const yr = years[code];
        years[code] = yr ? [Math.min(yr[0], year), Math.max(yr[1], year)] : [year, year];
      }
    }
    values.set(code, out);
    filled[code] = out.size;
  }
  return {
    values,
    log: {
      file: s.file,
      rows: t.rows.length,
      used,
      units: matched.size,
      unmatched: [...unmatched].sort(),
      aggregates: [...aggregates].sort(),
      emptyUnits,
      filled,
      years,
    },
  };
}

/** One value from a unit's observations; `year` is the newest year used (NaN when undated). */
function reduce(
  list: Obs[],
  how: (typeof REDUCERS)[number],
  ctx: { file: string; unit: string; code: string; where: string },
): { value: number; year: number } {
  const newest = list.reduce((y, o) => Math.max(y, o.year), Number.NEGATIVE_INFINITY);
  const several = (a: Obs, b: Obs): never => {
    const at =
      a.line === b.line
        ? `row ${a.line}, columns ${a.column} and ${b.column}`
        : `rows ${a.line} and ${b.line}`;
    throw new InputError(
      `${ctx.file} ${at}: several values for ${ctx.unit} (${ctx.code}${Number.isNaN(a.year) ? "" : `, ${a.year === b.year ? a.year : `${a.year} and ${b.year}`}`}); add a filter, or set reduce (sum, mean, count or latest) in ${ctx.where}`,
    );
  };
  switch (how) {
    case "value":
      if (list.length > 1) several(list[0]!, list[1]!);
      return { value: list[0]!.value, year: list[0]!.year };
    case "latest": {
      const top = list.filter(
        (o) => o.year === newest || (Number.isNaN(o.year) && Number.isNaN(newest)),
      );
      if (top.length > 1) several(top[0]!, top[1]!);
      const o = top[0] ?? list[0]!;
      return { value: o.value, year: o.year };
    }
    case "count":
      return { value: list.length, year: newest };
    case "sum":
    case "mean": {
      let sum = 0;
      let c = 0; // Neumaier-compensated sum
      for (const o of list) {
        const t = sum + o.value;
        c += Math.abs(sum) >= Math.abs(o.value) ? sum - t + o.value : o.value - t + sum;
        sum = t;
      }
      const total = sum + c;
      return { value: how === "sum" ? total : total / list.length, year: newest };
    }
  }
}
