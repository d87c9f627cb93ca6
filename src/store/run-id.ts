import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { hasRunsTable, withStore } from "./db.ts";

/**
 * A run id: the start time in UTC to the second and 4 hex digits of the config's SHA-256,
 * e.g. "20261128T191502Z-3f2a". Ids sort in time order.
 *
 * @example makeRunId("2026-11-28T19:15:02.431Z", config) // "20261128T191502Z-…"
 */
export function makeRunId(startedAt: string | Date, config: unknown): string {
  const t = new Date(startedAt);
  if (Number.isNaN(t.getTime())) throw new Error(`makeRunId: invalid start time ${startedAt}`);
  const stamp = `${t.toISOString().slice(0, 19).replaceAll("-", "").replaceAll(":", "")}Z`;
  const hash = createHash("sha256")
    .update(JSON.stringify(config ?? null))
    .digest("hex")
    .slice(0, 4);
  return `${stamp}-${hash}`;
}

/**
 * `makeRunId`, made unique in the store at `dbPath` by a "-2", "-3"… suffix when a run with the
 * same config started in the same second (the suffixed ids still sort after the plain one).
 */
export async function newRunId(
  dbPath: string,
  startedAt: string | Date,
  config: unknown,
): Promise<string> {
  const base = makeRunId(startedAt, config);
  if (!existsSync(dbPath)) return base;
  const taken = await withStore(dbPath, "read", async (conn) => {
    if (!(await hasRunsTable(conn))) return new Set<string>();
    const r = await conn.runAndReadAll("SELECT id FROM runs WHERE starts_with(id, $1)", [base]);
    return new Set(r.getRows().map((row) => String(row[0])));
  });
  if (!taken.has(base)) return base;
  for (let k = 2; ; k++) if (!taken.has(`${base}-${k}`)) return `${base}-${k}`;
}
