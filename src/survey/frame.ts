import { InputError } from "../core/errors.ts";
import { valueCodes } from "./value-codes.ts";

/** A numeric column (NaN = missing), with value labels when read from SPSS. */
export interface NumericColumn {
  kind: "number";
  values: Float64Array;
  labels?: Map<number, string>;
  label?: string;
}

/** A categorical column: level codes (−1 = missing) into `levels`. */
export interface FactorColumn {
  kind: "factor";
  codes: Int32Array;
  levels: string[];
  label?: string;
}

export type Column = NumericColumn | FactorColumn;

/**
 * Respondent-level survey data, column-major: typed arrays, one entry per respondent.
 * `file` names where it came from, for messages.
 */
export interface SurveyFrame {
  n: number;
  columns: Map<string, Column>;
  file?: string;
}

/** The column `name`, or an InputError naming the variable and what is available. */
export function getColumn(frame: SurveyFrame, name: string): Column {
  const c = frame.columns.get(name);
  if (!c) {
    const have = [...frame.columns.keys()];
    const near = have.filter((h) => h.toLowerCase() === name.toLowerCase());
    throw new InputError(
      `${frame.file ? `${frame.file}: ` : ""}unknown variable "${name}"${near.length ? ` (did you mean "${near[0]}"?)` : ""}; the data has ${have.length} variables: ${have.slice(0, 20).join(", ")}${have.length > 20 ? ", ..." : ""}`,
    );
  }
  return c;
}

/**
 * The values of a numeric variable. A factor column whose levels all parse as numbers is
 * converted; otherwise an InputError names the variable and the first non-numeric row.
 */
export function numeric(frame: SurveyFrame, name: string): Float64Array {
  const c = getColumn(frame, name);
  if (c.kind === "number") return c.values;
  const lv = c.levels.map((l) => Number(l));
  const bad = c.levels.findIndex((l, i) => l.trim() === "" || !Number.isFinite(lv[i]!));
  if (bad >= 0) {
    const row = c.codes.indexOf(bad);
    throw new InputError(
      `${frame.file ? `${frame.file} ` : ""}row ${row + 2}, variable ${name}: "${c.levels[bad]}" is not a number (this statistic needs numbers)`,
    );
  }
  return Float64Array.from(c.codes, (k) => (k < 0 ? Number.NaN : lv[k]!));
}

/**
 * A variable as a factor. Numeric columns become factors of their distinct values (sorted),
 * labelled with their SPSS value labels when present, as R's `haven::as_factor`.
 */
export function factor(frame: SurveyFrame, name: string): FactorColumn {
  const c = getColumn(frame, name);
  if (c.kind === "factor") return c;
  const { values: distinct, codes } = valueCodes(c.values);
  return {
    kind: "factor",
    codes,
    levels: distinct.map((v) => c.labels?.get(v) ?? formatNumber(v)),
    label: c.label,
  };
}

/** Numbers as R prints them in level names: integers without ".0". */
export function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(v);
}

/** A frame from plain columns (numbers or strings; null/undefined/NaN missing), for code and tests. */
export function frameFromColumns(
  cols: Record<string, ArrayLike<number> | readonly (string | null)[]>,
): SurveyFrame {
  const entries = Object.entries(cols);
  const n = entries[0]?.[1].length ?? 0;
  const columns = new Map<string, Column>();
  for (const [name, v] of entries) {
    if (v.length !== n)
      throw new Error(`frameFromColumns: column ${name} has ${v.length} values, expected ${n}`);
    if (typeof v[0] === "string" || (Array.isArray(v) && v.some((x) => typeof x === "string"))) {
      const s = v as readonly (string | null)[];
      const levels = [...new Set(s.filter((x): x is string => x !== null))].sort();
      const idx = new Map(levels.map((l, i) => [l, i]));
      columns.set(name, {
        kind: "factor",
        levels,
        codes: Int32Array.from(s, (x) => (x === null ? -1 : idx.get(x)!)),
      });
    } else {
      columns.set(name, {
        kind: "number",
        values: Float64Array.from(v as ArrayLike<number>, (x) => (x === null ? Number.NaN : x)),
      });
    }
  }
  return { n, columns };
}

/** The respondents where `keep` is 1, as a new frame (columns copied; labels kept). */
export function subsetFrame(frame: SurveyFrame, keep: Uint8Array): SurveyFrame {
  const idx: number[] = [];
  for (let i = 0; i < frame.n; i++) if (keep[i]) idx.push(i);
  const columns = new Map<string, Column>();
  for (const [name, c] of frame.columns) {
    columns.set(
      name,
      c.kind === "number"
        ? { ...c, values: Float64Array.from(idx, (i) => c.values[i]!) }
        : { ...c, codes: Int32Array.from(idx, (i) => c.codes[i]!) },
    );
  }
  return { n: idx.length, columns, file: frame.file };
}
