/**
 * End-to-end: the dashboard built by Vite, served by `softpower serve`'s app over a real port,
 * driven in Debian's headless Chromium through playwright-core, on a fresh build of the demo study
 * (and a survey-only copy of it, for the pages that must say what the run lacks).
 *
 * Chromium is required: without it every test fails with a message saying how to install it
 * (CI installs it with apt-get). Screenshots go to test-artifacts/dashboard/.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFramework } from "../../src/composite/framework.ts";
import { createReweighter } from "../../src/composite/reweight.ts";
import { metaFromTable } from "../../src/io/coin.ts";
import { createApp } from "../../src/server/app.ts";
import { type RunningServer, startServer } from "../../src/server/server.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.SOFTPOWER_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts", "dashboard");
const PAGES = [
  "overview",
  "weights",
  "profile",
  "head-to-head",
  "drivers",
  "media",
  "methodology",
] as const;

type Cell = string | number | boolean | null;
interface ApiTable {
  columns: string[];
  rows: Cell[][];
}

let tmp: string;
let server: RunningServer;
let context: BrowserContext;
let page: Page;
/** Console errors and uncaught page errors since the last `drain()`. */
let errors: string[] = [];

const run = promisify(execFile);

async function api<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, server.url));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const rowObjects = (t: ApiTable) =>
  t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j] ?? null])));

function drain(): string[] {
  const e = errors;
  errors = [];
  return e;
}

/** Copies the demo study (study.yaml and data) into `dir`, optionally rewriting its study.yaml. */
async function copyDemo(dir: string, yaml?: (text: string) => string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await cp(join(ROOT, "examples/demo/data"), join(dir, "data"), { recursive: true });
  const text = await readFile(join(ROOT, "examples/demo/study.yaml"), "utf8");
  await writeFile(join(dir, "study.yaml"), yaml ? yaml(text) : text);
}

/** The demo's study.yaml with the survey only (no drivers, media, index, polling or tech). */
function surveyOnly(text: string): string {
  const keep = ["name", "description", "synthetic", "targets", "audiences", "seed", "survey"];
  const out: string[] = [];
  let on = true;
  for (const line of text.split("\n")) {
    const key = /^([a-z_]+):/.exec(line)?.[1];
    if (key) on = keep.includes(key);
    if (on) out.push(line);
  }
  return out.join("\n").replace(/^name: .*$/m, "name: Demo survey only (synthetic data)");
}

async function buildStudy(dir: string): Promise<void> {
  await run(process.execPath, [join(ROOT, "bin/softpower.js"), "build", dir], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 16 * 2 ** 20,
  });
}

