/** Number and text formatting shared by the pages. */

import type { Cell } from "./api.ts";

/** A number with `digits` decimals, or an em dash when missing. */
export function fmt(v: Cell | undefined, digits = 1): string {
  if (v === null || v === undefined || v === "") return "—";
  const x = Number(v);
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

/** A number from a cell (NaN when missing). */
export function num(v: Cell | undefined): number {
  if (v === null || v === undefined || v === "") return Number.NaN;
  const x = Number(v);
  return Number.isFinite(x) ? x : Number.NaN;
}

/** "1st", "2nd", "3rd", "4th"… */
export function ordinal(n: number): string {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return `${n}${s[(v - 20) % 10] ?? s[v] ?? s[0]}`;
}

/** Whether a cell holds a true flag ("TRUE", "true", true, 1). */
export function truthy(v: Cell | undefined): boolean {
  return v === true || v === 1 || v === "TRUE" || v === "true" || v === "1";
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s =
    typeof v === "number" && !Number.isFinite(v)
      ? ""
      : v instanceof Date
        ? v.toISOString()
        : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV text (RFC 4180) of rows keyed by the given columns. */
export function toCsv(columns: readonly string[], rows: readonly object[]): string {
  const lines = [columns.map(csvCell).join(",")];
  for (const r of rows)
    lines.push(columns.map((c) => csvCell((r as Record<string, unknown>)[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Distinct values in first-seen order. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
