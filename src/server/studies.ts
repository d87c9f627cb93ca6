/**
 * The studies a server shows, and cached, read-only access to their stores. Run tables and run
 * records never change once written, so they are cached (in a byte-bounded LRU) by run id; the
 * run list is re-read only when the store file's size or modification time changes, which keeps
 * `latest` and `previous` cheap to resolve on every request. The DuckDB store is opened only
 * to read what is not cached, and closed straight after (a server holding it open would block
 * `softpower build`).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError } from "../core/errors.ts";
import { storePath, withStore } from "../store/db.ts";
import { listRuns, readRun, readTableIn } from "../store/read.ts";
import type { RunInfo, RunSummary, StoredColumn, TableData } from "../store/types.ts";
import { ApiError, badRequest, notFound } from "./errors.ts";
import type { LruCache } from "./lru.ts";
import { ID, quote } from "./params.ts";

/** A study as the server is given it: its id in URLs and its folder. */
export interface StudySource {
  id: string;
  dir: string;
}

/** One table of a run as listed by `run_tables`: name, row count, column names. */
export interface RunTableMeta {
  name: string;
  rows: number;
  columns: string[];
}

/** A run's record (as `readRun` gives it) and its tables' row counts and columns. */
export interface RunMeta {
  info: RunInfo;
  tables: RunTableMeta[];
}

const num = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));
const isBusy = (e: unknown) =>
  e instanceof InputError && /is in use by another process/.test(e.message);
const isNoRuns = (e: unknown) => e instanceof InputError && /^no runs yet/.test(e.message);

/** A 503 for a store another process is writing. */
const busy = (id: string) =>
  new ApiError(
    503,
    `the store of study ${id} is being written by another process (a build); try again in a moment`,
    { "Retry-After": "1" },
  );

/** Rough bytes a table takes in memory, for the cache bound. */
export function tableBytes(t: TableData): number {
  let b = 64;
  for (const c of t.columns) b += 2 * c.length + 16;
  for (const r of t.rows) {
    b += 16 + 8 * r.length;
    for (const v of r) if (typeof v === "string") b += 2 * v.length + 16;
  }
  return b;
}

/** Size and modification time of the store file and its WAL: changes whenever a run is written. */
async function signature(dbPath: string): Promise<string> {
  const part = (p: string) =>
    stat(p).then(
      (s) => `${s.size}:${s.mtimeMs}`,
      () => "-",
    );
  const [db, wal] = await Promise.all([part(dbPath), part(`${dbPath}.wal`)]);
  return `${db}|${wal}`;
}

/** One study's store, read through the shared caches. */
export class Study {
  readonly id: string;
  readonly dir: string;
  readonly dbPath: string;
  #runs: { sig: string; runs: RunSummary[] } | undefined;
  #loading: { sig: string; promise: Promise<RunSummary[]> } | undefined;
  #retryAt = 0;
  #yamlName: Promise<string | undefined> | undefined;
  readonly #pending = new Map<string, Promise<unknown>>();

  constructor(
    source: StudySource,
    private readonly cache: LruCache<unknown>,
  ) {
    this.id = source.id;
    this.dir = resolve(source.dir);
    this.dbPath = storePath(this.dir);
  }

