/**
 * The uncertainty / Sobol factors as table rows (see FactorSchema in
 * src/composite/uncertainty-spec.ts): each row one factor of one of four kinds, with the cells
 * that kind reads. Pure; the index page renders the table, test/studio/factor-edits.test.ts
 * drives the functions.
 *
 * - weights: COINr get_noisy_weights, `{"name", "noise": {"levels", "factor", "nrep"}}`
 * - values: one step parameter taking several values, `{"name", "step", "param", "values"}`
 * - alternatives: whole configurations of one step, `{"name", "step", "alternatives"}` (JSON)
 * - exclude: one indicator left out at a time, `{"name", "exclude": [codes]}`
 *
 * @example factorRows([{name: "W", noise: {levels: [2], factor: 0.25}}])[0]
 * // {name: "W", kind: "weights", levels: "2", factor: "0.25", nrep: "", ...}
 */
import { asObj, NUMBER, type Obj, type Parsed } from "./edits.ts";

export const FACTOR_KINDS = ["weights", "values", "alternatives", "exclude"] as const;
export type FactorKind = (typeof FACTOR_KINDS)[number];

/** A factor as the table shows it: every cell as typed text. */
export interface FactorRow {
  name: string;
  kind: FactorKind;
  levels: string;
  factor: string;
  nrep: string;
  step: string;
  param: string;
  values: string;
  alternatives: string;
  exclude: string;
}

export const emptyFactor = (kind: FactorKind = "weights"): FactorRow => ({
  name: "",
  kind,
  levels: "",
  factor: "",
  nrep: "",
  step: "",
  param: "",
  values: "",
  alternatives: "",
  exclude: "",
});

const kindOf = (f: Obj): FactorKind =>
  f.noise !== undefined
    ? "weights"
    : f.exclude !== undefined
      ? "exclude"
      : f.alternatives !== undefined
        ? "alternatives"
        : "values";

/** A value in the values cell: numbers bare, text that reads as a number in double quotes. */
const formatValue = (v: unknown): string =>
  typeof v === "string" &&
  !(NUMBER.test(v) || /[,"]/.test(v) || v === "true" || v === "false" || v.trim() !== v || v === "")
    ? v
    : JSON.stringify(v);

/** The values cell: a list of scalars as words, or JSON when a value is a list or an object. */
export const formatValues = (values: unknown[]): string =>
  values.some(
    (v) => (v !== null && typeof v === "object") || (typeof v === "string" && /[,"]/.test(v)),
  )
    ? JSON.stringify(values)
    : values.map(formatValue).join(", ");

export function factorRows(factors: unknown): FactorRow[] {
  return (Array.isArray(factors) ? factors : []).map((x) => {
    const f = asObj(x);
    const noise = asObj(f.noise);
    const row = emptyFactor(kindOf(f));
    row.name = String(f.name ?? "");
    if (row.kind === "weights") {
      row.levels = Array.isArray(noise.levels) ? noise.levels.join(", ") : "";
      row.factor = noise.factor === undefined ? "" : String(noise.factor);
      row.nrep = noise.nrep === undefined ? "" : String(noise.nrep);
    } else if (row.kind === "exclude") {
      row.exclude = Array.isArray(f.exclude) ? f.exclude.join(", ") : "";
    } else {
      row.step = String(f.step ?? "");
      if (row.kind === "values") {
        row.param = String(f.param ?? "");
        row.values = Array.isArray(f.values) ? formatValues(f.values) : "";
      } else row.alternatives = JSON.stringify(f.alternatives);
    }
    return row;
  });
}

/** Values typed as `3, 4, 5` or `a_amean, a_gmean`; a double-quoted value stays text. */
export function parseValues(text: string): Parsed<unknown[]> {
  if (text.trim().startsWith("[")) {
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? { value: v } : { error: "a JSON list is expected" };
    } catch (e) {
      return { error: `not valid JSON: ${(e as Error).message}` };
    }
  }
  const out: unknown[] = [];
  for (const part of text.split(",")) {
    const w = part.trim();
    if (w === "") continue;
    if (/^".*"$/.test(w)) {
      try {
        out.push(JSON.parse(w));
      } catch {
        return { error: `${w} is not a quoted value` };
      }
    } else if (NUMBER.test(w)) out.push(Number(w));
    else if (w === "true" || w === "false") out.push(w === "true");
    else out.push(w);
  }
  return { value: out };
}

function numberCell(text: string, what: string): Parsed<number | undefined> {
  const t = text.trim();
  if (t === "") return { value: undefined };
  return NUMBER.test(t) ? { value: Number(t) } : { error: `${what}: "${t}" is not a number` };
}

/** The factors list from the rows, or the first cell that cannot be read (row numbered from 1). */
export function factorsOf(rows: FactorRow[]): Parsed<Obj[]> {
  const out: Obj[] = [];
  for (const [k, r] of rows.entries()) {
    const at = `factor ${k + 1}`;
    const f: Obj = { name: r.name.trim() };
    if (r.kind === "weights") {
      const levels: number[] = [];
      for (const w of r.levels.split(/[\s,]+/).filter((x) => x !== "")) {
        if (!NUMBER.test(w)) return { error: `${at} levels: "${w}" is not a number` };
        levels.push(Number(w));
      }
      const factor = numberCell(r.factor, `${at} factor`);
      if (factor.error !== undefined) return { error: factor.error };
      const nrep = numberCell(r.nrep, `${at} replicates`);
      if (nrep.error !== undefined) return { error: nrep.error };
      f.noise = {
        levels,
        ...(factor.value === undefined ? {} : { factor: factor.value }),
        ...(nrep.value === undefined ? {} : { nrep: nrep.value }),
      };
    } else if (r.kind === "exclude") {
      f.exclude = r.exclude.split(/[\s,]+/).filter((x) => x !== "");
    } else {
      f.step = r.step;
      if (r.kind === "values") {
        f.param = r.param.trim();
        const v = parseValues(r.values);
        if (v.error !== undefined) return { error: `${at} values: ${v.error}` };
        f.values = v.value;
      } else {
        try {
          f.alternatives = r.alternatives.trim() === "" ? [] : JSON.parse(r.alternatives);
        } catch (e) {
          return { error: `${at} alternatives: not valid JSON: ${(e as Error).message}` };
        }
      }
    }
    out.push(f);
  }
  return { value: out };
}
