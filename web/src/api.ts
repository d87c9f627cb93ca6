/**
 * The dashboard's client for the read-only HTTP API (`softpower serve`). Every response is cached
 * by URL for the life of the page (runs never change once written).
 */

export type Cell = string | number | boolean | null;

/** A result table as the API serves it. */
export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** One row of a table, by column name. */
export type Row = Record<string, Cell>;

/** One study the server knows. */
export interface StudySummary {
  id: string;
  name: string;
  synthetic: boolean;
  runs: number;
  latest: string;
}

/** One line of a study's run list. */
export interface RunSummary {
  id: string;
  startedAt: string;
  finishedAt?: string;
  study?: string;
  version?: string;
  tables?: number;
  rows?: number;
  synthetic?: boolean;
  status?: string;
}

/** One run: config, inputs and their hashes, timings, version and table names. */
export interface RunInfo {
  id: string;
  startedAt: string;
  finishedAt: string;
  study: string;
  config: Record<string, unknown>;
  version: string;
  node?: string;
  timings: Record<string, number>;
  inputs: { role: string; path: string; sha256: string; rows: number | null }[];
  tables: string[];
  synthetic: boolean;
}

/** An HTTP error from the API, with the server's message. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const cache = new Map<string, Promise<unknown>>();

/**
 * The data folder of a static copy (`softpower export-site`), from the
 * `<meta name="softpower-static" content="data/">` tag the export puts in index.html; null when
 * the page is served by `softpower serve` or `softpower studio`.
 */
export const STATIC_DATA: string | null =
  typeof document === "undefined"
    ? null
    : (document.querySelector<HTMLMetaElement>('meta[name="softpower-static"]')?.content ?? null);

/** Whether the dashboard is a static, read-only copy (no API: the workbench is hidden). */
export const isStatic = () => STATIC_DATA !== null;

/**
 * The URL an API path is fetched from: itself, or in a static copy the JSON file that mirrors it
 * (`/api/studies/x/runs` -> `data/studies/x/runs.json`, relative to the page; the query, which a
 * static copy cannot answer, is applied by the caller).
 */
export function sourceUrl(path: string): string {
  if (STATIC_DATA === null) return path;
  const bare = path.split("?")[0]!.replace(/^\/api\//, "");
  return `${STATIC_DATA}${bare}.json`;
}

/** GET `path` as JSON (cached); rejects with an ApiError carrying the server's message. */
export function getJson<T>(path: string): Promise<T> {
  let p = cache.get(path);
  if (!p) {
    p = fetch(sourceUrl(path), { headers: { accept: "application/json" } }).then(async (res) => {
      if (!res.ok && STATIC_DATA !== null)
        throw new ApiError(
          res.status,
          `${path}: this static copy of the dashboard holds one run only (${res.status} ${res.statusText} on ${sourceUrl(path)})`,
        );
      if (!res.ok) {
        let message = `${res.status} ${res.statusText}`;
        try {
          const body = (await res.json()) as { error?: unknown; message?: unknown };
          const m = body.error ?? body.message;
          if (typeof m === "string") message = m;
          else if (m && typeof m === "object" && "message" in m) message = String(m.message);
        } catch {
          // not JSON: keep the status line
        }
        throw new ApiError(res.status, `${path}: ${message}`);
      }
      return res.json() as Promise<unknown>;
    });
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T>;
}

const enc = encodeURIComponent;

/** `?a=1&b=2` from the defined entries of `params` (empty string when none). */
export function query(params: Record<string, string | number | undefined> = {}): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join("&");
  return q ? `?${q}` : "";
}

/** Rows as objects keyed by column (accepts rows already keyed). */
export function rowsOf(t: Table): Row[] {
  return t.rows.map((r) =>
    Array.isArray(r) ? Object.fromEntries(t.columns.map((c, j) => [c, r[j] ?? null])) : (r as Row),
  );
}

/** A table whose rows are arrays (accepts rows keyed by column). */
function normalise(t: Table): Table {
  if (t.rows.every((r) => Array.isArray(r))) return t;
  return {
    columns: t.columns,
    rows: t.rows.map((r) => (Array.isArray(r) ? r : t.columns.map((c) => (r as Row)[c] ?? null))),
  };
}

/** The API, study by study and run by run. */
export const api = {
  studies: () => getJson<StudySummary[]>("/api/studies"),
  runs: (study: string) => getJson<RunSummary[]>(`/api/studies/${enc(study)}/runs`),
  run: (study: string, run: string) =>
    getJson<RunInfo>(`/api/studies/${enc(study)}/runs/${enc(run)}`),
  /** A whole result table, or its rows matching `filters` (column = value). */
  table: async (
    study: string,
    run: string,
    name: string,
    filters: Record<string, string | number | undefined> = {},
  ) => {
    const base = `/api/studies/${enc(study)}/runs/${enc(run)}/tables/${enc(name)}`;
    if (STATIC_DATA === null) return normalise(await getJson<Table>(`${base}${query(filters)}`));
    return filterRows(normalise(await getJson<Table>(base)), filters);
  },
};

/** The rows whose cells equal the filters' values (a static copy's stand-in for `?col=value`). */
function filterRows(t: Table, filters: Record<string, string | number | undefined>): Table {
  const tests = Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => [t.columns.indexOf(k), String(v)] as const);
  if (tests.length === 0) return t;
  return {
    columns: t.columns,
    rows: t.rows.filter((r) => tests.every(([j, v]) => j >= 0 && String(r[j]) === v)),
  };
}

/** The URL of a table as CSV (the API's `?format=csv`). */
export function csvUrl(study: string, run: string, name: string): string {
  return `/api/studies/${enc(study)}/runs/${enc(run)}/tables/${enc(name)}?format=csv`;
}
