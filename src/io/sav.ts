import { createRequire } from "node:module";
import { basename } from "node:path";
import { InputError } from "../core/errors.ts";
import type { Column, SurveyFrame } from "../survey/frame.ts";

interface SavVar {
  name: string;
  type: number;
  label?: string;
  missing: number | number[] | { min?: number; max?: number; value?: number } | null;
}
interface SavReader {
  open(): Promise<void>;
  readAllRows(): Promise<Record<string, number | string | null>[]>;
  meta: {
    sysvars: SavVar[];
    getValueLabels(name: string): { val: number | string; label: string }[] | null;
  };
}

const require = createRequire(import.meta.url);

/**
 * Reads an SPSS .sav file with sav-reader (CommonJS, loaded with createRequire). Numeric
 * variables keep their value labels (so they become labelled factors) and their variable
 * label; user-missing values become missing, as R's `haven::read_sav` (user_na = FALSE);
 * string variables become factors.
 *
 * @throws InputError when the file cannot be read as .sav
 */
export async function readSav(path: string): Promise<SurveyFrame> {
  const { SavFileReader } = require("sav-reader") as {
    SavFileReader: new (p: string) => SavReader;
  };
  const sav = new SavFileReader(path);
  let rows: Record<string, number | string | null>[];
  try {
    await sav.open();
    rows = await sav.readAllRows();
  } catch (e) {
    throw new InputError(`${path}: cannot read as an SPSS .sav file (${(e as Error).message})`);
  }
  const n = rows.length;
  const columns = new Map<string, Column>();
  for (const v of sav.meta.sysvars) {
    const labels = sav.meta.getValueLabels(v.name) ?? [];
    if (v.type === 0) {
      const isMissing = missingTest(v.missing);
      const values = Float64Array.from(rows, (r) => {
        const x = r[v.name];
        return typeof x === "number" && !isMissing(x) ? x : Number.NaN;
      });
      const map = new Map<number, string>();
      for (const l of labels)
        if (typeof l.val === "number" && !isMissing(l.val)) map.set(l.val, l.label.trim());
      columns.set(v.name, {
        kind: "number",
        values,
        labels: map.size ? map : undefined,
        label: v.label,
      });
    } else {
      const strs = rows.map((r) => {
        const x = r[v.name];
        return x === null || x === undefined || String(x).trim() === "" ? null : String(x).trim();
      });
      const levels = [...new Set(strs.filter((s): s is string => s !== null))].sort();
      const index = new Map(levels.map((l, i) => [l, i]));
      columns.set(v.name, {
        kind: "factor",
        levels,
        codes: Int32Array.from(strs, (s) => (s === null ? -1 : index.get(s)!)),
        label: v.label,
      });
    }
  }
  return { n, columns, file: basename(path) };
}

function missingTest(m: SavVar["missing"]): (x: number) => boolean {
  if (m === null || m === undefined) return () => false;
  if (typeof m === "number") return (x) => x === m;
  if (Array.isArray(m)) return (x) => m.includes(x);
  const lo = m.min ?? Number.NEGATIVE_INFINITY;
  const hi = m.max ?? Number.POSITIVE_INFINITY;
  const v = m.value;
  return (x) => (x >= lo && x <= hi) || x === v;
}
