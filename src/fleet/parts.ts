import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { mentionsSource, sqlString } from "../io/duck.ts";

/**
 * The part files of a fleet's output folder: those `manifest.json` lists as done when the
 * coordinator has written it (so parts of an earlier run on other shards are never counted),
 * else every `part-*.parquet` (a run still in progress).
 *
 * @throws InputError when the folder holds no part, the manifest is unreadable, or a part it
 * lists is missing.
 */
export function partFiles(dir: string): string[] {
  const manifest = join(dir, "manifest.json");
  if (existsSync(manifest)) {
    let shards: { status?: string; part?: string }[];
    try {
      shards = JSON.parse(readFileSync(manifest, "utf8")).shards;
      if (!Array.isArray(shards)) throw new Error("no shards list");
    } catch (e) {
      throw new InputError(`${manifest}: not a fleet manifest (${(e as Error).message})`);
    }
    const parts = shards.filter((s) => s.status === "done" && s.part).map((s) => s.part!);
    const missing = parts.filter((p) => !existsSync(join(dir, p)));
    if (missing.length)
      throw new InputError(
        `${dir}: ${missing.length} part(s) listed in manifest.json are missing (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", ..." : ""}); run the coordinator again to redo them`,
      );
    if (parts.length) return parts.map((p) => join(dir, p)).sort();
  }
  const parts = readdirSync(dir)
    .filter((f) => PART_FILE.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (!parts.length)
    throw new InputError(
      `${dir}: a folder without part-*.parquet files (from media score --queue)`,
    );
  return parts;
}

/** A part's file name: `part-<shard id>.parquet`. */
export const PART_FILE = /^part-[^/]*\.parquet$/;

/**
 * A table-valued SQL expression over mentions: a file (CSV or Parquet, {@link mentionsSource}),
 * or a fleet's output folder, read by DuckDB as the list of its parts ({@link partFiles};
 * streamed by DuckDB, never loaded into node as a whole; the parts share one schema).
 *
 * @throws InputError when the folder holds no part.
 */
export function mentionsOrParts(path: string): string {
  if (!isDir(path)) return mentionsSource(path);
  return `read_parquet([${partFiles(path).map(sqlString).join(", ")}])`;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a missing file: DuckDB's own message names it
  }
}

/**
 * Checks that the mentions at `path` (file or a fleet's output folder) have the given columns,
 * reading only headers and Parquet footers (every part of a folder is checked).
 *
 * @throws InputError naming the file and its missing columns, or a path that does not exist.
 */
export async function checkMentionColumns(path: string, needed: string[]): Promise<void> {
  if (!existsSync(path)) throw new InputError(`${path}: no such mentions file or folder`);
  const dir = isDir(path);
  const { duckQuery } = await import("../io/duck.ts");
  const files = new Map<string, Set<string>>();
  if (dir) {
    const parts = partFiles(path);
    const rows = await duckQuery([
      `SELECT file_name AS f, name AS c FROM parquet_schema([${parts.map(sqlString).join(", ")}])`,
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