async function goto(hash: string): Promise<void> {
  await page.goto(`${server.url}${hash}`);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the dashboard's browser tests need it. Install it (apt-get install chromium) or point SOFTPOWER_CHROMIUM at a Chromium binary.`,
    );
  tmp = await mkdtemp(join(tmpdir(), "softpower-dashboard-"));
  const demo = join(tmp, "demo");
  const survey = join(tmp, "survey-only");
  const web = join(tmp, "web");
  await Promise.all([
    copyDemo(demo),
    copyDemo(survey, surveyOnly),
    mkdir(ARTIFACTS, { recursive: true }),
  ]);
  await Promise.all([
    buildStudy(demo),
    buildStudy(survey),
    build({
      configFile: join(ROOT, "web/vite.config.ts"),
      logLevel: "warn",
      build: { outDir: web, emptyOutDir: true },
    }),
  ]);
  const app = createApp({
    studies: [
      { id: "demo", dir: demo },
      { id: "survey-only", dir: survey },
    ],
    webRoot: web,
  });
  server = await startServer({ app, port: 0 });
  context = await chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("dashboard in Chromium", () => {
  it("the overview's map draws exactly one shape per country with an index score", async () => {
    const scores = await api<ApiTable>("api/studies/demo/runs/latest/tables/index_scores");
    const withData = rowObjects(scores)
      .filter((r) => typeof r.score === "number" && Number.isFinite(r.score))
      .map((r) => String(r.uCode))
      .sort();
    expect(withData.length).toBe(60);
    await goto("#/overview?study=demo");
    await page.locator("svg.world .country.has-data").first().waitFor();
    await page.locator("[data-testid=ranking] tbody tr").first().waitFor();
    const drawn = await page
      .locator("svg.world [data-iso3]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-iso3")));
    expect([...drawn].sort()).toEqual(withData);
    expect(await page.locator("[data-testid=ranking] tbody tr").count()).toBe(60);
    expect(await page.locator("html[data-interactive=true]").count()).toBe(1);
    await shot("overview");
    expect(drain()).toEqual([]);
  });

  it("moving weight sliders changes the ranks exactly as the engine computes them", async () => {
    const base = "api/studies/demo/runs/latest";
    const [framework, normalised, info] = await Promise.all([
      api<ApiTable>(`${base}/tables/index_framework`),
      api<ApiTable>(`${base}/tables/index_stage_normalised`),
      api<{ config: { index: { pipeline: { aggregate?: { method?: "a_amean" } } } } }>(base),
    ]);
    await goto("#/weights?study=demo");
    const tech = page.locator("input#w-Tech");
    await tech.waitFor();
    await tech.focus();
    await page.keyboard.press("Home"); // Technology to 0
    const culture = page.locator("input#w-Culture");
    await culture.focus();
    for (let k = 0; k < 15; k++) await page.keyboard.press("ArrowRight"); // 1 → 2.5
    await page
      .getByRole("button", { name: /Show 3 indicators/ })
      .first()
      .click(); // EduSci
    const unis = page.locator("input#w-top_universities");
    await unis.focus();
    for (let k = 0; k < 20; k++) await page.keyboard.press("ArrowRight"); // 1 → 3
    expect(await tech.inputValue()).toBe("0");
    expect(await culture.inputValue()).toBe("2.5");
    expect(await unis.inputValue()).toBe("3");
    // The URL holds the weights (shareable), and the page recomputed from them.
    const w = new URLSearchParams(new URL(page.url()).hash.split("?")[1]).get("w") ?? "";
    const weights = Object.fromEntries(
      w.split(",").map((p) => {
        const [code, value] = p.split(":");
        return [code!, Number(value)];
      }),
    );
    expect(weights).toEqual({ Tech: 0, Culture: 2.5, top_universities: 3 });
    const shown = Object.fromEntries(
      await page
        .locator("[data-testid=reweighted] tbody tr")
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.getAttribute("data-iso3"),
            Number(r.querySelector(".new-rank")?.textContent),
          ]),
        ),
    ) as Record<string, number>;
    // The same computation in Node, through the CLI's own framework reader.
    const fw = buildFramework(
      metaFromTable({
        file: "index_framework",
        columns: framework.columns,
        rows: framework.rows.map((r) => r.map((c) => (c === null ? "" : String(c)))),
        lines: framework.rows.map((_, i) => i + 2),
      }),
    );
    const u = normalised.columns.indexOf("uCode");
    const codes = normalised.columns.filter((c) => fw.indicators.includes(c));
    const dataset = {
      units: normalised.rows.map((r) => String(r[u])),
      codes,
      values: codes.map((c) => {
        const j = normalised.columns.indexOf(c);
        return Float64Array.from(normalised.rows, (r) =>
          r[j] === null ? Number.NaN : Number(r[j]),
        );
      }),
    };
    const rw = createReweighter(dataset, fw, {
      method: info.config.index.pipeline.aggregate?.method,
    });
    const expected = rw.run(weights).rank;
    const nominal = rw.run({}).rank;
    expect(Object.keys(shown).sort()).toEqual([...dataset.units].sort());
    for (const [i, unit] of dataset.units.entries()) expect(shown[unit], unit).toBe(expected[i]);
    // With the stored weights the engine gives the stored ranks (the calculator's baseline).
    const stored = new Map(
      rowObjects(await api<ApiTable>(`${base}/tables/index_scores`)).map((r) => [r.uCode, r.rank]),
    );
    for (const [i, unit] of dataset.units.entries())
      expect(nominal[i], unit).toBe(stored.get(unit));
    const moved = dataset.units.filter((_, i) => expected[i] !== nominal[i]);
    expect(moved.length).toBeGreaterThan(5);
    await shot("weights");
    // Reset: back to the stored ranks, and the weights leave the URL.
    await page.getByRole("button", { name: "Reset weights" }).click();
    await expect.poll(() => tech.inputValue()).toBe("1");
    expect(new URL(page.url()).hash).not.toContain("w=");
    const reset = Object.fromEntries(
      await page
        .locator("[data-testid=reweighted] tbody tr")
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.getAttribute("data-iso3"),
            Number(r.querySelector(".new-rank")?.textContent),
          ]),
        ),
    ) as Record<string, number>;
    for (const [i, unit] of dataset.units.entries()) expect(reset[unit], unit).toBe(nominal[i]);
    expect(drain()).toEqual([]);
  });

  it("the head-to-head cells equal the API's numbers for the chosen wave and segment", async () => {
    await goto("#/head-to-head?study=demo");
    const matrix = page.locator("[data-testid=h2h-matrix]");
    await matrix.waitFor();
    await page.locator("#h2h-pair").selectOption("USA vs CHN");
    await page.locator("#h2h-wave").selectOption("1");
    await page.locator("#h2h-segment").selectOption("age_band=18-29");
    await expect.poll(() => matrix.getAttribute("data-segment")).toBe("age_band=18-29");
    expect(await matrix.getAttribute("data-wave")).toBe("1");
    const q = "target_a=USA&target_b=CHN&wave=1&segment=age_band%3D18-29";
    const h2h = rowObjects(
      await api<ApiTable>(`api/studies/demo/runs/latest/survey/head-to-head?${q}`),
    );
    expect(h2h.length).toBe(90); // 10 audiences × 9 attributes
    const cells = await page.locator("td.cell[data-audience]").evaluateAll((tds) =>
      tds.map((td) => ({
        audience: td.getAttribute("data-audience"),
        attribute: td.getAttribute("data-attribute"),
        diff: td.getAttribute("data-diff"),
        low: td.getAttribute("data-ci-low"),
        high: td.getAttribute("data-ci-high"),
        leader: td.getAttribute("data-leader"),
        significant: td.getAttribute("data-significant"),
        sigClass: td.classList.contains("sig"),
        star: td.querySelector(".star") !== null,
        text: td.querySelector(".diff")?.textContent ?? "",
        ciText: td.querySelector(".ci")?.textContent ?? "",
      })),
    );
    expect(cells.length).toBe(h2h.length);
    const byKey = new Map(cells.map((c) => [`${c.audience}|${c.attribute}`, c]));
    for (const r of h2h) {
      const c = byKey.get(`${r.audience_iso3}|${r.attribute}`);
      expect(c, `${r.audience_iso3} ${r.attribute}`).toBeDefined();
      const sig = r.significant === true || r.significant === "TRUE" || r.significant === "true";
      expect(Number(c!.diff)).toBe(r.diff);
      expect(Number(c!.low)).toBe(r.ci_low);
      expect(Number(c!.high)).toBe(r.ci_high);
      expect(c!.leader).toBe(String(r.leader ?? ""));
      expect(c!.significant).toBe(String(sig));
      expect(c!.sigClass).toBe(sig);
      expect(c!.star).toBe(sig);
      const d = Number(r.diff);
      expect(c!.text.replace("★", "")).toBe(`${d > 0 ? "+" : ""}${d.toFixed(2)}`);
      expect(c!.ciText).toBe(`[${Number(r.ci_low).toFixed(2)}, ${Number(r.ci_high).toFixed(2)}]`);
    }
    await shot("head-to-head");
    expect(drain()).toEqual([]);
  });

  it("the head-to-head test panel shows the stored Rao-Scott F and column % of a rating by segment", async () => {
    await goto("#/head-to-head?study=demo");
    const panel = page.locator("[data-testid=xtab-panel]");
    await panel.waitFor();
    await page.locator("#h2h-wave").selectOption("1");
    await page.locator("#xtab-rating").selectOption("usa_fav");
    await page.locator("#xtab-segment").selectOption("gender");
    await page.locator("#xtab-audience").selectOption("JPN");
    const q = "wave=1&column=usa_fav&segment=gender&audience_iso3=JPN";
    const [test] = rowObjects(
      await api<ApiTable>(`api/studies/demo/runs/latest/survey/crosstab?part=tests&${q}`),
    );
    const cells = rowObjects(
      await api<ApiTable>(`api/studies/demo/runs/latest/survey/crosstab?part=cells&${q}`),
    );
    const shown = page.locator("[data-testid=xtab-test]");
    await expect.poll(() => shown.getAttribute("data-statistic")).toBe(String(test!.statistic));
    expect(await shown.getAttribute("data-ddf")).toBe(String(test!.ddf));
    expect(await shown.getAttribute("data-p")).toBe(String(test!.p_value));
    const props = await page
      .locator("[data-testid=xtab-cells] td")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-col-prop")));
    expect(props.map(Number).sort()).toEqual(cells.map((c) => Number(c.col_prop)).sort());
    await shot("head-to-head-test");
    expect(drain()).toEqual([]);
  });

  it("every page loads without console errors and shows the synthetic-data banner", async () => {
    for (const p of PAGES) {
      await goto(`#/${p}?study=demo`);
      await page.locator(`main[data-page="${p}"]`).waitFor();
      await expect.poll(() => page.locator("main .loading").count(), { timeout: 10_000 }).toBe(0);
      await expect(page.locator("[data-testid=synthetic-banner]").isVisible()).resolves.toBe(true);
      expect(await page.locator("main .error-box").count(), p).toBe(0);
      expect(await page.locator("main [data-testid=missing]").count(), p).toBe(0);
      await shot(`page-${p}`);
      expect(drain(), p).toEqual([]);
    }
  });

  it("profile strengths come from the stored get_str_weak table; methodology shows the framework tree, leave-one-out and correlation flags", async () => {
    await goto("#/profile?study=demo&c=USA");
    const strengths = page.locator("[data-testid=strengths] tbody tr");
    await strengths.first().waitFor();
    const stored = rowObjects(
      await api<ApiTable>("api/studies/demo/runs/latest/tables/index_strengths"),
    ).filter((r) => r.uCode === "USA" && r.kind === "strength");
    expect(await strengths.count()).toBe(stored.length);
    expect(await strengths.first().locator("td").first().textContent()).toBe(
      String(stored[0]!.name),
    );
    await goto("#/methodology?study=demo");
    await page.locator("[data-testid=chart-framework-tree] svg").first().waitFor();
    const tree = await page.locator("main").textContent();
    // The index's own effective weight is 100%.
    expect(tree).toContain("100.0%");
    await page.locator("[data-testid=corr-flags], [data-testid=no-corr-flags]").first().waitFor();
    expect(await page.locator("main").textContent()).toContain("What moves the ranks most");
    expect(drain()).toEqual([]);
  });

  it("charts export PNG, SVG and CSV", async () => {
    await goto("#/drivers?study=demo");
    const fig = page.locator("figure.chart").first();
    await fig.locator("svg").first().waitFor();
    const save = async (label: string) => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        fig.getByRole("button", { name: label }).click(),
      ]);
      const file = join(ARTIFACTS, download.suggestedFilename());
      await download.saveAs(file);
      return readFile(file);
    };
    const png = await save("PNG");
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const svg = (await save("SVG")).toString("utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    const csv = (await save("CSV")).toString("utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "analysis,target,by,group,predictor,method,value,share,ci_low,ci_high,rank,r2",
    );
    expect(drain()).toEqual([]);
  });

  it("the media page shows the sentences behind a tone figure", async () => {
    await goto("#/media?study=demo");
    const overall = page.locator("[data-testid=tone-overall]");
    await overall.waitFor();
    await overall.getByRole("button", { name: "Show sentences" }).first().click();
    const items = page.locator("[data-testid=evidence] li");
    await items.first().waitFor();
    expect(await items.count()).toBeGreaterThan(0);
    expect((await items.first().locator("blockquote").textContent())?.length).toBeGreaterThan(10);
    expect(drain()).toEqual([]);
  });

  it("pages whose tables the run lacks say so instead of failing", async () => {
    for (const p of ["overview", "weights", "profile", "drivers", "media"] as const) {
      await goto(`#/${p}?study=survey-only`);
      await page.locator(`main[data-page="${p}"] [data-testid=missing]`).waitFor();
    }
    await goto("#/head-to-head?study=survey-only");
    await page.locator("[data-testid=h2h-matrix]").waitFor();
    await goto("#/methodology?study=survey-only");
    await page.locator("[data-testid=no-sensitivity]").waitFor();
    await shot("survey-only-overview-missing");
    expect(drain()).toEqual([]);
  });
});
