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

/**
 * readSurveyFrame with a cache for slow formats (SPSS .sav parsing takes seconds): the parsed
 * frame is kept in `cacheDir` under the file's SHA-256 and the softpower version (v8 serialised:
 * typed arrays and maps as they are), so a rebuild on unchanged data reads it in milliseconds.
 * CSV is read directly. A damaged cache entry is ignored and rewritten.
 */
export async function readSurveyFrameCached(path: string, cacheDir: string): Promise<SurveyFrame> {
  if (extname(path).toLowerCase() !== ".sav") return readSurveyFrame(path);
  const { readFile, writeFile, mkdir, rename } = await import("node:fs/promises");
  const { serialize, deserialize } = await import("node:v8");
  const { join } = await import("node:path");
  const { sha256File } = await import("./write.ts");
  const { VERSION } = await import("../core/version.ts");
  const key = join(cacheDir, `frame-${await sha256File(path)}-${VERSION}.v8`);
  try {
    const f = deserialize(await readFile(key)) as SurveyFrame;
    if (f && typeof f.n === "number" && f.columns instanceof Map) return f;
  } catch {
    // no or damaged cache entry: parse the file
  }
  const frame = await readSurveyFrame(path);
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${key}.tmp-${process.pid}`;
  await writeFile(tmp, serialize(frame));
  await rename(tmp, key);
  return frame;
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
