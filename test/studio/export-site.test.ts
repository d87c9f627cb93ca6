/**
 * The static, read-only copy of a run's dashboard (`softpower export-site`, the workbench's
 * Share page): exported from the demo study, served by a plain static file server (node:http,
 * files only, no API, under a sub-path as on any web server) and opened in Debian's headless
 * Chromium: the ranking shows the stored scores, the head-to-head page loads, nothing asks for
 * /api/. Also: the zip from the studio route (token needed) and the CLI's errors (exit 2).
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDirAtomic } from "../../src/io/write.ts";
import { createApp } from "../../src/server/app.ts";
import { STATIC_META, staticSite } from "../../src/server/export-site.ts";
import { studioRoutes } from "../../src/server/studio-routes.ts";
import { storePath } from "../../src/store/db.ts";
import { readRunTable } from "../../src/store/read.ts";
import { BuildRunner } from "../../src/studio/build-runner.ts";
import { Workspace } from "../../src/studio/workspace.ts";
import { spawnTsx } from "../helpers/child.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.SOFTPOWER_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts", "studio");
const TOKEN = "5a".repeat(32);
const run = promisify(execFile);

let tmp: string;
let demo: string;
let web: string;
let site: string;
let fileServer: Server;
let base: string;
let context: BrowserContext;
let page: Page;
const errors: string[] = [];
const requested: string[] = [];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".txt": "text/plain",
};

/** A plain static file server of `root` under `/share/site/`: files only, nothing else. */
function serveFiles(root: string): Promise<Server> {
  const s = createServer(async (req, res) => {
    requested.push(req.url ?? "");
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const prefix = "/share/site/";
    const rel = path.startsWith(prefix) ? path.slice(prefix.length) || "index.html" : undefined;
    const file = rel === undefined ? undefined : resolve(root, rel);
    if (!file?.startsWith(root + sep) || !(await stat(file).catch(() => null))?.isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(await readFile(file));
  });
  return new Promise((done) => s.listen(0, "127.0.0.1", () => done(s)));
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "softpower-export-site-"));
  demo = join(tmp, "studies", "demo");
  web = join(tmp, "web");
  site = join(tmp, "site");
  await mkdir(demo, { recursive: true });
  await mkdir(ARTIFACTS, { recursive: true });
  await cp(join(ROOT, "examples/demo/data"), join(demo, "data"), { recursive: true });
  await cp(join(ROOT, "examples/demo/study.yaml"), join(demo, "study.yaml"));
  await Promise.all([
    run(process.execPath, [join(ROOT, "bin/softpower.js"), "build", demo], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      maxBuffer: 16 * 2 ** 20,
    }),
    build({
      configFile: join(ROOT, "web/vite.config.ts"),
      logLevel: "warn",
      build: { outDir: web, emptyOutDir: true },
    }),
  ]);
  const s = await staticSite({ id: "demo", dir: demo }, "latest", web);
  await writeDirAtomic(site, Object.fromEntries(s.files));
  fileServer = await serveFiles(site);
  const a = fileServer.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/share/site/`;
  context = await chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1300, height: 1000 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
}, 240_000);

afterAll(async () => {
  await context?.close();
  await new Promise((done) => (fileServer ? fileServer.close(done) : done(null)));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("softpower export-site: the dashboard without a server API", () => {
  it("writes the marker, the run's tables as JSON and the dashboard build", async () => {
    const html = await readFile(join(site, "index.html"), "utf8");
    expect(html).toContain(STATIC_META);
    const marker = JSON.parse(await readFile(join(site, "static.json"), "utf8"));
    expect(marker.study).toBe("demo");
    expect(marker.synthetic).toBe(true);
    const stored = await readRunTable(storePath(demo), "latest", "index_scores");
    const baked = JSON.parse(
      await readFile(
        join(site, `data/studies/demo/runs/${marker.run}/tables/index_scores.json`),
        "utf8",
      ),
    );
    expect(baked.columns).toEqual(stored.columns);
    expect(baked.rows).toEqual(stored.rows);
    for (const t of marker.tables as string[])
      expect(
        (await stat(join(site, `data/studies/demo/runs/${marker.run}/tables/${t}.json`))).isFile(),
      ).toBe(true);
  });

  it("opened in Chromium from a plain file server, it shows the stored scores", async () => {
    const t = await readRunTable(storePath(demo), "latest", "index_scores");
    const rows = t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])));
    const top = rows.find((r) => Number(r.rank) === 1)!;
    await page.goto(`${base}#/overview`);
    const cell = page.locator(`[data-testid=ranking] tr[data-iso3=${top.uCode}] td.num`).nth(1);
    await cell.waitFor();
    expect(await cell.textContent()).toBe(Number(top.score).toFixed(1));
    expect(await page.locator("[data-testid=ranking] tbody tr").count()).toBe(
      rows.filter((r) => typeof r.score === "number").length,
    );
    expect(await page.locator("footer").textContent()).toContain("static, read-only copy");
    expect(await page.locator('a[href="#/studio"]').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "static-site.png"), fullPage: true });
    await page.goto(`${base}#/head-to-head`);
    await page.locator("[data-testid=h2h-matrix]").waitFor();
    expect(await page.locator("td.cell[data-audience]").count()).toBeGreaterThan(0);
    expect(requested.filter((u) => u.includes("/api/"))).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);

  it("the workbench's Share link: site.zip of the latest run, token required", async () => {
    const workspace = new Workspace(join(tmp, "studies"));
    const app = createApp({
      studies: workspace.list(),
      webRoot: web,
      studio: studioRoutes({ workspace, token: TOKEN, runner: new BuildRunner(), webRoot: web }),
    });
    const url = "/api/studio/studies/demo/site.zip?run=latest";
    expect((await app.request(url)).status).toBe(403);
    const r = await app.request(`${url}&token=${TOKEN}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("application/zip");
    const entries = unzipSync(new Uint8Array(await r.arrayBuffer()));
    const names = Object.keys(entries);
    const folder = names[0]!.split("/")[0]!;
    expect(folder).toMatch(/^demo-.+-site$/);
    expect(names).toContain(`${folder}/static.json`);
    expect(names).toContain(`${folder}/index.html`);
    expect(names.some((n) => n.endsWith("/tables/index_scores.json"))).toBe(true);
    const bad = await app.request(`/api/studio/studies/demo/site.zip?run=nosuch&token=${TOKEN}`);
    expect(bad.status).toBe(400);
  });

  it("the CLI names an unknown run and a folder of several studies (exit 2)", async () => {
    const main = join(ROOT, "src/cli/main.ts");
    const a = spawnTsx(main, ["export-site", demo, "--run", "nosuch", "--out", join(tmp, "x")]);
    expect((await a.exited).code).toBe(2);
    expect(a.stderr()).toMatch(/nosuch/);
    await cp(join(demo, "study.yaml"), join(tmp, "studies", "second", "study.yaml"));
    const b = spawnTsx(main, ["export-site", join(tmp, "studies")]);
    expect((await b.exited).code).toBe(2);
    expect(b.stderr()).toMatch(/holds 2 studies/);
  }, 60_000);
});
