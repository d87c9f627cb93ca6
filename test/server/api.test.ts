/**
 * The HTTP API in-process (`app.request`): every endpoint on a demo build made by the CLI in a
 * temporary copy, values equal to what readRunTable returns, CSV parsing back to the same rows,
 * the 400/404/405/413/414 answers and their messages, ETags and 304, caching across a new run,
 * and the security headers on every kind of response.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, LIMITS, STAGES } from "../../src/server/app.ts";
import { SECURITY_HEADERS } from "../../src/server/headers.ts";
import { storePath } from "../../src/store/db.ts";
import { listRuns, readRun, readRunTable } from "../../src/store/read.ts";
import type { RunInfo, TableData } from "../../src/store/types.ts";
import { writeRun } from "../../src/store/write-run.ts";
import { buildDemoCopy, miniRun, miniScores, parseCsvRows, writeStudy } from "./helpers.ts";

let tmp: string;
let app: Hono;
let demoDb: string;
let demo: RunInfo;
const miniDir = () => join(tmp, "mini");
const logged: string[] = [];

const MINI_IDS = ["20260101T000000Z-aaaa", "20260102T000000Z-aabb", "20260103T000000Z-cccc"];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "softpower-server-api-"));
  buildDemoCopy(join(tmp, "demo"));
  demoDb = storePath(join(tmp, "demo"));
  demo = await readRun(demoDb, "latest");
  const sensitivity: TableData = {
    columns: ["factor", "Si", "STi"],
    rows: [
      ["weights", 0.4, 0.5],
      ["normalisation", 0.1, 0.2],
    ],
  };
  await writeStudy(miniDir(), "Mini study", [
    miniRun(MINI_IDS[0]!, "2026-01-01T00:00:00.000Z", { index_scores: miniScores(0) }),
    miniRun(MINI_IDS[1]!, "2026-01-02T00:00:00.000Z", {
      index_scores: miniScores(1),
      index_sensitivity: sensitivity,
    }),
    miniRun(MINI_IDS[2]!, "2026-01-03T00:00:00.000Z", {
      index_scores: miniScores(2),
      findings: { columns: ["id", "statement"], rows: [["f1", "Aland leads."]] },
    }),
  ]);
  await writeStudy(join(tmp, "empty"), "Nothing built yet", []);
  app = createApp({
    studies: [
      { id: "demo", dir: join(tmp, "demo") },
      { id: "mini", dir: miniDir() },
      { id: "empty", dir: join(tmp, "empty") },
    ],
    log: (m) => logged.push(m),
  });
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const get = (url: string, init?: RequestInit) => app.request(url, init);
async function json<T = Record<string, unknown>>(url: string, status = 200): Promise<T> {
  const r = await get(url);
  const body = await r.text();
  expect(r.status, `${url}: ${body}`).toBe(status);
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  return JSON.parse(body) as T;
}
async function error(url: string, status: number, init?: RequestInit): Promise<string> {
  const r = await get(url, init);
  const body = await r.text();
  expect(r.status, `${url}: ${body}`).toBe(status);
  expectSecurityHeaders(r);
  expect(r.headers.get("cache-control")).toBe("no-store");
  return (JSON.parse(body) as { error: string }).error;
}
function expectSecurityHeaders(r: Response): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(r.headers.get(k), k).toBe(v);
  expect(r.headers.get("content-security-policy")).not.toMatch(/script-src[^;]*unsafe-inline/);
}
const run = (path = "", study = "demo", ref = "latest") =>
  `/api/studies/${study}/runs/${ref}${path}`;

describe("studies and runs", () => {
  it("lists the studies with their run counts and latest run", async () => {
    const body = await json<Record<string, unknown>[]>("/api/studies");
    expect(body).toEqual([
      {
        id: "demo",
        name: demo.study,
        synthetic: true,
        runs: 1,
        latest: demo.id,
      },
      { id: "mini", name: "Mini study", synthetic: false, runs: 3, latest: MINI_IDS[2] },
      { id: "empty", name: "Nothing built yet", synthetic: false, runs: 0, latest: null },
    ]);
    const csv = await (await get("/api/studies?format=csv")).text();
    expect(csv.split("\n")[0]).toBe("id,name,synthetic,runs,latest");
    expect(csv).toContain("empty,Nothing built yet,FALSE,0,NA");
  });

  it("lists a study's runs as listRuns does, by either path", async () => {
    const runs = await listRuns(storePath(miniDir()));
    expect(await json("/api/studies/mini/runs")).toEqual(runs);
    expect(await json("/api/runs?study=mini")).toEqual(runs);
    expect(await json("/api/studies/empty/runs")).toEqual([]);
    expect(await error("/api/runs", 400)).toBe(
      "query parameter study is required: one of demo, mini, empty",
    );
    const r = await get("/api/runs?study=mini&format=csv");
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="mini-runs.csv"');
    const { header, rows } = parseCsvRows(
      await r.text(),
      runs.map((x) => Object.values(x)),
    );
    expect(header).toEqual(Object.keys(runs[0]!));
    expect(rows).toEqual(runs.map((x) => Object.values(x)));
  });

  it("gives a run's record: config, inputs with hashes, timings, table names", async () => {
    const info = await json<RunInfo & { studyId: string }>(run());
    expect(info).toEqual({ ...demo, studyId: "demo" });
    expect(info.inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true);
    expect(info.tables).toContain("index_scores");
  });

  it("resolves latest, previous, a full id and a unique prefix", async () => {
    expect((await json(run("", "mini", "previous"))).id).toBe(MINI_IDS[1]);
    expect((await json(run("", "mini", "20260103"))).id).toBe(MINI_IDS[2]);
    expect((await json(run("", "mini", MINI_IDS[0]))).id).toBe(MINI_IDS[0]);
    expect(await error(run("", "mini", "202601"), 400)).toBe(
      `run "202601" is ambiguous in study mini: it starts 3 runs (${MINI_IDS[2]}, ${MINI_IDS[1]}, ${MINI_IDS[0]}); give more of the id`,
    );
    expect(await error(run("", "mini", "2027"), 404)).toBe(
      `study mini has no run "2027"; its runs, newest first: ${MINI_IDS[2]}, ${MINI_IDS[1]}, ${MINI_IDS[0]} (or "latest", "previous")`,
    );
    expect(await error(run("", "demo", "previous"), 404)).toBe(
      `study demo has no previous run: it holds one run (${demo.id}); use "latest"`,
    );
    expect(await error(run("", "empty"), 404)).toMatch(
      /^study empty has no runs yet: run softpower build .*empty$/,
    );
  });
});

describe("tables", () => {
  it("lists the run's tables with rows and columns", async () => {
    const body = await json<{ columns: string[]; rows: [string, number, string[]][] }>(
      run("/tables"),
    );
    expect(body.columns).toEqual(["name", "rows", "columns"]);
    expect(body.rows.map((r) => r[0])).toEqual(demo.tables);
    const scores = await readRunTable(demoDb, "latest", "index_scores");
    expect(body.rows.find((r) => r[0] === "index_scores")).toEqual([
      "index_scores",
      scores.rows.length,
      scores.columns,
    ]);
  });

  it("serves every table of the demo run exactly as readRunTable reads it, in JSON and CSV", async () => {
    expect(demo.tables.length).toBeGreaterThan(30);
    for (const name of demo.tables) {
      const want = await readRunTable(demoDb, demo.id, name);
      const body = await json<{ columns: string[]; rows: unknown[][]; total: number }>(
        run(`/tables/${name}`),
      );
      expect(body.columns, name).toEqual(want.columns);
      expect(body.rows, name).toEqual(want.rows);
      expect(body.total, name).toBe(want.rows.length);
      const r = await get(run(`/tables/${name}?format=csv`));
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(r.headers.get("content-disposition")).toBe(
        `attachment; filename="demo-${demo.id}-${name}.csv"`,
      );
      const csv = parseCsvRows(await r.text(), want.rows);
      expect(csv.header, name).toEqual(want.columns);
      expect(csv.rows, name).toEqual(want.rows);
    }
  });

  it("filters by column (numbers, booleans, any of repeated values), pages with limit and offset", async () => {
    const h2h = await readRunTable(demoDb, "latest", "survey_head_to_head");
    const col = (n: string) => h2h.columns.indexOf(n);
    const want = h2h.rows.filter(
      (r) =>
        (r[col("audience_iso3")] === "GBR" || r[col("audience_iso3")] === "JPN") &&
        r[col("attribute")] === "science" &&
        r[col("significant")] === true,
    );
    expect(want.length).toBeGreaterThan(2);
    const url = run(
      "/tables/survey_head_to_head?audience_iso3=GBR&audience_iso3=JPN&attribute=science&significant=true",
    );
    const all = await json<{ rows: unknown[][]; total: number }>(url);
    expect(all.rows).toEqual(want);
    expect(all.total).toBe(want.length);
    const page = await json<{ rows: unknown[][]; total: number; offset: number; limit: number }>(
      `${url}&limit=2&offset=1`,
    );
    expect(page.rows).toEqual(want.slice(1, 3));
    expect(page).toMatchObject({ total: want.length, offset: 1, limit: 2 });
    const ranked = await json<{ rows: unknown[][] }>(run("/tables/index_scores?rank=1.0"));
    expect(ranked.rows.length).toBe(1);
    expect(ranked.rows[0]![0]).toBe("USA");
    const csv = await (await get(`${url}&format=csv`)).text();
    expect(parseCsvRows(csv, want).rows).toEqual(want);
  });

  it("rejects a filter that is not a column, naming it and listing the columns", async () => {
    expect(await error(run("/survey/head-to-head?colour=red"), 400)).toBe(
      'unknown query parameter "colour": it is not a column of survey_head_to_head; filter by one of wave, audience_iso3, audience, segment, attribute, target_a, target_b, diff, se, ci_low, ci_high, leader, significant (or use format, limit, offset)',
    );
  });

  it("validates limit, offset, format and names", async () => {
    const t = run("/tables/index_scores");
    expect(await error(`${t}?limit=0`, 400)).toBe(
      'limit "0" is not valid: use a whole number from 1 to 100000',
    );
    expect(await error(`${t}?limit=100001`, 400)).toMatch(/^limit "100001" is not valid/);
    expect(await error(`${t}?limit=ten`, 400)).toMatch(/^limit "ten" is not valid/);
    expect(await error(`${t}?offset=-1`, 400)).toBe(
      'offset "-1" is not valid: use a whole number from 0 to 1000000000',
    );
    expect(await error(`${t}?limit=1&limit=2`, 400)).toBe(
      "query parameter limit is given more than once",
    );
    expect(await error(`${t}?format=xml`, 400)).toBe(
      'format "xml" is not valid: use one of json, csv',
    );
    expect(await error(run("/tables/Index_Scores"), 400)).toMatch(
      /^table "Index_Scores" is not valid: table names are lower-case letters/,
    );
    expect(await error(run("/tables/no_such_table"), 404)).toBe(
      `run ${demo.id} of study demo has no table no_such_table; its tables: ${demo.tables.join(", ")}`,
    );
    expect(await error("/api/studies/de%20mo/runs", 400)).toBe(
      'study "de mo" is not valid: use 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
    expect(await error("/api/studies/..%2F..%2Fetc/runs/latest", 400)).toMatch(
      /^study "\.\.\/\.\.\/etc" is not valid/,
    );
    expect(await error("/api/studies/nope/runs", 404)).toBe(
      'unknown study "nope"; studies: demo, mini, empty',
    );
    expect(await error(run("", "demo", "lat$est"), 400)).toMatch(/^run "lat\$est" is not valid/);
    expect(await error("/api/studies?study=demo", 400)).toBe(
      'unknown query parameter "study": valid here: format',
    );
    expect(await error(`${run()}?format=csv`, 400)).toBe(
      "format csv is not available for run info (it is not a table); use json",
    );
    expect(await error("/api/nothing/here", 404)).toMatch(
      /^unknown endpoint \/api\/nothing\/here; endpoints: \/api\/studies, /,
    );
  });
});

describe("views", () => {
  const table = (name: string) => readRunTable(demoDb, demo.id, name);

  it("index: scores, aggregates and framework; ?part= one of them; CSV the scores", async () => {
    const body = await json<Record<string, { table: string } & TableData>>(run("/index"));
    for (const [part, name] of [
      ["scores", "index_scores"],
      ["aggregates", "index_aggregates"],
      ["framework", "index_framework"],
    ] as const) {
      const want = await table(name);
      expect(body[part]).toEqual({ table: name, columns: want.columns, rows: want.rows });
    }
    expect(body).toMatchObject({ study: "demo", run: demo.id, synthetic: true });
    const agg = await json<{ rows: unknown[][] }>(run("/index?part=aggregates&iCode=Index"));
    expect(agg.rows.length).toBe(60);
    const csv = await (await get(run("/index?format=csv"))).text();
    const scores = await table("index_scores");
    expect(parseCsvRows(csv, scores.rows).rows).toEqual(scores.rows);
    expect(await error(run("/index?part=weights"), 400)).toBe(
      'part "weights" is not valid: use one of scores, aggregates, framework',
    );
    expect(await error(run("/index?uCode=USA"), 400)).toBe(
      'unknown query parameter "uCode": valid here: format, part',
    );
  });

  it("stages: every pipeline stage; others rejected with the list", async () => {
    for (const stage of STAGES) {
      const want = await table(`index_stage_${stage}`);
      const body = await json<TableData>(run(`/stages/${stage}`));
      expect(body.rows, stage).toEqual(want.rows);
      expect(body.columns, stage).toEqual(want.columns);
    }
    expect(await error(run("/stages/cooked"), 400)).toBe(
      'stage "cooked" is not valid: use one of raw, denominated, imputed, screened, treated, normalised, aggregated',
    );
  });

  it("sensitivity: index_sensitivity when the run has it, else index_uncertainty, else 404", async () => {
    const demoBody = await json<{ table: string } & TableData>(run("/sensitivity"));
    expect(demoBody.table).toBe("index_uncertainty");
    expect(demoBody.rows).toEqual((await table("index_uncertainty")).rows);
    const mini = await json<{ table: string } & TableData>(run("/sensitivity", "mini", "previous"));
    expect(mini.table).toBe("index_sensitivity");
    expect(mini.rows).toEqual([
      ["weights", 0.4, 0.5],
      ["normalisation", 0.1, 0.2],
    ]);
    expect(await error(run("/sensitivity", "mini"), 404)).toMatch(
      /has no index_sensitivity or index_uncertainty table: they are produced by index\.uncertainty in study\.yaml/,
    );
  });

  it("survey, drivers, media and findings views equal their tables", async () => {
    for (const [path, name] of [
      ["/survey/ratings", "survey_ratings"],
      ["/survey/head-to-head", "survey_head_to_head"],
      ["/media/tone", "media_tone"],
      ["/media/frames", "media_frames"],
      ["/media/bias", "media_bias"],
      ["/findings", "findings"],
      ...(demo.tables.includes("media_evidence") ? [["/media/evidence", "media_evidence"]] : []),
    ] as [string, string][]) {
      const want = await table(name);
      const body = await json<{ table: string } & TableData>(run(path));
      expect(body.table, path).toBe(name);
      expect(body.rows, path).toEqual(want.rows);
    }
    const h2h = await json<TableData>(
      run("/survey/head-to-head?wave=2&segment=all&attribute=technology&audience=JPN"),
    );
    expect(h2h.rows.length).toBeGreaterThan(0);
    const drivers = await json<Record<string, TableData | null>>(run("/drivers"));
    for (const [part, name] of [
      ["importance", "drivers_importance"],
      ["diff", "drivers_diff"],
      ["ranks", "drivers_ranks"],
      ["fit", "drivers_fit"],
    ] as const)
      expect(drivers[part]?.rows, part).toEqual((await table(name)).rows);
  });

  it("survey/crosstab: the stored Rao-Scott tests and column % tables, filtered and validated", async () => {
    const all = await json<Record<string, TableData | null>>(run("/survey/crosstab"));
    expect(all.tests?.rows).toEqual((await table("survey_crosstab_tests")).rows);
    expect(all.cells?.rows).toEqual((await table("survey_crosstab")).rows);
    const one = await json<TableData>(
      run("/survey/crosstab?part=tests&wave=1&audience=JPN&column=usa_fav&segment=gender"),
    );
    expect(one.rows.length).toBe(1);
    expect(await error(run("/survey/crosstab?part=../../etc"), 400)).toMatch(
      /part "\.\.\/\.\.\/etc" is not valid: use one of tests, cells/,
    );
    expect(await error(run("/survey/crosstab?part=cells&colour=red"), 400)).toMatch(
      /unknown query parameter "colour": it is not a column of survey_crosstab/,
    );
  });

  it("a view whose table the run lacks is a 404 naming the study section that produces it", async () => {
    expect(await error(run("/survey/head-to-head", "mini"), 404)).toBe(
      `run ${MINI_IDS[2]} of study mini has no table survey_head_to_head: it is produced by the survey section of study.yaml (survey: data, design, ratings)`,
    );
    expect(await error(run("/drivers", "mini"), 404)).toMatch(
      /has no table drivers_importance: it is produced by the drivers section of study\.yaml$/,
    );
    expect(await error(run("/media/bias", "mini"), 404)).toMatch(
      /has no table media_bias: it is produced by media\.bias in study\.yaml/,
    );
    expect(await error(run("/media/evidence", "mini"), 404)).toMatch(
      /has no table media_evidence: it is produced by the media section of study\.yaml/,
    );
    expect(await error(run("/findings", "mini", "previous"), 404)).toMatch(
      /has no table findings: it is produced by softpower build$/,
    );
  });
});

describe("HTTP behaviour", () => {
  it("answers other methods with 405 and Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const r = await get("/api/studies", { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.get("allow")).toBe("GET, HEAD");
      expectSecurityHeaders(r);
      expect((await r.json()) as unknown).toEqual({
        error: `method ${method} is not allowed: this server is read-only (GET, HEAD)`,
      });
    }
    expect(
      await error("/api/studies", 413, { method: "POST", body: "x".repeat(LIMITS.bodyBytes + 1) }),
    ).toBe(`request body too large: at most ${LIMITS.bodyBytes} bytes`);
  });

  it("limits URL length (414), query parameters (400) and bodies (413)", async () => {
    expect(await error(`/api/studies?format=${"j".repeat(LIMITS.urlLength)}`, 414)).toBe(
      `URL too long: at most ${LIMITS.urlLength} characters`,
    );
    const many = Array.from({ length: LIMITS.queryParams + 1 }, (_, k) => `uCode=U${k}`).join("&");
    expect(await error(run(`/tables/index_scores?${many}`), 400)).toBe(
      `too many query parameters: at most ${LIMITS.queryParams}`,
    );
    const few = Array.from({ length: LIMITS.queryParams }, (_, k) => `uCode=U${k}`).join("&");
    expect((await get(run(`/tables/index_scores?${few}`))).status).toBe(200);
    expect(
      await error("/api/studies", 413, {
        headers: { "Content-Length": String(LIMITS.bodyBytes + 1) },
      }),
    ).toBe(`request body too large: at most ${LIMITS.bodyBytes} bytes`);
  });

  it("HEAD gives the headers without a body", async () => {
    const r = await get(run("/index"), { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers.get("etag")).toMatch(/^".+"$/);
    expect(await r.text()).toBe("");
  });

  it("ETags: stable, the same for latest and the full id, 304 on If-None-Match", async () => {
    const a = await get(run("/index"));
    const etag = a.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(a.headers.get("cache-control")).toBe("no-cache");
    const b = await get(run("/index", "demo", demo.id));
    expect(b.headers.get("etag")).toBe(etag);
    expect(b.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const c = await get(run("/index"), { headers: { "If-None-Match": `"x", ${etag}` } });
    expect(c.status).toBe(304);
    expect(await c.text()).toBe("");
    expect(c.headers.get("etag")).toBe(etag);
    expectSecurityHeaders(c);
    const d = await get(run("/index?format=csv"));
    expect(d.headers.get("etag")).not.toBe(etag);
    const e = await get(run("/index?format=json"));
    expect(e.headers.get("etag")).toBe(etag);
    const list = await get("/api/studies");
    const again = await get("/api/studies", {
      headers: { "If-None-Match": list.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
  });

  it("a new run becomes latest at once; the old run's responses stay as they were", async () => {
    const before = await json<TableData & { run: string }>(run("/tables/index_scores", "mini"));
    const etag = (await get(run("/tables/index_scores", "mini"))).headers.get("etag");
    expect(before.run).toBe(MINI_IDS[2]);
    const id = "20260104T000000Z-dddd";
    await writeRun(
      storePath(miniDir()),
      miniRun(id, "2026-01-04T00:00:00.000Z", { index_scores: miniScores(3) }),
    );
    const after = await get(run("/tables/index_scores", "mini"), {
      headers: { "If-None-Match": etag! },
    });
    expect(after.status).toBe(200);
    const body = (await after.json()) as TableData & { run: string };
    expect(body.run).toBe(id);
    expect(body.rows[0]![2]).toBe(93);
    expect((await json<TableData>(run("/tables/index_scores", "mini", "previous"))).rows).toEqual(
      before.rows,
    );
    expect((await json<Record<string, unknown>[]>("/api/studies"))[1]).toMatchObject({
      runs: 4,
      latest: id,
    });
  });

  it("puts the security headers on API, error and page responses", async () => {
    for (const url of ["/api/studies", run("/index"), run("/tables/nope"), "/", "/nope.js"]) {
      const r = await get(url);
      expectSecurityHeaders(r);
    }
    const page = await get("/");
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain("npm run build:web");
    expect(html).not.toMatch(/<script/i);
  });

  it("logged no internal errors", () => {
    expect(logged).toEqual([]);
  });
});
