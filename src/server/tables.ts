/**
 * Table endpoints' query: column filters (`?col=value`, repeated for "any of"), `limit`,
 * `offset`, and the JSON or CSV body.
 */
import { toCsv } from "../io/write.ts";
import type { Cell, TableData } from "../store/types.ts";
import { badRequest } from "./errors.ts";
import { checkInt, type Format, format, type Query, quote, single } from "./params.ts";

/** Query parameters every table endpoint reserves; any other name is a column filter. */
export const RESERVED = ["format", "limit", "offset"] as const;

/** Rows a response may hold at most. */
export const MAX_LIMIT = 100_000;

/** A table endpoint's parsed query. */
export interface TableQuery {
  format: Format;
  /** Column → accepted values (a row matches when its cell equals any of them). */
  filters: Map<string, string[]>;
  limit: number | undefined;
  offset: number;
}

/**
 * The table query in `query`; `extra` names further parameters the endpoint takes itself
 * (they are not filters).
 */
export function parseTableQuery(query: Query, extra: readonly string[] = []): TableQuery {
  const limit = single(query, "limit");
  const offset = single(query, "offset");
  const filters = new Map<string, string[]>();
  for (const [k, v] of query) {
    if ((RESERVED as readonly string[]).includes(k) || extra.includes(k)) continue;
    const list = filters.get(k);
    if (list) list.push(v);
    else filters.set(k, [v]);
  }
  return {
    format: format(query),
    filters,
    limit: limit === undefined ? undefined : checkInt("limit", limit, 1, MAX_LIMIT),
    offset: offset === undefined ? 0 : checkInt("offset", offset, 0, 1_000_000_000),
  };
}

/** A cell test for the values a filter accepts; see {@link selectRows} for the rules. */
function matcher(values: string[]): (v: unknown) => boolean {
  const text = new Set(values);
  const lower = new Set(values.map((s) => s.toLowerCase()));
  const nums = new Set(
    values.filter((s) => s.trim() !== "" && Number.isFinite(Number(s))).map(Number),
  );
  const nullOk = text.has("") || text.has("NA");
  return (v) => {
    if (v === null || v === undefined) return nullOk;
    if (typeof v === "number") return nums.has(v);
    if (typeof v === "boolean") return lower.has(v ? "true" : "false");
    if (typeof v === "string") return text.has(v);
    return text.has(JSON.stringify(v));
  };
}

/** Column names for a message: the first 40, then how many more. */
function columnList(columns: string[]): string {
  const shown = columns.slice(0, 40).join(", ");
  return columns.length > 40 ? `${shown} … (${columns.length - 40} more)` : shown;
}

/**
 * The rows of `t` that pass every filter, then `offset` and `limit`. A filter matches a cell
 * when: text equals the value; a number equals the value read as a number (`1` and `1.0` both
 * match 1); a boolean is `true`/`false` (any case); a missing value is `` or `NA`. Filters on
 * different columns must all hold; repeating a column accepts any of its values.
 *
 * @throws ApiError 400 naming a filter that is not a column of the table, and listing them.
 */
export function selectRows(
  t: TableData,
  q: TableQuery,
  table: string,
): { rows: Cell[][]; total: number } {
  const tests: [number, (v: unknown) => boolean][] = [];
  for (const [col, values] of q.filters) {
    const j = t.columns.indexOf(col);
    if (j < 0)
      throw badRequest(
        `unknown query parameter ${quote(col)}: it is not a column of ${table}; filter by one of ${columnList(t.columns)} (or use ${RESERVED.join(", ")})`,
      );
    tests.push([j, matcher(values)]);
  }
  const rows =
    tests.length === 0 ? t.rows : t.rows.filter((r) => tests.every(([j, ok]) => ok(r[j])));
  const end = q.limit === undefined ? undefined : q.offset + q.limit;
  return {
    rows: q.offset === 0 && end === undefined ? rows : rows.slice(q.offset, end),
    total: rows.length,
  };
}

/** CSV text of a table (as the exports write it: NA for missing; JSON values as JSON text). */
export function tableCsv(columns: string[], rows: readonly (readonly unknown[])[]): string {
  const flat = rows.map((r) =>
    r.map((v): Cell => (v !== null && typeof v === "object" ? JSON.stringify(v) : (v as Cell))),
  );
  return toCsv(columns, flat);
}
