import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { mentionsSource, sqlString } from "../io/duck.ts";

/**
 * A table-valued SQL expression over mentions: a file (CSV or Parquet, {@link mentionsSource}),
 * or a fleet's output folder, read by DuckDB as the glob `DIR/part-*.parquet` (streamed by
 * DuckDB, never loaded into node as a whole; the parts share one schema).
 *
 * @throws InputError when the folder holds no part.
 */
export function mentionsOrParts(path: string): string {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    // a missing file: DuckDB's own message names it
  }
  if (!dir) return mentionsSource(path);
  if (!readdirSync(path).some((f) => /^part-.*\.parquet$/.test(f)))
    throw new InputError(
      `${path}: a folder without part-*.parquet files (from media score --queue)`,
    );
  return `read_parquet(${sqlString(join(path, "part-*.parquet"))})`;
}

/**
 * Checks that the mentions at `path` (file or a fleet's output folder) have the given columns,
 * reading only headers and Parquet footers (every part of a folder is checked).
 *
 * @throws InputError naming the file and its missing columns, or a path that does not exist.
 */
export async function checkMentionColumns(path: string, needed: string[]): Promise<void> {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    throw new InputError(`${path}: no such mentions file or folder`);
  }
  const { duckQuery } = await import("../io/duck.ts");
  const files = new Map<string, Set<string>>();
  if (dir) {
    mentionsOrParts(path); // a folder without parts: its own error
    const rows = await duckQuery([
      `SELECT file_name AS f, name AS c FROM parquet_schema(${sqlString(join(path, "part-*.parquet"))})`,
    ]);
    for (const r of rows) {
      const f = String(r.f);
      if (!files.has(f)) files.set(f, new Set());
      files.get(f)!.add(String(r.c));
    }
  } else {
    const src = /\.parquet$/i.test(path)
      ? `read_parquet(${sqlString(path)})`
      : `read_csv(${sqlString(path)}, header = true)`;
    let rows: Record<string, unknown>[];
    try {
      rows = await duckQuery([`DESCRIBE SELECT * FROM ${src}`]);
    } catch (e) {
      throw new InputError(
        `${path}: not a readable mentions file (${(e as Error).message.split("\n")[0]})`,
      );
    }
    files.set(path, new Set(rows.map((r) => String(r.column_name))));
  }
  for (const [f, cols] of files) {
    const missing = needed.filter((c) => !cols.has(c));
    if (missing.length)
      throw new InputError(
        `${f}: mentions without the column(s) ${missing.join(", ")} (media score writes ${needed.join(", ")})`,
      );
  }
}
