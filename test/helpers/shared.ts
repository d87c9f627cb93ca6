import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCsv } from "../../src/io/table.ts";

/** ../shared/data relative to the project root (SOFTPOWER_SHARED_DATA overrides it, e.g. to check the skips). */
export const SHARED =
  process.env.SOFTPOWER_SHARED_DATA ??
  resolve(dirname(fileURLToPath(import.meta.url)), "../../../shared/data");

/** Whether ../shared/data is present; tests that need it skip with a visible message when not. */
export const hasShared = existsSync(SHARED);
if (!hasShared) {
  console.warn(
    `[softpower tests] ${SHARED} is absent: tests that need the shared real data are SKIPPED`,
  );
}

export const sharedPath = (...p: string[]) => join(SHARED, ...p);

/** A reference CSV as uCode/iCode-keyed rows of numbers (NA → NaN) and strings. */
export async function readReference(
  path: string,
): Promise<{ columns: string[]; rows: Map<string, string[]> }> {
  const t = parseCsv(await readFile(path, "utf8"), path);
  return { columns: t.columns, rows: new Map(t.rows.map((r) => [r[0]!, r])) };
}
