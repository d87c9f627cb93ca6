/**
 * The drivers page's edits as pure functions (see edits.ts for the pattern): the respondent
 * filter, and the list of analyses (add, remove, change one).
 */
import { compact, NUMBER, type Obj, type Parsed } from "./edits.ts";

/**
 * One line per variable: `VARIABLE: VALUE, VALUE` keeps respondents with those values. A value
 * that reads as a number is a number; write it in double quotes to keep it as text
 * (`wave: "2019"`), since study.yaml tells 2019 from "2019".
 *
 * @example parseFilter("country: GBR, DEU\nwave: 1, 2").value // {country: ["GBR", "DEU"], wave: [1, 2]}
 */
export function parseFilter(text: string): Parsed<Record<string, (string | number)[]>> {
  const out: Record<string, (string | number)[]> = {};
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { error: `line ${k + 1}: write VARIABLE: VALUE, VALUE` };
    const values: (string | number)[] = [];
    for (const part of line.slice(colon + 1).split(",")) {
      const w = part.trim();
      if (w === "") continue;
      const quoted = /^"(.*)"$/.exec(w);
      values.push(quoted ? quoted[1]! : NUMBER.test(w) ? Number(w) : w);
    }
    if (values.length === 0) return { error: `line ${k + 1}: no values after "${line}"` };
    out[line.slice(0, colon).trim()] = values;
  }
  return { value: out };
}

export const formatFilter = (v: unknown): string =>
  v && typeof v === "object" && !Array.isArray(v)
    ? Object.entries(v as Record<string, unknown>)
        .map(
          ([name, values]) =>
            `${name}: ${(Array.isArray(values) ? values : [])
              .map((x) => (typeof x === "string" && NUMBER.test(x) ? `"${x}"` : String(x)))
              .join(", ")}`,
        )
        .join("\n")
    : "";

/** A new analysis's name: `drivers`, then `drivers_2`, `drivers_3`... not taken yet. */
export function newAnalysisName(drivers: Obj[]): string {
  const taken = new Set(drivers.map((d) => String(d.name ?? "")));
  if (!taken.has("drivers")) return "drivers";
  let n = 2;
  while (taken.has(`drivers_${n}`)) n++;
  return `drivers_${n}`;
}

/**
 * The drivers list with analysis `k` patched (keys set to undefined or "" removed; empty lists
 * and objects dropped, so defaults apply) — `predictors` is kept even when empty, for the CLI to
 * name it.
 */
export function withAnalysis(drivers: Obj[], k: number, patch: Obj): Obj[] {
  const next = compact({ ...drivers[k], ...patch });
  if (next.predictors === undefined) next.predictors = [];
  return drivers.map((d, j) => (j === k ? next : d));
}
