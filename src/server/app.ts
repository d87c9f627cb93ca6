/**
 * The read-only HTTP API over the results store, and the dashboard's static files.
 *
 * Endpoints (GET and HEAD; JSON unless `?format=csv`):
 *
 *   /api/studies                                   [{ id, name, synthetic, runs, latest }]
 *   /api/runs?study=ID                             the run list (study optional when only one)
 *   /api/studies/:study/runs                       the run list, newest first
 *   /api/studies/:study/runs/:run                  run info: config, inputs, timings, tables
 *   /api/studies/:study/runs/:run/tables           { columns: [name, rows, columns], rows }
 *   /api/studies/:study/runs/:run/tables/:table    { columns, rows } with filters, limit, offset
 *   /api/studies/:study/runs/:run/index            { scores, aggregates, framework }
 *   /api/studies/:study/runs/:run/stages/:stage    index_stage_<stage>
 *   /api/studies/:study/runs/:run/sensitivity      index_sensitivity, else index_uncertainty
 *   /api/studies/:study/runs/:run/survey/ratings | survey/head-to-head
 *   /api/studies/:study/runs/:run/survey/crosstab  { tests, cells } (survey_crosstab_tests, survey_crosstab)
 *   /api/studies/:study/runs/:run/drivers          { importance, diff, ranks, fit }
 *   /api/studies/:study/runs/:run/media/tone | media/frames | media/bias | media/evidence
 *   /api/studies/:study/runs/:run/findings
 *
 * `:run` is a run id, a unique prefix of one, `latest` or `previous`. See README "Serve".
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { RunSummary } from "../store/types.ts";
import { ApiError, badRequest, notFound } from "./errors.ts";
import { etagOf, matchesEtag } from "./etag.ts";
import { hostOriginGuard, LOOPBACK_HOSTS } from "./guard.ts";
import { CACHE, setSecurityHeaders } from "./headers.ts";
import { LruCache } from "./lru.ts";
import {
  checkId,
  checkOneOf,
  checkTable,
  type Format,
  format,
  onlyParams,
  type Query,
  quote,
  single,
} from "./params.ts";
import { serveStatic } from "./static.ts";
import { checkSources, type RunMeta, Study, type StudySource } from "./studies.ts";
import { parseTableQuery, selectRows, tableCsv } from "./tables.ts";

export type { StudySource } from "./studies.ts";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The studies served: id (in URLs; letters, digits, `.`, `_`, `-`) and folder. */
  studies: StudySource[];
  /** The dashboard's build folder (`dist/web`); without it `/` says how to build it. */
  webRoot?: string;
  /** Memory for cached run tables and responses, in bytes (default 64 MiB: half each). */
  cacheBytes?: number;
  /** Where internal errors are logged (default `console.error`). */
  log?: (message: string) => void;
  /**
   * Host names the server answers to (the Host header, and Origin when sent; see guard.ts).
   * Default: the loopback names. `softpower serve --host` adds the bound address.
   */
  allowedHosts?: readonly string[];
  /**
   * Studio mode (`softpower studio`): registers the write routes under `/api/studio/` (which
   * then escape the read-only method and body checks), and `sources()` re-lists the studies so
   * that studies created from the browser are served too. Without it the server is read-only.
   */
  studio?: { register: (app: Hono) => void; sources: () => StudySource[] };
}

/** Request limits: longer URLs get 414, more query parameters 400, larger bodies 413. */
export const LIMITS = { urlLength: 4096, queryParams: 64, bodyBytes: 1024 } as const;

/** The index pipeline's stages, as in `index_stage_<stage>`. */
export const STAGES = [
  "raw",
  "denominated",
  "imputed",
  "screened",
  "treated",
  "normalised",
  "aggregated",
] as const;

/** The API's endpoints, for the 404 of an unknown one. */
const ENDPOINTS = [
  "/api/studies",
  "/api/runs?study=ID",
  "/api/studies/:study/runs",
  "/api/studies/:study/runs/:run",
  "/api/studies/:study/runs/:run/tables",
  "/api/studies/:study/runs/:run/tables/:table",
  "/api/studies/:study/runs/:run/index",
  "/api/studies/:study/runs/:run/stages/:stage",
  "/api/studies/:study/runs/:run/sensitivity",
  "/api/studies/:study/runs/:run/survey/ratings",
  "/api/studies/:study/runs/:run/survey/head-to-head",
  "/api/studies/:study/runs/:run/survey/crosstab",
  "/api/studies/:study/runs/:run/drivers",
  "/api/studies/:study/runs/:run/media/tone",
  "/api/studies/:study/runs/:run/media/frames",
  "/api/studies/:study/runs/:run/media/bias",
  "/api/studies/:study/runs/:run/media/evidence",
  "/api/studies/:study/runs/:run/findings",
];

