/**
 * Validation of path and query parameters. Every check throws a 400 `ApiError` whose message
 * names the parameter, quotes the value (shortened) and says what is valid.
 */
import { badRequest } from "./errors.ts";

/** Study ids, run ids and run references: letters, digits, `.`, `_`, `-`; starting with a letter or digit. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Result table names, as the store writes them. */
export const TABLE = /^[a-z][a-z0-9_]{0,63}$/;

/** A value as quoted in a message: JSON-quoted, at most 60 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/** `value` when it is an id (see {@link ID}); else a 400 naming `param`. */
export function checkId(param: string, value: string): string {
  if (!ID.test(value))
    throw badRequest(
      `${param} ${quote(value)} is not valid: use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  return value;
}

/** `value` when it is a table name (see {@link TABLE}); else a 400. */
export function checkTable(value: string): string {
  if (!TABLE.test(value))
    throw badRequest(
      `table ${quote(value)} is not valid: table names are lower-case letters, digits and "_", starting with a letter (e.g. index_scores)`,
    );
  return value;
}

/** `value` when it is one of `allowed`; else a 400 listing them. */
export function checkOneOf<T extends string>(
  param: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value))
    throw badRequest(`${param} ${quote(value)} is not valid: use one of ${allowed.join(", ")}`);
  return value as T;
}

/** A whole number in [min, max] written in decimal digits; else a 400 naming `param`. */
export function checkInt(param: string, value: string, min: number, max: number): number {
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max))
    throw badRequest(
      `${param} ${quote(value)} is not valid: use a whole number from ${min} to ${max}`,
    );
  return n;
}

/** The query of a request as ordered [name, value] pairs. */
export type Query = [string, string][];

/**
 * The single value of query parameter `name` (undefined when absent); a 400 when it is given
 * more than once.
 */
export function single(query: Query, name: string): string | undefined {
  let found: string | undefined;
  for (const [k, v] of query) {
    if (k !== name) continue;
    if (found !== undefined) throw badRequest(`query parameter ${name} is given more than once`);
    found = v;
  }
  return found;
}

/** A 400 for query parameters other than `allowed`. */
export function onlyParams(query: Query, allowed: readonly string[]): void {
  for (const [k] of query)
    if (!allowed.includes(k))
      throw badRequest(
        `unknown query parameter ${quote(k)}: ${allowed.length ? `valid here: ${allowed.join(", ")}` : "this endpoint takes none"}`,
      );
}

/** Output formats; `json` is the default. */
export const FORMATS = ["json", "csv"] as const;
export type Format = (typeof FORMATS)[number];

/** The `format` parameter (default json). */
export function format(query: Query): Format {
  const f = single(query, "format");
  return f === undefined ? "json" : checkOneOf("format", f, FORMATS);
}
