import { basename, extname } from "node:path";
import type { Column, SurveyFrame } from "../survey/frame.ts";
import { type ColumnTable, columnsFromTable, readColumns } from "./columns.ts";
import { isMissing, type Table } from "./table.ts";

/**
 * Reads respondent-level data: CSV, TSV or Parquet (a column is numeric when every present cell
 * is a number, else categorical; "NA" and empty cells are missing; see {@link readColumns}) or
 * SPSS .sav (value labels kept, so labelled variables become factors with their labels).
 */
export async function readSurveyFrame(path: string): Promise<SurveyFrame> {
  if (extname(path).toLowerCase() === ".sav") {
    const { readSav } = await import("./sav.ts");
    return readSav(path);
  }
  return frameFromColumns(await readColumns(path));
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
  return frameFromColumns(columnsFromTable(t));
}

/**
 * A survey frame from typed columns: numbers as they are, strings as factors (levels sorted,
 * missing spellings = −1). A repeated column name keeps its first place and its last data.
 */
export function frameFromColumns(t: ColumnTable): SurveyFrame {
  const columns = new Map<string, Column>();
  t.names.forEach((name, j) => {
    const data = t.columns[j]!;
    if (data instanceof Float64Array) {
      columns.set(name, { kind: "number", values: data });
      return;
    }
    const index = new Map<string, number>();
    for (const s of data) if (!index.has(s) && !isMissing(s)) index.set(s, 0);
    const levels = [...index.keys()].sort();
    for (let k = 0; k < levels.length; k++) index.set(levels[k]!, k);
    const codes = new Int32Array(t.n);
    for (let i = 0; i < t.n; i++) codes[i] = index.get(data[i]!) ?? -1;
    columns.set(name, { kind: "factor", levels, codes });
  });
  return { n: t.n, columns, file: basename(t.file) };
}