/** A response body ready to send again: bytes, type and (CSV) the download name. */
interface Rendered {
  body: Uint8Array;
  type: string;
  filename?: string;
}

/** What a run endpoint produces before it is serialised. */
type Payload = { json: unknown } | { csv: string; filename: string };

/** What a run endpoint's handler is given. */
interface RunContext {
  study: Study;
  runId: string;
  meta: RunMeta;
  query: Query;
  param: (name: string) => string;
}

const JSON_TYPE = "application/json; charset=utf-8";
const CSV_TYPE = "text/csv; charset=utf-8";

function render(p: Payload): Rendered {
  if ("csv" in p) return { body: Buffer.from(p.csv), type: CSV_TYPE, filename: p.filename };
  return { body: Buffer.from(JSON.stringify(p.json)), type: JSON_TYPE };
}

/** The query of a request as ordered pairs (see LIMITS for the count). */
function queryOf(c: Context): Query {
  const url = c.req.url;
  const q = url.indexOf("?");
  if (q < 0) return [];
  return [...new URLSearchParams(url.slice(q + 1))];
}

/** The query in a canonical order, `format=json` (the default) left out: part of cache keys. */
function canonicalQuery(query: Query): string {
  return query
    .filter(([k, v]) => !(k === "format" && v === "json"))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join("&");
}

/** Sends `r` with its ETag, or a 304 when the client holds it. */
function send(c: Context, r: Rendered, etag: string, cacheControl: string): Response {
  if (matchesEtag(c.req.header("If-None-Match"), etag))
    return c.body(null, 304, { ETag: etag, "Cache-Control": cacheControl });
  const headers: Record<string, string> = {
    "Content-Type": r.type,
    ETag: etag,
    "Cache-Control": cacheControl,
  };
  if (r.filename) headers["Content-Disposition"] = `attachment; filename="${r.filename}"`;
  return c.body(r.body as Uint8Array<ArrayBuffer>, 200, headers);
}

/** Sends a list (studies, runs) as JSON or CSV, with an ETag of its content. */
function sendList(
  c: Context,
  fmt: Format,
  columns: string[],
  items: Record<string, unknown>[],
  filename: string,
): Response {
  const text =
    fmt === "csv"
      ? tableCsv(
          columns,
          items.map((it) => columns.map((k) => it[k])),
        )
      : JSON.stringify(items);
  const r: Rendered =
    fmt === "csv"
      ? { body: Buffer.from(text), type: CSV_TYPE, filename }
      : { body: Buffer.from(text), type: JSON_TYPE };
  return send(c, r, etagOf(`list\0${fmt}\0${text}`), CACHE.revalidate);
}

/** The section of study.yaml that produces each result table, for 404 messages. */
function producedBy(table: string): string {
  if (table.startsWith("survey_"))
    return "the survey section of study.yaml (survey: data, design, ratings)";
  if (table.startsWith("drivers_")) return "the drivers section of study.yaml";
  if (table === "media_bias")
    return "media.bias in study.yaml (a group, a target and a comparison set)";
  if (table.startsWith("media_")) return "the media section of study.yaml (media: corpus)";
  if (table === "index_sensitivity")
    return "index.uncertainty in study.yaml with a Sobol sensitivity spec";
  if (table === "index_uncertainty") return "index.uncertainty in study.yaml";
  if (table.startsWith("index_")) return "the index section of study.yaml";
  if (table === "polling") return "the polling section of study.yaml";
  if (table.startsWith("tech_")) return "the tech section of study.yaml";
  return "softpower build";
}

/** 404 for a table the run does not have, naming what produces it. */
function missingTable(ctx: RunContext, table: string): ApiError {
  const older =
    table === "media_evidence" && hasTable(ctx, "media_tone")
      ? "; this run has media tables but predates media_evidence: build the study again"
      : "";
  return notFound(
    `run ${ctx.runId} of study ${ctx.study.id} has no table ${table}: it is produced by ${producedBy(table)}${older}`,
  );
}

