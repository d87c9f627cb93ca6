/**
 * Number and text formatting shared by the report's HTML and charts. One rule per kind of number
 * so the same value reads the same everywhere: scores 1 decimal, ranks integers, shares as whole
 * percentages, tone and R² contributions 3 decimals, other values 3 significant digits.
 * Missing values (null, NaN) print as an en dash.
 */
import type { Cell } from "../io/write.ts";
import { countryName } from "../study/findings.ts";

/** What a missing value prints as. */
export const MISSING = "–";

/** A cell as a number: numbers as they are, numeric strings parsed, anything else NaN. */
export function num(v: Cell | unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return Number.NaN;
}

/** `x` with `d` decimals ("-0.0" becomes "0.0"), or the missing mark. */
export function fixed(x: number, d: number): string {
  if (!Number.isFinite(x)) return MISSING;
  const s = x.toFixed(d);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** `x` with `d` decimals and a sign ("+0.12", "-0.30", "0.00"). */
export function signed(x: number, d: number): string {
  const s = fixed(x, d);
  return Number.isFinite(x) && s !== fixed(0, d) && x > 0 ? `+${s}` : s;
}

/** An integer with thousands separators ("11,516"), or the missing mark. */
export function int(x: number): string {
  if (!Number.isFinite(x)) return MISSING;
  return Math.round(x)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A share in [0, 1] as a whole percentage ("19%"). */
export function pct(x: number): string {
  return Number.isFinite(x) ? `${fixed(x * 100, 0)}%` : MISSING;
}

/**
 * A number with 3 significant digits, without exponent for |x| in [1e-4, 1e7)
 * (`sig(0.0012345)` → "0.00123", `sig(1234.5)` → "1,235", `sig(12)` → "12.0").
 */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return MISSING;
  if (x === 0) return "0";
  const mag = Math.floor(Math.log10(Math.abs(x)));
  if (mag >= digits - 1) return int(x);
  if (mag < -4) return x.toExponential(digits - 1);
  return fixed(x, Math.max(0, digits - 1 - mag));
}

/** "low–high" with a formatter, or the missing mark when either end is missing. */
export function interval(low: number, high: number, f: (x: number) => string): string {
  return Number.isFinite(low) && Number.isFinite(high) ? `${f(low)} to ${f(high)}` : MISSING;
}

/** A rank interval "3–7" (or "3" when both ends agree). */
export function rankInterval(low: number, high: number): string {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return MISSING;
  return low === high ? int(low) : `${int(low)}–${int(high)}`;
}

/** Text for an HTML text node (&, <, > escaped). */
export function esc(s: unknown): string {
  return String(s ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** Text for a double-quoted HTML attribute value. */
export function attr(s: unknown): string {
  return esc(s).replaceAll('"', "&quot;");
}

/** "a", "a and b", "a, b and c". */
export function andList(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`;
}

/** A string fit for an HTML id: lower case letters, digits and dashes. */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A country as a label: "United States", "China" (prose keeps the article: `countryName`). */
export function plainName(code: string, fallback = code): string {
  return countryName(code, fallback).replace(/^the /, "");
}
