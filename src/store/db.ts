/**
 * Opening the study database. One DuckDB file per study, `<study>/.softpower/study.duckdb`.
 *
 * DuckDB lets one process write a file, or several processes read it, never both: a second
 * process gets the InputError "study.duckdb is in use by another process (PID n)". Within one
 * process, store calls on the same file run one after another (DuckDB's file lock is per process,
 * so two handles in one process would not exclude each other).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { InputError } from "../core/errors.ts";

/** The store of a study folder: `DIR/.softpower/study.duckdb`. */
export const storePath = (studyDir: string) => join(studyDir, ".softpower", "study.duckdb");

/** The study folder of a store path (for messages), or the file's folder for another layout. */
export function studyDirOf(dbPath: string): string {
  const dir = dirname(dbPath);
  return basename(dir) === ".softpower" ? dirname(dir) : dir;
}

/** The InputError of a store that does not exist yet (or holds no runs). */
export const noRunsError = (dbPath: string) =>
  new InputError(`no runs yet: run softpower build ${studyDirOf(dbPath)}`);

/** DuckDB's bindings, loaded on first use (they add ~30 MB to a process that never opens a store). */
const loadDuckDB = () => import("@duckdb/node-api");

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call on the same file in this process has finished. */
function serialised<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return next;
}

/** Turns DuckDB's lock conflict into a clear InputError; other errors pass through. */
function lockError(dbPath: string, e: unknown): unknown {
  const msg = (e as Error)?.message ?? "";
  if (!/Could not set lock|Conflicting lock/i.test(msg)) return e;
  const pid = /PID (\d+)/.exec(msg)?.[1];
  return new InputError(
    `${dbPath}: ${basename(dbPath)} is in use by another process${pid ? ` (PID ${pid})` : ""}; wait for it to finish (a build, or a server reading the store) and try again`,
  );
}

/**
 * Opens the store, runs `fn` on a connection and closes it. `write` creates the folder and file
 * when missing; reading a missing file throws `noRunsError`.
 */
export async function withStore<T>(
  dbPath: string,
  mode: "read" | "write",
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const path = resolve(dbPath);
  return serialised(path, async () => {
    if (mode === "read" && !existsSync(path)) throw noRunsError(dbPath);
    if (mode === "write") await mkdir(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await (await loadDuckDB()).DuckDBInstance.create(
        path,
        mode === "read" ? { access_mode: "READ_ONLY" } : {},
      );
    } catch (e) {
      throw lockError(dbPath, e);
    }
    try {
      const conn = await instance.connect();
      try {
        return await fn(conn);
      } finally {
        conn.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  });
}

/** The store's schema version, kept in `meta`; bump it with a migration when the layout changes. */
export const SCHEMA_VERSION = "1";

/** DDL of the fixed tables (idempotent). Result tables `t_<name>` are created as runs need them. */
export const SCHEMA_SQL = [
  "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
  `INSERT INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING`,
  `CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY, started_at VARCHAR, finished_at VARCHAR, study VARCHAR,
    config VARCHAR, version VARCHAR, node VARCHAR, timings VARCHAR, synthetic BOOLEAN)`,
  `CREATE TABLE IF NOT EXISTS inputs (
    run_id VARCHAR, position INTEGER, role VARCHAR, path VARCHAR, sha256 VARCHAR, rows BIGINT)`,
  `CREATE TABLE IF NOT EXISTS run_tables (
    run_id VARCHAR, position INTEGER, name VARCHAR, columns VARCHAR, rows BIGINT,
    PRIMARY KEY (run_id, name))`,
];

/** Whether the store holds the `runs` table (a file created by a write that never committed does not). */
export async function hasRunsTable(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'runs'",
  );
  return Number(r.getRows()[0]?.[0] ?? 0) > 0;
}