  /**
   * Every run, newest first (`listRuns`), or [] when the study has none. Re-read only when the
   * store file changed; while another process writes it, the last list read is returned (a 503
   * when there is none).
   */
  async runs(): Promise<RunSummary[]> {
    const sig = await signature(this.dbPath);
    if (this.#runs?.sig === sig) return this.#runs.runs;
    if (sig.startsWith("-|")) {
      this.#runs = { sig, runs: [] };
      return [];
    }
    if (this.#loading?.sig === sig) return this.#loading.promise;
    if (this.#runs && Date.now() < this.#retryAt) return this.#runs.runs;
    const promise = listRuns(this.dbPath)
      .catch((e: unknown) => {
        if (isNoRuns(e)) return [];
        throw e;
      })
      .then(
        (runs) => {
          this.#runs = { sig, runs };
          return runs;
        },
        (e: unknown) => {
          if (!isBusy(e)) throw e;
          this.#retryAt = Date.now() + 1000;
          if (this.#runs) return this.#runs.runs;
          throw busy(this.id);
        },
      )
      .finally(() => {
        if (this.#loading?.promise === promise) this.#loading = undefined;
      });
    this.#loading = { sig, promise };
    return promise;
  }

  /** The study's name: the latest run's, else `name` in study.yaml, else the id. */
  async name(runs: RunSummary[]): Promise<string> {
    if (runs[0]) return runs[0].study;
    this.#yamlName ??= readFile(join(this.dir, "study.yaml"), "utf8").then(
      (text) => {
        try {
          const doc = parseYaml(text) as { name?: unknown } | null;
          return typeof doc?.name === "string" ? doc.name : undefined;
        } catch {
          return undefined;
        }
      },
      () => undefined,
    );
    return (await this.#yamlName) ?? this.id;
  }

  /**
   * The run id `ref` names among `runs`: an exact id, "latest", "previous" or a unique prefix.
   * 404 for an unknown run or a study without runs; 400 for an ambiguous prefix.
   */
  resolve(ref: string, runs: RunSummary[]): string {
    const ids = runs.map((r) => r.id);
    const listed = () =>
      `${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ` … (${ids.length - 10} more)` : ""}`;
    if (ids.length === 0)
      throw notFound(`study ${this.id} has no runs yet: run softpower build ${this.dir}`);
    if (ref === "latest") return ids[0]!;
    if (ref === "previous") {
      if (!ids[1])
        throw notFound(
          `study ${this.id} has no previous run: it holds one run (${ids[0]}); use "latest"`,
        );
      return ids[1];
    }
    if (ids.includes(ref)) return ref;
    const matches = ids.filter((id) => id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1)
      throw badRequest(
        `run ${quote(ref)} is ambiguous in study ${this.id}: it starts ${matches.length} runs (${matches.slice(0, 10).join(", ")}); give more of the id`,
      );
    throw notFound(
      `study ${this.id} has no run ${quote(ref)}; its runs, newest first: ${listed()} (or "latest", "previous")`,
    );
  }

  /** Runs `load` once for `key` at a time (concurrent callers share the promise), caching its value. */
  async #cached<T>(key: string, load: () => Promise<T>, bytes: (v: T) => number): Promise<T> {
    const hit = this.cache.get(key) as T | undefined;
    if (hit !== undefined) return hit;
    const pending = this.#pending.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const promise = load()
      .then((v) => {
        this.cache.set(key, v, bytes(v));
        return v;
      })
      .catch((e: unknown) => {
        throw isBusy(e) ? busy(this.id) : e;
      })
      .finally(() => this.#pending.delete(key));
    this.#pending.set(key, promise);
    return promise;
  }

  /** Run `runId`'s record and the row counts and columns of its tables (cached). */
  meta(runId: string): Promise<RunMeta> {
    return this.#cached(
      `meta\0${this.dbPath}\0${runId}`,
      async () => {
        const info = await readRun(this.dbPath, runId);
        const tables = await withStore(this.dbPath, "read", async (conn) =>
          (
            await conn.runAndReadAll(
              "SELECT name, rows, columns FROM run_tables WHERE run_id = $1 ORDER BY position",
              [runId],
            )
          )
            .getRows()
            .map(([name, rows, columns]) => ({
              name: String(name),
              rows: num(rows),
              columns: (JSON.parse(String(columns)) as StoredColumn[]).map((c) => c.name),
            })),
        );
        return { info, tables };
      },
      (m) => 2 * JSON.stringify(m).length,
    );
  }

  /**
   * Tables `names` of run `runId`, exactly as `readRunTable` returns them (cached; the ones not
   * cached are read in one opening of the store). Callers check the names exist first.
   */
  async tables(runId: string, names: string[]): Promise<TableData[]> {
    const key = (name: string) => `table\0${this.dbPath}\0${runId}\0${name}`;
    const missing = names.filter(
      (n) => this.cache.get(key(n)) === undefined && !this.#pending.has(key(n)),
    );
    const batch =
      missing.length === 0
        ? undefined
        : withStore(this.dbPath, "read", async (conn) => {
            const out = new Map<string, TableData>();
            for (const n of missing) out.set(n, await readTableIn(conn, runId, n));
            return out;
          });
    // Keep a failed batch from surfacing as an unhandled rejection when no name awaits it.
    void batch?.catch(() => undefined);
    return Promise.all(
      names.map((n) =>
        this.#cached(
          key(n),
          async () => {
            if (!batch) throw new Error(`table ${n} vanished from the cache while loading`);
            return (await batch).get(n)!;
          },
          tableBytes,
        ),
      ),
    );
  }
}

/** A folder name as a study id (characters outside [A-Za-z0-9._-] become "-"). */
function idOf(name: string): string {
  const id = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "");
  return id.slice(0, 128) || "study";
}

/**
 * The studies in `dir`: `dir` itself when it holds a study.yaml, else every folder inside it
 * that does (sorted by name, hidden folders skipped). Ids are the folder names (characters other
 * than letters, digits, ".", "_" and "-" replaced by "-", made unique).
 *
 * @throws InputError when `dir` is not a folder or holds no study.
 */
export function discoverStudies(dir: string): StudySource[] {
  const root = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new InputError(`${dir}: no such folder`);
  if (existsSync(join(root, "study.yaml"))) return [{ id: idOf(basename(root)), dir: root }];
  const found: StudySource[] = [];
  const used = new Set<string>();
  for (const e of readdirSync(root, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (e.name.startsWith(".") || !e.isDirectory()) continue;
    if (!existsSync(join(root, e.name, "study.yaml"))) continue;
    let id = idOf(e.name);
    for (let k = 2; used.has(id); k++) id = `${idOf(e.name)}-${k}`;
    used.add(id);
    found.push({ id, dir: join(root, e.name) });
  }
  if (found.length === 0)
    throw new InputError(
      `${dir}: no study here (no study.yaml in it nor in any folder inside it); create one with softpower init DIR`,
    );
  return found;
}

/** Checks a list of studies given to `createApp`: ids valid and unique. */
export function checkSources(studies: StudySource[]): void {
  const seen = new Set<string>();
  for (const s of studies) {
    if (!ID.test(s.id))
      throw new InputError(
        `createApp: study id ${quote(s.id)} is not valid (letters, digits, ".", "_", "-")`,
      );
    if (seen.has(s.id)) throw new InputError(`createApp: study id ${quote(s.id)} is given twice`);
    seen.add(s.id);
  }
}
