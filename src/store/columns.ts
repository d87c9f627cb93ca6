/**
 * Column types of stored result tables: what kind of values a column of one run holds, the
 * DuckDB type that stores it, and how two runs with different kinds share one column.
 *
 * Policy (tested in test/store/columns.test.ts):
 * - null, undefined and NaN are missing (SQL NULL) and do not decide a column's kind;
 * - only numbers: BIGINT when every one is an integer with |v| < 2^63 (and not -0), else DOUBLE
 *   (±Infinity stays DOUBLE);
 * - only booleans: BOOLEAN; only strings: VARCHAR; nothing but missing values: NULL;
 * - a mix of strings, numbers and booleans: JSON, stored as VARCHAR holding `JSON.stringify` of
 *   each value, so that `readRunTable` gives back numbers as numbers and strings as strings.
 *
 * When a later run writes a column whose kind does not fit the existing DuckDB column, the column
 * is widened: BIGINT and DOUBLE meet in DOUBLE, anything else in VARCHAR (DuckDB casts the
 * existing values to text). Each run's kind is recorded in `run_tables.columns`, and reading casts
 * back to it, so older runs still read back exactly (DuckDB prints doubles in shortest round-trip
 * form). SQL readers of a widened column see text; `CAST(col AS DOUBLE)` recovers numbers.
 */
import { InputError } from "../core/errors.ts";
import type { Cell, ColumnKind } from "./types.ts";

/** A DuckDB column type used by the store. */
export type PhysicalType = "BIGINT" | "DOUBLE" | "BOOLEAN" | "VARCHAR";

const BIGINT_LIMIT = 2 ** 63;

/** Whether a value counts as missing (stored as NULL). */
export const isMissing = (v: unknown): boolean =>
  v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

/**
 * The kind of column `j` of `rows` (see the module comment). Throws an InputError naming the table,
 * row and column for a value that is not a Cell (an object, a bigint…).
 */
export function inferKind(table: string, column: string, rows: Cell[][], j: number): ColumnKind {
  let nums = false;
  let ints = true;
  let strs = false;
  let bools = false;
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![j];
    if (isMissing(v)) continue;
    switch (typeof v) {
      case "number":
        nums = true;
        if (ints && !(Number.isInteger(v) && Math.abs(v) < BIGINT_LIMIT && !Object.is(v, -0)))
          ints = false;
        break;
      case "string":
        strs = true;
        break;
      case "boolean":
        bools = true;
        break;
      default:
        throw new InputError(
          `table "${table}" row ${i + 1}, column ${column}: cannot store a ${typeof v} (${String(v)}); cells are strings, numbers, booleans or null`,
        );
    }
  }
  const n = Number(nums) + Number(strs) + Number(bools);
  if (n === 0) return "NULL";
  if (n > 1) return "JSON";
  if (nums) return ints ? "BIGINT" : "DOUBLE";
  return bools ? "BOOLEAN" : "VARCHAR";
}

/** The DuckDB type for a new column of this kind (an all-missing column starts as DOUBLE). */
export function physicalFor(kind: ColumnKind): PhysicalType {
  switch (kind) {
    case "JSON":
      return "VARCHAR";
    case "NULL":
      return "DOUBLE";
    default:
      return kind;
  }
}

/** The DuckDB type an existing column of type `current` must have to also hold values of `kind`. */
export function widen(current: PhysicalType, kind: ColumnKind): PhysicalType {
  if (kind === "NULL") return current;
  const want = physicalFor(kind);
  if (want === current || current === "VARCHAR") return current;
  if ((current === "BIGINT" || current === "DOUBLE") && (want === "BIGINT" || want === "DOUBLE"))
    return "DOUBLE";
  return "VARCHAR";
}

/** A DuckDB data_type as the store's PhysicalType (types the store did not create count as VARCHAR). */
export function asPhysical(dataType: string): PhysicalType {
  const t = dataType.toUpperCase();
  return t === "BIGINT" || t === "DOUBLE" || t === "BOOLEAN" ? t : "VARCHAR";
}

/**
 * The text stored for a non-missing value of `kind` in a VARCHAR column; DuckDB's
 * `CAST(text AS kind)` gives the value back exactly.
 */
export function textOf(v: Cell, kind: ColumnKind): string {
  if (kind === "JSON") return JSON.stringify(v);
  if (typeof v === "number") {
    if (kind === "BIGINT") return BigInt(v).toString();
    return Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf";
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}
