import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { type Column, getColumn, type SurveyFrame } from "./frame.ts";

/**
 * recode.json: new numeric variables derived from existing ones. Each entry names its source
 * (`from`) and how values map to numbers: `map` (labels or codes → number, or null for
 * missing; labels are matched ignoring case, surrounding spaces and the kind of apostrophe),
 * `numeric` (parse the text as a number where `map` does not say), and `valid` ([low, high]:
 * numeric codes outside become missing, e.g. Afrobarometer's 8/9/98/99).
 */
export const RecodeSchema = z.record(
  z.string().min(1),
  z
    .object({
      from: z.string().min(1),
      map: z.record(z.string(), z.number().nullable()).optional(),
      numeric: z.boolean().optional(),
      valid: z.tuple([z.number(), z.number()]).optional(),
    })
    .strict(),
);

export type RecodeSpec = z.infer<typeof RecodeSchema>;

const norm = (s: string) =>
  s
    .normalize("NFKC")
    .replace(/[’‘`´]/g, "'")
    .trim()
    .toLowerCase();

/**
 * Adds (or replaces) numeric columns as the spec says. Values no rule covers become missing and
 * are counted per variable in the report, so nothing is dropped silently.
 */
export function applyRecode(
  frame: SurveyFrame,
  spec: RecodeSpec,
): { frame: SurveyFrame; unmapped: Record<string, number> } {
  const columns = new Map(frame.columns);
  const unmapped: Record<string, number> = {};
  for (const [name, rule] of Object.entries(spec)) {
    const src = getColumn(frame, rule.from);
    const map = new Map(Object.entries(rule.map ?? {}).map(([k, v]) => [norm(k), v]));
    const out = new Float64Array(frame.n);
    let miss = 0;
    const convert = (text: string | null, code: number | null): number => {
      if (text !== null && map.has(norm(text))) return map.get(norm(text)) ?? Number.NaN;
      if (code !== null && map.has(String(code))) return map.get(String(code)) ?? Number.NaN;
      if (code !== null && (rule.numeric || (!rule.map && src.kind === "number"))) return code;
      if (text !== null && rule.numeric) {
        const v = Number(text);
        if (text.trim() !== "" && Number.isFinite(v)) return v;
      }
      return Number.NaN;
    };
    for (let i = 0; i < frame.n; i++) {
      let v: number;
      if (src.kind === "number") {
        const code = src.values[i]!;
        if (Number.isNaN(code)) {
          out[i] = Number.NaN;
          continue;
        }
        v = convert(src.labels?.get(code) ?? null, code);
      } else {
        const c = src.codes[i]!;
        if (c < 0) {
          out[i] = Number.NaN;
          continue;
        }
        v = convert(src.levels[c]!, null);
      }
      if (rule.valid && !(v >= rule.valid[0] && v <= rule.valid[1])) v = Number.NaN;
      if (Number.isNaN(v)) miss++;
      out[i] = v;
    }
    if (miss === frame.n) {
      throw new InputError(
        `recode ${name}: no value of ${rule.from} was mapped to a number; check "map" against the variable's labels`,
      );
    }
    unmapped[name] = miss;
    const col: Column = {
      kind: "number",
      values: out,
      label: `${name} (recoded from ${rule.from})`,
    };
    columns.set(name, col);
  }
  return { frame: { ...frame, columns }, unmapped };
}
