/**
 * The workbench's write API in-process (`app.request`), on a temporary folder of studies: every
 * write endpoint with good and bad input (missing or wrong token, foreign Origin, foreign Host,
 * wrong content type, invalid JSON, invalid study.yaml and specs with the CLI's messages,
 * oversized bodies and uploads, traversal and odd file names, an existing file), the preview and
 * the estimate, a build with its server-sent events and a second build refused with 409 while it
 * runs, a failing build's message, the zip and the report. Builds run the CLI from the sources.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { studioRoutes } from "../../src/server/studio-routes.ts";
import { BuildRunner } from "../../src/studio/build-runner.ts";
import { Workspace } from "../../src/studio/workspace.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TOKEN = "a".repeat(64);
const MAX_UPLOAD = 4096;
let tmp: string;
let app: Hono;
let runner: BuildRunner;

/** The demo's survey, design and ratings only: a study that builds in a few seconds. */
const MINI_YAML = `# a survey-only study
name: Mini survey
targets: [USA, CHN]
audiences: [GBR, DEU]
synthetic: true
survey:
  data: data/survey.csv
  design: data/design.json
  ratings: data/ratings.json
  wave: wave
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "softpower-studio-api-"));
  const mini = join(tmp, "studies", "mini");
  await mkdir(join(mini, "data"), { recursive: true });
  for (const f of ["survey.csv", "design.json", "ratings.json"])
    await cp(join(ROOT, "examples/demo/data", f), join(mini, "data", f));
  await writeFile(join(mini, "study.yaml"), MINI_YAML);
  const workspace = new Workspace(join(tmp, "studies"));
  runner = new BuildRunner([process.execPath, "--import", "tsx", join(ROOT, "src/cli/main.ts")]);
  app = createApp({
    studies: workspace.list(),
    studio: studioRoutes({ workspace, token: TOKEN, runner, maxUploadBytes: MAX_UPLOAD }),
    log: () => undefined,
  });
});

afterAll(async () => {
  await runner?.stopAll();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

type Init = { method?: string; body?: RequestInit["body"]; headers?: Record<string, string> };
const call = (path: string, init: Init = {}, token: string | null = TOKEN) =>
  app.request(path, {
    ...init,
    headers: { ...(token === null ? {} : { "X-Softpower-Token": token }), ...init.headers },
  });
const send = (path: string, method: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method,
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...headers },
  });
const errorOf = async (r: Response) => ((await r.json()) as { error: string }).error;
const M = "/api/studio/studies/mini";

describe("guards", () => {
  it("refuses a missing or wrong token on every studio endpoint, GET included", async () => {
    for (const [path, method] of [
      ["/api/studio/studies", "GET"],
      ["/api/studio/studies", "POST"],
      [`${M}/model`, "PUT"],
      [`${M}/files/a.csv`, "PUT"],
      [`${M}/builds`, "POST"],
      [`${M}/preview?path=data/survey.csv`, "GET"],
    ] as const) {
      const none = await call(path, { method }, null);
      expect(none.status, `${method} ${path}`).toBe(403);
      expect(await errorOf(none)).toMatch(/needs the workbench's token/);
      const wrong = await call(path, { method }, "b".repeat(64));
      expect(wrong.status).toBe(403);
      expect(await errorOf(wrong)).toMatch(/wrong token/);
    }
    // The token in the query is accepted for GET only.
    expect((await call(`/api/studio/studies?token=${TOKEN}`, {}, null)).status).toBe(200);
    const post = await call(`${M}/builds?token=${TOKEN}`, { method: "POST" }, null);
    expect(post.status).toBe(403);
    expect(runner.get("mini")).toBeUndefined();
  });

  it("refuses a foreign Origin and a foreign Host even with the token", async () => {
    const origin = await send(
      "/api/studio/studies",
      "POST",
      { study: { name: "X", targets: ["USA"] } },
      {
        Origin: "http://evil.com",
      },
    );
    expect(origin.status).toBe(403);
    expect(await errorOf(origin)).toMatch(/cross-origin/);
    const host = await send(
      "/api/studio/studies",
      "POST",
      { study: { name: "X", targets: ["USA"] } },
      {
        Host: "evil.com",
      },
    );
    expect(host.status).toBe(403);
    const own = await call("http://localhost:8080/api/studio/studies", {
      headers: { Host: "localhost:8080", Origin: "http://localhost:8080" },
    });
    expect(own.status).toBe(200);
    expect(await readdir(join(tmp, "studies"))).toEqual(["mini"]);
  });

  it("changes nothing on GET; bodies must be JSON, valid and small", async () => {
    expect((await call(`${M}/builds`)).status).toBe(404);
    expect(runner.get("mini")).toBeUndefined();
    const form = await call("/api/studio/studies", {
      method: "POST",
      body: "name=X",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    const bad = await call("/api/studio/studies", {
      method: "POST",
      body: "{not json",
      headers: { "Content-Type": "application/json" },
    });
    expect(bad.status).toBe(400);
    const shape = await send("/api/studio/studies", "POST", { name: "X" });
    expect(shape.status).toBe(400);
    expect(await errorOf(shape)).toMatch(/invalid body/);
    const big = await send("/api/studio/studies", "POST", {
      study: { name: "x".repeat(3 * 2 ** 20), targets: ["USA"] },
    });
    expect(big.status).toBe(413);
    expect((await call("/api/studies", { method: "POST" })).status).toBe(405);
  });
});

describe("studies and the model", () => {
  it("creates a study after validating it with StudySchema (the CLI's messages)", async () => {
    const bad = await send("/api/studio/studies", "POST", {
      study: { name: "New one", targets: ["usa"], colour: "red" },
    });
    expect(bad.status).toBe(422);
    const { issues } = (await bad.json()) as { issues: { key: string; message: string }[] };
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "targets.0", message: "expected an ISO3 code such as CHN" }),
        expect.objectContaining({ message: 'unknown key "colour"' }),
      ]),
    );
    const ok = await send("/api/studio/studies", "POST", {
      study: { name: "New one", targets: ["USA", "CHN"], audiences: ["GBR"] },
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ id: "new-one" });
    expect(await readFile(join(tmp, "studies/new-one/study.yaml"), "utf8")).toMatch(
      /name: New one/,
    );
    const again = await send("/api/studio/studies", "POST", {
      study: { name: "New one", targets: ["USA"] },
    });
    expect(again.status).toBe(422);
    for (const id of ["../evil", ".hidden", "a/b"]) {
      const r = await send("/api/studio/studies", "POST", {
        study: { name: "Evil", targets: ["USA"] },
        id,
      });
      expect(r.status, id).toBe(422);
    }
    expect((await readdir(join(tmp, "studies"))).sort()).toEqual(["mini", "new-one"]);
    // The read-only API sees the new study too.
    const list = (await (await call("/api/studies")).json()) as { id: string }[];
    expect(list.map((s) => s.id)).toContain("new-one");
  });

  it("reads the model, refuses invalid specs without writing, writes a valid edit", async () => {
    const r = await call(`${M}/model`);
    expect(r.status).toBe(200);
    const { model } = (await r.json()) as {
      model: {
        study: Record<string, unknown>;
        specs: { key: string; path: string; content: unknown }[];
      };
    };
    expect(model.specs.map((s) => s.key).sort()).toEqual(["survey.design", "survey.ratings"]);
    const before = await readFile(join(tmp, "studies/mini/data/design.json"), "utf8");
    const invalid = {
      study: model.study,
      specs: model.specs.map((s) =>
        s.key === "survey.design" ? { ...s, content: { ids: ["psu"], weights: 3, colour: 1 } } : s,
      ),
    };
    const v = await send(`${M}/validate`, "POST", invalid);
    expect(((await v.json()) as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
    const put = await send(`${M}/model`, "PUT", invalid);
    expect(put.status).toBe(422);
    const text = JSON.stringify(await put.json());
    expect(text).toMatch(/design.json/);
    expect(text).toMatch(/unknown key \\"colour\\"/);
    expect(await readFile(join(tmp, "studies/mini/data/design.json"), "utf8")).toBe(before);
    const outside = {
      study: {
        ...model.study,
        survey: { ...(model.study.survey as object), design: "../../evil.json" },
      },
      specs: model.specs.map((s) =>
        s.key === "survey.design" ? { ...s, path: "../../evil.json" } : s,
      ),
    };
    expect((await send(`${M}/model`, "PUT", outside)).status).toBe(422);
    await expect(stat(join(tmp, "evil.json"))).rejects.toThrow();
    const edit = {
      study: { ...model.study, audiences: ["GBR", "DEU", "FRA"] },
      specs: model.specs,
    };
    const ok = await send(`${M}/model`, "PUT", edit);
    expect(ok.status).toBe(200);
    const yaml = await readFile(join(tmp, "studies/mini/study.yaml"), "utf8");
    expect(yaml).toMatch(/^# a survey-only study/);
    expect(yaml).toMatch(/audiences:\n {2}- GBR\n {2}- DEU\n {2}- FRA/);
  });
});

describe("framework", () => {
  const cols = ["Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"];
  it("writes framework.csv after the build's checks, refuses an invalid tree", async () => {
    const bad = await send(`${M}/framework`, "PUT", {
      columns: cols,
      rows: [
        [1, "a", "A", 1, 1, "Nowhere", "Indicator"],
        [2, "Index", "Index", 1, 1, null, "Aggregate"],
      ],
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toMatch(/Nowhere/);
    await expect(stat(join(tmp, "studies/mini/framework.csv"))).rejects.toThrow();
    expect((await send(`${M}/framework`, "PUT", { columns: cols, rows: "x" })).status).toBe(400);
    const ok = await send(`${M}/framework`, "PUT", {
      columns: cols,
      rows: [
        [1, "a", "A", 1, 2, "Index", "Indicator"],
        [1, "b", "B", -1, 1, "Index", "Indicator"],
        [2, "Index", "Index", 1, 1, null, "Aggregate"],
      ],
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ path: "framework.csv" });
    expect(await readFile(join(tmp, "studies/mini/framework.csv"), "utf8")).toMatch(
      /^Level,iCode,iName,Direction,Weight,Parent,Type\n1,a,A,1,2,Index,Indicator\n/,
    );
  });
});

describe("files", () => {
  const put = (name: string, body: RequestInit["body"]) =>
    call(`${M}/files/${name}`, { method: "PUT", body, headers: { "Content-Type": "text/csv" } });

  it("uploads into data/, never over an existing file, capped in size", async () => {
    const ok = await put("extra.csv", "a,b\n1,2\n3,4\n");
    expect(ok.status).toBe(201);
    expect(await ok.json()).toEqual({ path: "data/extra.csv" });
    expect(await readFile(join(tmp, "studies/mini/data/extra.csv"), "utf8")).toBe(
      "a,b\n1,2\n3,4\n",
    );
    const again = await put("extra.csv", "x\n");
    expect(again.status).toBe(409);
    expect(await readFile(join(tmp, "studies/mini/data/extra.csv"), "utf8")).toBe(
      "a,b\n1,2\n3,4\n",
    );
    const big = await put("big.csv", "x".repeat(MAX_UPLOAD + 1));
    expect(big.status).toBe(413);
    // Without Content-Length (a stream): stopped while reading.
    const stream = new ReadableStream({
      start(c) {
        for (let k = 0; k < 10; k++) c.enqueue(new TextEncoder().encode("y".repeat(1000)));
        c.close();
      },
    });
    const streamed = await app.request(`${M}/files/streamed.csv`, {
      method: "PUT",
      body: stream,
      headers: { "X-Softpower-Token": TOKEN },
      // Node's fetch needs duplex for a stream body.
      duplex: "half",
    });
    expect(streamed.status).toBe(413);
    const files = await readdir(join(tmp, "studies/mini/data"));
    expect(files.sort()).toEqual(["design.json", "extra.csv", "ratings.json", "survey.csv"]);
  });

  it("refuses traversal and odd names", async () => {
    for (const name of [
      "..%2Fevil.csv",
      "%2E%2E%2F%2E%2E%2Fevil.csv",
      ".hidden.csv",
      "evil.exe",
      "a%00.csv",
      "con%0A.csv",
      `${"x".repeat(120)}.csv`,
      "sub%2Fx.csv",
    ]) {
      const r = await put(name, "a\n1\n");
      expect([400, 404], name).toContain(r.status);
    }
    const files = await readdir(join(tmp, "studies/mini/data"));
    expect(files.sort()).toEqual(["design.json", "extra.csv", "ratings.json", "survey.csv"]);
    await expect(stat(join(tmp, "studies/evil.csv"))).rejects.toThrow();
  });

  it("lists files and previews them; paths outside the study are refused", async () => {
    const list = (await (await call(`${M}/files`)).json()) as { files: { path: string }[] };
    expect(list.files.map((f) => f.path)).toContain("data/survey.csv");
    const p = await call(`${M}/preview?path=data/survey.csv&rows=5`);
    expect(p.status).toBe(200);
    const preview = (await p.json()) as {
      rows: number;
      columns: { name: string; type: string }[];
      head: unknown[][];
    };
    expect(preview.rows).toBe(1500);
    expect(preview.head).toHaveLength(5);
    expect(preview.columns.find((c) => c.name === "country")?.type).toBe("text");
    expect(preview.columns.find((c) => c.name === "weight")?.type).toBe("number");
    for (const path of [
      "../../../../etc/passwd",
      "/etc/passwd",
      ".softpower/study.duckdb",
      "data/../../x",
    ]) {
      const r = await call(`${M}/preview?path=${encodeURIComponent(path)}`);
      expect(r.status, path).toBe(400);
    }
    expect((await call(`${M}/preview?path=data/none.csv`)).status).toBe(400);
  });

  it("estimates one rating under the design being set", async () => {
    const body = {
      data: "data/survey.csv",
      design: { ids: ["psu"], strata: "stratum", weights: "weight", nest: true },
      column: "usa_fav",
      top_box: [3, 4],
      dont_know_codes: [9],
      audience: "country",
    };
    const r = await send(`${M}/estimate`, "POST", body);
    expect(r.status).toBe(200);
    const e = (await r.json()) as {
      overall: { estimate: number; se: number; deff: number; n: number };
      audiences: { audience: string }[];
    };
    expect(e.overall.estimate).toBeGreaterThan(0);
    expect(e.overall.estimate).toBeLessThan(1);
    expect(e.overall.se).toBeGreaterThan(0);
    expect(e.overall.deff).toBeGreaterThan(0);
    expect(e.audiences.length).toBe(10);
    const bad = await send(`${M}/estimate`, "POST", { ...body, column: "nope" });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatch(/nope/);
    const outside = await send(`${M}/estimate`, "POST", { ...body, data: "../../x.csv" });
    expect(outside.status).toBe(400);
  });
});

describe("builds and sharing", () => {
  it("builds with live events; a second build while one runs gets 409", async () => {
    const first = await call(`${M}/builds`, { method: "POST" });
    expect(first.status).toBe(202);
    const second = await call(`${M}/builds`, { method: "POST" });
    expect(second.status).toBe(409);
    expect(await errorOf(second)).toMatch(/is running/);
    const events = await call(`${M}/builds/current/events`);
    expect(events.headers.get("Content-Type")).toMatch(/text\/event-stream/);
    const text = await events.text();
    const data = text
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; stage?: string; run?: string });
    expect(data.filter((e) => e.type === "stage").map((e) => e.stage)).toContain("survey");
    const done = data.at(-1)!;
    expect(done.type, text).toBe("done");
    const runs = (await (await call("/api/studies/mini/runs")).json()) as { id: string }[];
    expect(runs[0]?.id).toBe(done.run);
  }, 120_000);

  it("reports a failing build with the CLI's message", async () => {
    const yaml = join(tmp, "studies/new-one/study.yaml");
    await writeFile(
      yaml,
      "name: New one\ntargets: [USA]\nsurvey:\n  data: data/none.csv\n  design: { ids: [] }\n  ratings: { ratings: [{ target: USA, attribute: a, column: x }] }\n",
    );
    expect((await call("/api/studio/studies/new-one/builds", { method: "POST" })).status).toBe(202);
    const text = await (await call("/api/studio/studies/new-one/builds/current/events")).text();
    const last = JSON.parse(
      text
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .at(-1)!
        .slice(6),
    );
    expect(last.type).toBe("error");
    expect(last.message).toMatch(/survey.data.*file not found: data\/none.csv/);
  }, 60_000);

  it("zips the study folder, with or without data; downloads the report", async () => {
    const noData = unzipSync(new Uint8Array(await (await call(`${M}/export.zip`)).arrayBuffer()));
    expect(Object.keys(noData).sort()).toEqual([
      "mini/README.txt",
      "mini/data/design.json",
      "mini/data/ratings.json",
      "mini/study.yaml",
    ]);
    const withData = unzipSync(
      new Uint8Array(await (await call(`${M}/export.zip?data=1`)).arrayBuffer()),
    );
    expect(Object.keys(withData)).toContain("mini/data/survey.csv");
    expect(Object.keys(withData).some((k) => k.includes(".softpower"))).toBe(false);
    const html = await call(`${M}/report?format=html`);
    expect(html.status).toBe(200);
    expect(html.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(await html.text()).toMatch(/Mini survey/);
    expect((await call(`${M}/report?format=docx`)).status).toBe(400);
  }, 60_000);
});
