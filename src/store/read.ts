import type { DuckDBConnection } from "@duckdb/node-api";
import { InputError } from "../core/errors.ts";
import { sqlIdent } from "../io/duck.ts";
import { asPhysical, type PhysicalType } from "./columns.ts";
import { hasRunsTable, noRunsError, withStore } from "./db.ts";
import type { Cell, RunInfo, RunSummary, StoredColumn, TableData } from "./types.ts";

/** A run as the user names it: a full id, a unique prefix of one, "latest" or "previous". */
export type RunRef = string;

/** Run ids, newest first (by start time, then id). */
async function runIds(conn: DuckDBConnection, dbPath: string): Promise<string[]> {
  if (!(await hasRunsTable(conn))) throw noRunsError(dbPath);
  const r = await conn.runAndReadAll("SELECT id FROM runs ORDER BY started_at DESC, id DESC");
  const ids = r.getRows().map((row) => String(row[0]));
  if (ids.length === 0) throw noRunsError(dbPath);
  return ids;
}

function listed(ids: string[]): string {
  const shown = ids.slice(0, 10).join(", ");
  return ids.length > 10 ? `${shown} … (${ids.length - 10} more)` : shown;
}

/**
 * The id of the run `ref` names: an exact id, "latest", "previous" (the one before the latest)
 * or a prefix that matches one id only.
 *
 * @throws InputError for an unknown id (listing the runs there are), an ambiguous prefix
 *   (listing its matches) or a store without runs.
 */
export async function resolveRunRef(
  conn: DuckDBConnection,
  dbPath: string,
  ref: RunRef,
): Promise<string> {
  const ids = await runIds(conn, dbPath);
  if (ref === "latest") return ids[0]!;
  if (ref === "previous") {
    if (ids.length < 2)
      throw new InputError(`there is no previous run: the store holds one run (${ids[0]})`);
    return ids[1]!;
  }
  if (ids.includes(ref)) return ref;
  const matches = ref === "" ? [] : ids.filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new InputError(
      `run "${ref}" is ambiguous: it starts ${matches.length} runs (${listed(matches)}); give more of the id`,
    );
  throw new InputError(
    `unknown run "${ref}"; runs in the store, newest first: ${listed(ids)} (or "latest", "previous")`,
  );
}

/** The run id `ref` names in the store at `dbPath` (see `resolveRunRef`). */
export function resolveRun(dbPath: string, ref: RunRef): Promise<string> {
  return withStore(dbPath, "read", (conn) => resolveRunRef(conn, dbPath, ref));
}

const num = (v: unknown): number => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));

/** Rows per run actually present in `t_<name>`, or null when the table does not exist. */
async function rowCounts(conn: DuckDBConnection, name: string): Promise<Map<string, number>> {
  const exists = await conn.runAndReadAll(
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1",
    [`t_${name}`],
  );
  const counts = new Map<string, number>();
  if (num(exists.getRows()[0]?.[0]) === 0) return counts;
  const r = await conn.runAndReadAll(
    `SELECT run_id, count(*) FROM ${sqlIdent(`t_${name}`)} GROUP BY run_id`,
  );
  for (const [id, n] of r.getRows()) counts.set(String(id), num(n));
  return counts;
}

/**
 * Every run in the store, newest first, with its number of tables and rows and whether each
 * table holds exactly its recorded rows ("complete").
 *
 * @throws InputError "no runs yet: run softpower build DIR" when the store does not exist.
 */
export function listRuns(dbPath: string): Promise<RunSummary[]> {
  return withStore(dbPath, "read", async (conn) => {
    if (!(await hasRunsTable(conn))) throw noRunsError(dbPath);
    const runs = (
      await conn.runAndReadAll(
        "SELECT id, started_at, finished_at, study, version, node, synthetic FROM runs ORDER BY started_at DESC, id DESC",
      )
    ).getRows();
    const recorded = (
      await conn.runAndReadAll("SELECT run_id, name, rows FROM run_tables")
    ).getRows();
    const counts = new Map<string, Map<string, number>>();
    for (const name of new Set(recorded.map((r) => String(r[1]))))
      counts.set(name, await rowCounts(conn, name));
    const perRun = new Map<string, { tables: number; rows: number; complete: boolean }>();
    for (const [id, name, rows] of recorded) {
      const s = perRun.get(String(id)) ?? { tables: 0, rows: 0, complete: true };
      s.tables++;
      s.rows += num(rows);
      if ((counts.get(String(name))?.get(String(id)) ?? 0) !== num(rows)) s.complete = false;
      perRun.set(String(id), s);
    }
    return runs.map(([id, startedAt, finishedAt, study, version, node, synthetic]) => {
      const s = perRun.get(String(id)) ?? { tables: 0, rows: 0, complete: true };
      return {
        id: String(id),
        startedAt: String(startedAt),
        finishedAt: String(finishedAt),
        study: String(study),
        version: String(version),
        node: String(node),
        tables: s.tables,
        rows: s.rows,
        synthetic: Boolean(synthetic),
        status: s.complete ? "complete" : "incomplete",
      } satisfies RunSummary;
    });
  });
}

