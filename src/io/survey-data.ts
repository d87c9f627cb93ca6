import { basename, extname } from "node:path";
import type { Column, SurveyFrame } from "../survey/frame.ts";
import { isMissing, parseCsv, parseNumber, readText, type Table } from "./table.ts";

/**
 * Reads respondent-level data: CSV (a column is numeric when every present cell is a number,
 * else categorical; "NA" and empty cells are missing) or SPSS .sav (value labels kept, so
 * labelled variables become factors with their labels).
 */
export async function readSurveyFrame(path: string): Promise<SurveyFrame> {
  if (extname(path).toLowerCase() === ".sav") {
    const { readSav } = await import("./sav.ts");
    return readSav(path);
  }
  const text = await readText(path);
  // Large files: skip per-record line tracking (rows are numbered by position).
  return frameFromTable(parseCsv(text, basename(path), { lineNumbers: text.length < 2_000_000 }));
}

/** A survey frame from a table of strings; see {@link readSurveyFrame}. */
export function frameFromTable(t: Table): SurveyFrame {
  const n = t.rows.length;
  const columns = new Map<string, Column>();
  t.columns.forEach((name, j) => {
    const values = new Float64Array(n);
    let numeric = true;
    for (let i = 0; i < n && numeric; i++) {
      const v = parseNumber(t.rows[i]![j] ?? "");
      if (v === undefined) numeric = false;
      else values[i] = v;
    }
    if (numeric) {
      columns.set(name, { kind: "number", values });
      return;
    }
    const levels = [...new Set(t.rows.map((r) => r[j] ?? "").filter((s) => !isMissing(s)))].sort();
    const index = new Map(levels.map((l, k) => [l, k]));
    const codes = Int32Array.from(t.rows, (r) => {
      const s = r[j] ?? "";
      return isMissing(s) ? -1 : index.get(s)!;
    });
    columns.set(name, { kind: "factor", levels, codes });
  });
  return { n, columns, file: basename(t.file) };
}