const hasTable = (ctx: RunContext, table: string) => ctx.meta.tables.some((t) => t.name === table);

/** A table of the run with the table query applied (filters, limit, offset, format). */
async function tablePayload(
  ctx: RunContext,
  table: string,
  extra: readonly string[] = [],
): Promise<Payload> {
  if (!hasTable(ctx, table)) throw missingTable(ctx, table);
  const q = parseTableQuery(ctx.query, extra);
  const [t] = await ctx.study.tables(ctx.runId, [table]);
  const { rows, total } = selectRows(t!, q, table);
  if (q.format === "csv")
    return {
      csv: tableCsv(t!.columns, rows),
      filename: `${ctx.study.id}-${ctx.runId}-${table}.csv`,
    };
  return {
    json: {
      study: ctx.study.id,
      run: ctx.runId,
      synthetic: ctx.meta.info.synthetic,
      table,
      columns: t!.columns,
      rows,
      total,
      offset: q.offset,
      limit: q.limit ?? null,
    },
  };
}

/**
 * A view made of several tables, `parts[0]` being the main one. Without `part`, JSON holds every
 * part (null for a table the run lacks) and CSV is the main table; with `?part=NAME` the one
 * table is returned as by the table endpoint (filters, limit, offset, format).
 */
async function compositePayload(
  ctx: RunContext,
  parts: readonly [string, string][],
): Promise<Payload> {
  const part = single(ctx.query, "part");
  if (part !== undefined) {
    const name = checkOneOf(
      "part",
      part,
      parts.map(([p]) => p),
    );
    return tablePayload(ctx, parts.find(([p]) => p === name)![1], ["part"]);
  }
  const [, main] = parts[0]!;
  if (!hasTable(ctx, main)) throw missingTable(ctx, main);
  const fmt = format(ctx.query);
  onlyParams(ctx.query, ["format", "part"]);
  if (fmt === "csv") return tablePayload(ctx, main);
  const present = parts.filter(([, t]) => hasTable(ctx, t));
  const tables = await ctx.study.tables(
    ctx.runId,
    present.map(([, t]) => t),
  );
  const json: Record<string, unknown> = {
    study: ctx.study.id,
    run: ctx.runId,
    synthetic: ctx.meta.info.synthetic,
  };
  for (const [p, t] of parts) {
    const k = present.findIndex(([, u]) => u === t);
    json[p] = k < 0 ? null : { table: t, columns: tables[k]!.columns, rows: tables[k]!.rows };
  }
  return { json };
}

/**
 * The Hono app serving `options.studies` (see the file comment for the endpoints). Pure
 * construction: nothing is read until a request comes, so tests call `app.request(url)`.
 *
 * @example const app = createApp({ studies: [{ id: "demo", dir: "examples/demo" }] })
 */