/**
 * One run's record without its table data (`tables` lists the table names in written order).
 *
 * @throws InputError for an unknown or ambiguous run, or a store without runs.
 */
export function readRun(dbPath: string, ref: RunRef): Promise<RunInfo> {
  return withStore(dbPath, "read", async (conn) => {
    const id = await resolveRunRef(conn, dbPath, ref);
    const [row] = (
      await conn.runAndReadAll(
        "SELECT started_at, finished_at, study, config, version, node, timings, synthetic FROM runs WHERE id = $1",
        [id],
      )
    ).getRows();
    const [startedAt, finishedAt, study, config, version, node, timings, synthetic] = row!;
    const inputs = (
      await conn.runAndReadAll(
        "SELECT role, path, sha256, rows FROM inputs WHERE run_id = $1 ORDER BY position",
        [id],
      )
    )
      .getRows()
      .map(([role, path, sha256, rows]) => ({
        role: String(role),
        path: String(path),
        sha256: String(sha256),
        rows: rows === null ? null : num(rows),
      }));
    const tables = (
      await conn.runAndReadAll("SELECT name FROM run_tables WHERE run_id = $1 ORDER BY position", [
        id,
      ])
    )
      .getRows()
      .map((r) => String(r[0]));
    return {
      id,
      startedAt: String(startedAt),
      finishedAt: String(finishedAt),
      study: String(study),
      config: JSON.parse(String(config)) as unknown,
      version: String(version),
      node: String(node),
      timings: JSON.parse(String(timings)) as Record<string, number>,
      inputs,
      tables,
      synthetic: Boolean(synthetic),
    };
  });
}

/** The SQL expression reading column `c` (stored as `type`) back as the kind it was written with. */
function readExpr(c: StoredColumn, type: PhysicalType): string {
  const col = sqlIdent(c.name);
  if (c.kind === "JSON" || c.kind === type) return col;
  return `CAST(${col} AS ${c.kind})`;
}

/** A DuckDB value as a cell of the kind it was written with. */
function toCell(v: unknown, c: StoredColumn): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (c.kind === "JSON") return JSON.parse(String(v)) as Cell;
  return v as Cell;
}

/** A table of a run inside an open store (see `readRunTable`). */
export async function readTableIn(
  conn: DuckDBConnection,
  runId: string,
  table: string,
): Promise<TableData> {
  const rec = (
    await conn.runAndReadAll("SELECT columns FROM run_tables WHERE run_id = $1 AND name = $2", [
      runId,
      table,
    ])
  ).getRows()[0];
  if (!rec) {
    const names = (
      await conn.runAndReadAll("SELECT name FROM run_tables WHERE run_id = $1 ORDER BY position", [
        runId,
      ])
    )
      .getRows()
      .map((r) => String(r[0]));
    throw new InputError(
      `run ${runId} has no table "${table}"; its tables: ${names.join(", ") || "(none)"}`,
    );
  }
  const columns = JSON.parse(String(rec[0])) as StoredColumn[];
  const types = new Map(
    (
      await conn.runAndReadAll(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $1",
        [`t_${table}`],
      )
    )
      .getRows()
      .map(([n, t]) => [String(n).toLowerCase(), asPhysical(String(t))]),
  );
  const read = columns.filter((c) => c.kind !== "NULL");
  const names = columns.map((c) => c.name);
  const select = read.map((c) => readExpr(c, types.get(c.name.toLowerCase()) ?? "VARCHAR"));
  const result = await conn.runAndReadAll(
    `SELECT row_no${select.map((s) => `, ${s}`).join("")} FROM ${sqlIdent(`t_${table}`)} WHERE run_id = $1 ORDER BY row_no`,
    [runId],
  );
  const at = new Map(read.map((c, k) => [c.name, k + 1]));
  const rows = result.getRows().map((r) =>
    columns.map((c) => {
      const k = at.get(c.name);
      return k === undefined ? null : toCell(r[k], c);
    }),
  );
  return { columns: names, rows };
}

/**
 * One result table of a run, with exactly the columns, column order, rows and values that were
 * written (numbers as numbers, missing values as null; NaN was stored as null).
 *
 * @throws InputError for an unknown run or table (listing what there is).
 * @example const scores = await readRunTable(storePath("."), "latest", "index_scores")
 */
export function readRunTable(dbPath: string, ref: RunRef, table: string): Promise<TableData> {
  return withStore(dbPath, "read", async (conn) =>
    readTableIn(conn, await resolveRunRef(conn, dbPath, ref), table),
  );
}
