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