export function createApp(options: AppOptions): Hono {
  checkSources(options.studies);
  const half = Math.floor((options.cacheBytes ?? 64 * 2 ** 20) / 2);
  const data = new LruCache<unknown>(half);
  const responses = new LruCache<Rendered>(half);
  const studies = new Map(options.studies.map((s) => [s.id, new Study(s, data)]));
  const log = options.log ?? ((m: string) => console.error(m));
  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    setSecurityHeaders(c.res.headers);
  });
  app.use("*", hostOriginGuard(options.allowedHosts ?? LOOPBACK_HOSTS));
  const studio = options.studio;
  if (studio) studio.register(app);
  const readOnly = (c: Context) => !(studio && c.req.path.startsWith("/api/studio/"));
  app.use("*", async (c, next) => {
    if (!readOnly(c)) return next();
    const url = c.req.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    if (url.length - start > LIMITS.urlLength)
      throw new ApiError(414, `URL too long: at most ${LIMITS.urlLength} characters`);
    const q = url.indexOf("?");
    if (q >= 0) {
      let n = 1;
      for (let k = url.indexOf("&", q); k >= 0; k = url.indexOf("&", k + 1)) n++;
      if (n > LIMITS.queryParams)
        throw badRequest(`too many query parameters: at most ${LIMITS.queryParams}`);
    }
    const length = c.req.header("Content-Length");
    if (
      (length !== undefined && !(Number(length) <= LIMITS.bodyBytes)) ||
      ((c.req.method === "GET" || c.req.method === "HEAD") &&
        c.req.header("Transfer-Encoding") !== undefined)
    )
      throw new ApiError(413, `request body too large: at most ${LIMITS.bodyBytes} bytes`);
    await next();
  });
  const limit = bodyLimit({
    maxSize: LIMITS.bodyBytes,
    onError: () => {
      throw new ApiError(413, `request body too large: at most ${LIMITS.bodyBytes} bytes`);
    },
  });
  app.use("*", (c, next) => (readOnly(c) ? limit(c, next) : next()));
  app.use("*", async (c, next) => {
    if (!readOnly(c)) return next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD")
      throw new ApiError(
        405,
        `method ${c.req.method} is not allowed: this server is read-only (GET, HEAD)`,
        {
          Allow: "GET, HEAD",
        },
      );
    await next();
  });

  const refresh = () => {
    if (!studio) return;
    for (const s of studio.sources()) if (!studies.has(s.id)) studies.set(s.id, new Study(s, data));
  };
  const studyOf = (id: string): Study => {
    if (!studies.has(id)) refresh();
    const s = studies.get(checkId("study", id));
    if (!s)
      throw notFound(`unknown study ${quote(id)}; studies: ${[...studies.keys()].join(", ")}`);
    return s;
  };

  app.get("/api/studies", async (c) => {
    refresh();
    const query = queryOf(c);
    onlyParams(query, ["format"]);
    const fmt = format(query);
    const items = await Promise.all(
      [...studies.values()].map(async (s) => {
        const runs = await s.runs();
        return {
          id: s.id,
          name: await s.name(runs),
          synthetic: runs[0]?.synthetic ?? false,
          runs: runs.length,
          latest: runs[0]?.id ?? null,
        };
      }),
    );
    return sendList(c, fmt, ["id", "name", "synthetic", "runs", "latest"], items, "studies.csv");
  });

  const RUN_COLUMNS: (keyof RunSummary)[] = [
    "id",
    "startedAt",
    "finishedAt",
    "study",
    "version",
    "node",
    "tables",
    "rows",
    "synthetic",
    "status",
  ];
  const runList = async (c: Context, study: Study, query: Query) => {
    const fmt = format(query);
    const runs = await study.runs();
    return sendList(
      c,
      fmt,
      RUN_COLUMNS,
      runs as unknown as Record<string, unknown>[],
      `${study.id}-runs.csv`,
    );
  };
  app.get("/api/runs", (c) => {
    const query = queryOf(c);
    onlyParams(query, ["study", "format"]);
    const id = single(query, "study");
    if (id === undefined && studies.size !== 1)
      throw badRequest(
        `query parameter study is required: one of ${[...studies.keys()].join(", ")}`,
      );
    return runList(c, id === undefined ? [...studies.values()][0]! : studyOf(id), query);
  });
  app.get("/api/studies/:study/runs", (c) => {
    const query = queryOf(c);
    onlyParams(query, ["format"]);
    return runList(c, studyOf(c.req.param("study")), query);
  });

  /** Registers a run endpoint: resolves the run, answers from the response cache or `handler`. */
  const runRoute = (path: string, handler: (ctx: RunContext) => Promise<Payload>) =>
    app.get(`/api/studies/:study/runs/:run${path}`, async (c) => {
      const study = studyOf(c.req.param("study"));
      const ref = checkId("run", c.req.param("run"));
      const runId = study.resolve(ref, await study.runs());
      const query = queryOf(c);
      const params = c.req.param() as Record<string, string>;
      const key = [
        study.dbPath,
        runId,
        path,
        ...Object.keys(params)
          .filter((k) => k !== "run" && k !== "study")
          .map((k) => `${k}=${params[k]}`),
        canonicalQuery(query),
      ].join("\0");
      const cacheControl = ref === runId ? CACHE.immutable : CACHE.revalidate;
      let r = responses.get(key);
      if (!r) {
        const meta = await study.meta(runId);
        r = render(
          await handler({ study, runId, meta, query, param: (n) => c.req.param(n) ?? "" }),
        );
        responses.set(key, r, r.body.byteLength + 2 * key.length + 128);
      }
      return send(c, r, etagOf(key), cacheControl);
    });

  runRoute("", async (ctx) => {
    const fmt = format(ctx.query);
    onlyParams(ctx.query, ["format"]);
    if (fmt === "csv")
      throw badRequest("format csv is not available for run info (it is not a table); use json");
    return { json: { ...ctx.meta.info, studyId: ctx.study.id } };
  });
  runRoute("/tables", async (ctx) => {
    const fmt = format(ctx.query);
    onlyParams(ctx.query, ["format"]);
    const columns = ["name", "rows", "columns"];
    const rows = ctx.meta.tables.map((t) => [t.name, t.rows, t.columns]);
    if (fmt === "csv")
      return { csv: tableCsv(columns, rows), filename: `${ctx.study.id}-${ctx.runId}-tables.csv` };
    return {
      json: {
        study: ctx.study.id,
        run: ctx.runId,
        synthetic: ctx.meta.info.synthetic,
        columns,
        rows,
      },
    };
  });
  runRoute("/tables/:table", async (ctx) => {
    const table = checkTable(ctx.param("table"));
    if (!hasTable(ctx, table))
      throw notFound(
        `run ${ctx.runId} of study ${ctx.study.id} has no table ${table}; its tables: ${ctx.meta.tables.map((t) => t.name).join(", ")}`,
      );
    return tablePayload(ctx, table);
  });
  runRoute("/index", (ctx) =>
    compositePayload(ctx, [
      ["scores", "index_scores"],
      ["aggregates", "index_aggregates"],
      ["framework", "index_framework"],
    ]),
  );
  runRoute("/stages/:stage", (ctx) =>
    tablePayload(ctx, `index_stage_${checkOneOf("stage", ctx.param("stage"), STAGES)}`),
  );
  runRoute("/sensitivity", (ctx) => {
    const table = hasTable(ctx, "index_sensitivity") ? "index_sensitivity" : "index_uncertainty";
    if (!hasTable(ctx, table))
      throw notFound(
        `run ${ctx.runId} of study ${ctx.study.id} has no index_sensitivity or index_uncertainty table: they are produced by index.uncertainty in study.yaml (Monte Carlo ranks, or Sobol sensitivity for index_sensitivity)`,
      );
    return tablePayload(ctx, table);
  });
  runRoute("/survey/ratings", (ctx) => tablePayload(ctx, "survey_ratings"));
  runRoute("/survey/head-to-head", (ctx) => tablePayload(ctx, "survey_head_to_head"));
  runRoute("/survey/crosstab", (ctx) =>
    compositePayload(ctx, [
      ["tests", "survey_crosstab_tests"],
      ["cells", "survey_crosstab"],
    ]),
  );
  runRoute("/drivers", (ctx) =>
    compositePayload(ctx, [
      ["importance", "drivers_importance"],
      ["diff", "drivers_diff"],
      ["ranks", "drivers_ranks"],
      ["fit", "drivers_fit"],
    ]),
  );
  runRoute("/media/tone", (ctx) => tablePayload(ctx, "media_tone"));
  runRoute("/media/frames", (ctx) => tablePayload(ctx, "media_frames"));
  runRoute("/media/bias", (ctx) => tablePayload(ctx, "media_bias"));
  runRoute("/media/evidence", (ctx) => tablePayload(ctx, "media_evidence"));
  runRoute("/findings", (ctx) => tablePayload(ctx, "findings"));

  app.get("/api/*", (c) => {
    throw notFound(`unknown endpoint ${c.req.path}; endpoints: ${ENDPOINTS.join(", ")}`);
  });
  app.get("/api", (c) => {
    throw notFound(`unknown endpoint ${c.req.path}; endpoints: ${ENDPOINTS.join(", ")}`);
  });
  app.get("*", (c) => serveStatic(c, options.webRoot));

  app.notFound((c) =>
    c.json({ error: `not found: ${c.req.path}` }, 404, { "Cache-Control": CACHE.none }),
  );
  app.onError((e, c) => {
    if (e instanceof ApiError)
      return c.json({ error: e.message }, e.status, { ...e.headers, "Cache-Control": CACHE.none });
    if (e instanceof HTTPException)
      return c.json({ error: e.message || "bad request" }, e.status, {
        "Cache-Control": CACHE.none,
      });
    log(
      `softpower serve: internal error on ${c.req.method} ${c.req.path}: ${(e as Error).stack ?? String(e)}`,
    );
    return c.json({ error: "internal error (the server's log has the details)" }, 500, {
      "Cache-Control": CACHE.none,
    });
  });
  return app;
}
