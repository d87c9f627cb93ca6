/**
 * The workbench in Debian's headless Chromium (playwright-core), as a new user would, through
 * the UI only: create a study, upload the data, set the design and the ratings, watch the live
 * estimate, build with live progress, and check the numbers against `softpower build` of the
 * same study (the written study.yaml, and for Pew 2005 the example study). axe-core checks every
 * workbench page for serious or critical violations; the new-study form is filled with the
 * keyboard alone.
 *
 * 1. Synthetic demo survey data: always runs.
 * 2. Pew 2005 (11-country .sav from ../shared): skips with a visible message without it.
 * 3. An index of two pillars from the demo's synthetic indicators (always runs): build, change
 *    one weight in the framework tree and the normalisation, rebuild, ranks equal the CLI's.
 * Screenshots go to test-artifacts/studio/.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { type RunningServer, startServer } from "../../src/server/server.ts";
import { studioRoutes } from "../../src/server/studio-routes.ts";
import { storePath } from "../../src/store/db.ts";
import { readRunTable } from "../../src/store/read.ts";
import type { TableData } from "../../src/store/types.ts";
import { BuildRunner } from "../../src/studio/build-runner.ts";
import { readModel } from "../../src/studio/model.ts";
import { Workspace } from "../../src/studio/workspace.ts";
import { buildStudy } from "../../src/study/build.ts";
import { loadStudy } from "../../src/study/load.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.SOFTPOWER_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts", "studio");
const TOKEN = "c0ffee".repeat(10);
const PEW = hasShared ? sharedPath("survey/pew-2005/pew_gap_2005_11country.sav") : "";

let tmp: string;
let server: RunningServer;
let runner: BuildRunner;
let context: BrowserContext;
let page: Page;
let axeSource: string;
const errors: string[] = [];
/** The demo's indicators that the two-pillar index does not use (iMeta Type Other). */
const OTHER = [
  "hightech_exports",
  "ip_receipts_usd_bn",
  "top_universities",
  "intl_students",
  "articles_pm",
  "cultural_exports_usd_bn",
  "governance",
  "press_freedom",
  "hdi",
  "embassies",
  "aid_usd_bn",
  "intl_orgs",
  "gdp_pc_usd",
  "ease_business",
  "fdi_inflow_usd_bn",
];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "softpower-workbench-"));
  const web = join(tmp, "web");
  await mkdir(join(tmp, "studies"), { recursive: true });
  await mkdir(ARTIFACTS, { recursive: true });
  await build({
    configFile: join(ROOT, "web/vite.config.ts"),
    logLevel: "warn",
    build: { outDir: web, emptyOutDir: true },
  });
  axeSource = await readFile(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
  const workspace = new Workspace(join(tmp, "studies"));
  runner = new BuildRunner([process.execPath, "--import", "tsx", join(ROOT, "src/cli/main.ts")]);
  const app = createApp({
    studies: workspace.list(),
    webRoot: web,
    studio: studioRoutes({ workspace, token: TOKEN, runner }),
  });
  server = await startServer({ app, port: 0 });
  context = await chromium.launchPersistentContext(join(tmp, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1300, height: 1000 },
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
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    // A 400 while the user is still typing (the live estimate of a half-set design) is expected.
    if (m.type() === "error" && !/Failed to load resource: .* 400/.test(m.text()))
      errors.push(`console: ${m.text()}`);
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await runner?.stopAll();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** axe-core on the current page (evaluated through the DevTools protocol, so CSP allows it). */
async function axe(label: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await (
      globalThis as unknown as {
        axe: {
          run: (
            context: unknown,
            o: unknown,
          ) => Promise<{
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe.run((globalThis as unknown as { document: unknown }).document, {
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${label}: ${JSON.stringify(serious)}`).toEqual([]);
}

const tables = (dir: string, table: string) => readRunTable(storePath(dir), "latest", table);
const rowsOf = (t: TableData) =>
  t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])));

/** Creates a study through the New study form, with the keyboard only. */
async function createStudy(name: string, targets: string[]): Promise<void> {
  await page.goto(`${server.url}?token=${TOKEN}#/studio`);
  await page.getByRole("heading", { name: "New study" }).waitFor();
  await page.locator("#new-name").focus();
  await page.keyboard.type(name);
  await page.keyboard.press("Tab");
  await page.keyboard.type(targets[0]!);
  await page.keyboard.press("Enter");
  for (const t of targets.slice(1)) {
    await page.keyboard.type(t);
    await page.keyboard.press("Enter");
  }
  await page.keyboard.press("Tab"); // Add
  await page.keyboard.press("Tab"); // Create study
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: /: Data$/ }).waitFor();
}

/** Sets the survey page's design and ratings through its controls. */
async function setSurvey(o: {
  data: string;
  weight: string;
  strata?: string;
  psu?: string;
  nest?: boolean;
  audience: string;
  top: string;
  dk: string;
  ratings: [column: string, target: string, attribute: string][];
}): Promise<void> {
  await page.getByRole("link", { name: "3. Survey" }).click();
  await page.getByLabel("Survey data file").selectOption(o.data);
  await page.getByTestId("survey-rows").waitFor();
  await page.getByLabel("Weight", { exact: true }).selectOption(o.weight);
  if (o.strata) await page.getByLabel("Strata").selectOption(o.strata);
  if (o.psu) await page.getByLabel("Cluster (PSU)").selectOption(o.psu);
  if (o.nest) await page.getByLabel(/\(nest\)$/).check();
  await page.getByLabel("Audience variable").selectOption(o.audience);
  await page.getByLabel(/^Top-box codes/).fill(o.top);
  await page.getByLabel(/^Don't-know codes/).fill(o.dk);
  for (const [k, [column, target, attribute]] of o.ratings.entries()) {
    await page.getByRole("button", { name: "Add a rating" }).click();
    await page.getByLabel(`Rating ${k + 1} column`).selectOption(column);
    await page.getByLabel(`Rating ${k + 1} target`).fill(target);
    await page.getByLabel(`Rating ${k + 1} attribute`).fill(attribute);
  }
}

/** Builds from the Build page and waits for the run; returns the progress lines seen. */
async function buildFromUi(): Promise<string[]> {
  await page.getByRole("link", { name: "6. Build" }).click();
  await page.getByRole("button", { name: "Save and build" }).click();
  await page
    .getByText(/^Built run |^The build failed/)
    .first()
    .waitFor({ timeout: 120_000 });
  const status = (await page.getByTestId("build-status").textContent()) ?? "";
  if (!/Built run/.test(status))
    throw new Error(
      `build failed: ${status}; ${await page.getByTestId("save-status").textContent()}`,
    );
  return page.getByTestId("build-progress").locator("li").allTextContents();
}

describe("workbench in Chromium", () => {
  it("synthetic demo survey: create, upload, design, ratings, live estimate, build = CLI build", async () => {
    await createStudy("Demo workbench", ["United States (USA)", "China (CHN)"]);
    await axe("data page");
    await page.locator("#upload").setInputFiles(join(ROOT, "examples/demo/data/survey.csv"));
    await expect
      .poll(() => page.getByTestId("preview-summary").textContent(), { timeout: 30_000 })
      .toMatch(/data\/survey.csv: 1,500 rows, \d+ columns/);
    await page.screenshot({ path: join(ARTIFACTS, "data.png") });
    await setSurvey({
      data: "data/survey.csv",
      weight: "weight",
      strata: "stratum",
      psu: "psu",
      nest: true,
      audience: "country",
      top: "3, 4",
      dk: "9",
      ratings: [
        ["usa_fav", "USA", "favourability"],
        ["chn_fav", "CHN", "favourability"],
      ],
    });
    await expect
      .poll(() => page.getByTestId("estimate").textContent(), { timeout: 30_000 })
      .toMatch(
        /USA favourability: [\d.]+% in the top box \(SE [\d.]+ points, design effect [\d.]+, n = \d+\)/,
      );
    await page.screenshot({ path: join(ARTIFACTS, "survey.png"), fullPage: true });
    await axe("survey page");
    for (const p of ["1. Study", "4. Index", "5. Drivers and media", "7. Share"]) {
      await page.getByRole("link", { name: p }).click();
      await page.getByRole("heading", { level: 3 }).first().waitFor();
      await axe(p);
    }
    const progress = await buildFromUi();
    expect(progress.join("\n")).toMatch(/survey: \d+ ms/);
    await page.screenshot({ path: join(ARTIFACTS, "build.png"), fullPage: true });
    await axe("build page");
    // The written study.yaml is plain: softpower build of a copy gives the same numbers.
    const dir = join(tmp, "studies", "demo-workbench");
    const yaml = await readFile(join(dir, "study.yaml"), "utf8");
    expect(yaml).toMatch(/weights: weight/);
    const copy = join(tmp, "copy-demo");
    await mkdir(copy, { recursive: true });
    await cp(join(dir, "data"), join(copy, "data"), { recursive: true });
    await writeFile(join(copy, "study.yaml"), yaml);
    const cli = await buildStudy(await loadStudy(copy), { export: false });
    const ui = await tables(dir, "survey_ratings");
    expect(rowsOf(ui)).toEqual(rowsOf(cli.run.tables.survey_ratings!));
    expect(rowsOf(ui).some((r) => r.target === "CHN" && r.audience === "GBR")).toBe(true);
    // Open the run's pages from the build page.
    await page.getByRole("link", { name: "Open the run's pages" }).click();
    await page.locator('main[data-page="overview"]').waitFor();
    expect(errors).toEqual([]);
  }, 300_000);

  it.skipIf(!hasShared)(
    "Pew 2005: % favourable and the head-to-head equal softpower build examples/pew-2005",
    async () => {
      await createStudy("Pew 2005 workbench", ["United States (USA)", "China (CHN)"]);
      await page.locator("#upload").setInputFiles(PEW);
      await expect
        .poll(() => page.getByTestId("preview-summary").textContent(), { timeout: 60_000 })
        .toMatch(/pew_gap_2005_11country.sav: [\d,]+ rows/);
      await setSurvey({
        data: "data/pew_gap_2005_11country.sav",
        weight: "weight",
        audience: "country",
        top: "1, 2",
        dk: "8, 9",
        ratings: [
          ["Q5a", "USA", "favourability"],
          ["Q5c", "CHN", "favourability"],
        ],
      });
      await expect
        .poll(() => page.getByTestId("estimate").textContent(), { timeout: 30_000 })
        .toMatch(/% in the top box/);
      const ms = Number(
        /· (\d+) ms/.exec((await page.getByTestId("estimate").textContent()) ?? "")?.[1],
      );
      // Shown with its time; the target (<= 300 ms) is measured by bench/studio.ts, not here.
      expect(Number.isFinite(ms)).toBe(true);
      await buildFromUi();
      // The example study, built from a copy (its data path made absolute).
      const example = join(tmp, "pew-example");
      await cp(join(ROOT, "examples/pew-2005"), example, {
        recursive: true,
        filter: (s) => !/\/(out|\.softpower)$/.test(s),
      });
      const y = (await readFile(join(example, "study.yaml"), "utf8")).replace(
        /data: \.\.\/\.\.\/\.\.\/shared\/data\/\S+/,
        `data: ${PEW}`,
      );
      await writeFile(join(example, "study.yaml"), y);
      const ref = await buildStudy(await loadStudy(example), { export: false });
      const codes = (await loadStudy(example)).survey!.audienceCodes;
      const dir = join(tmp, "studies", "pew-2005-workbench");
      const key = (r: Record<string, unknown>) =>
        `${codes[String(r.audience)] ?? r.audience}|${r.target}|${r.attribute}`;
      const pick = (t: TableData, targets: string[]) =>
        new Map(
          rowsOf(t)
            .filter(
              (r) =>
                r.segment === "all" &&
                targets.includes(String(r.target)) &&
                r.attribute === "favourability",
            )
            .map((r) => [key(r), [r.estimate, r.se, r.n]]),
        );
      const ui = pick(await tables(dir, "survey_ratings"), ["USA", "CHN"]);
      const cli = pick(ref.run.tables.survey_ratings!, ["USA", "CHN"]);
      expect(ui.size).toBe(22);
      expect(ui).toEqual(cli);
      const h2h = (t: TableData) =>
        new Map(
          rowsOf(t)
            .filter(
              (r) =>
                r.segment === "all" &&
                r.attribute === "favourability" &&
                r.target_a === "USA" &&
                r.target_b === "CHN",
            )
            .map((r) => [
              String(codes[String(r.audience)] ?? r.audience),
              [r.diff, r.se, r.leader, r.significant],
            ]),
        );
      const uiH = h2h(await tables(dir, "survey_head_to_head"));
      expect(uiH.size).toBe(11);
      expect(uiH).toEqual(h2h(ref.run.tables.survey_head_to_head!));
      expect(errors).toEqual([]);
    },
    300_000,
  );
  it("index with two pillars: build, change one weight and one normalisation, rebuild = CLI ranks", async () => {
    // Two pillars of the demo's synthetic indicators (a new framework file, uploaded as a user would).
    const meta = join(tmp, "two-pillars-iMeta.csv");
    await writeFile(
      meta,
      [
        "Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type",
        "1,rd_gdp,R&D expenditure,1,1,% of GDP,NA,NA,Tech,Indicator",
        "1,patents_pm,Patent applications,1,1,per million,NA,NA,Tech,Indicator",
        "1,internet_users,Internet users,1,1,%,NA,NA,Tech,Indicator",
        "1,heritage_sites,World Heritage sites,1,1,count,NA,NA,Culture,Indicator",
        "1,tourist_arrivals_m,Tourist arrivals,1,1,millions,NA,NA,Culture,Indicator",
        "2,Tech,Technology,1,1,Score,NA,NA,Index,Aggregate",
        "2,Culture,Culture,1,1,Score,NA,NA,Index,Aggregate",
        "3,Index,Two-pillar index,1,1,Score,NA,NA,NA,Aggregate",
        "NA,population_m,Population,NA,NA,millions,NA,NA,NA,Denominator",
        ...OTHER.map((c) => `NA,${c},${c},NA,NA,NA,NA,NA,NA,Other`),
        "",
      ].join("\n"),
    );
    await createStudy("Index workbench", ["United States (USA)", "China (CHN)"]);
    await page
      .locator("#upload")
      .setInputFiles([meta, join(ROOT, "examples/demo/data/indicators.csv")]);
    await expect
      .poll(() => page.getByTestId("preview-summary").textContent(), { timeout: 30_000 })
      .toMatch(/indicators.csv: 60 rows/);
    await page.getByRole("link", { name: "4. Index" }).click();
    await page.getByLabel("Framework (iMeta file)").selectOption("data/two-pillars-iMeta.csv");
    await page.getByLabel("Indicators (iData file)").selectOption("data/indicators.csv");
    await page.getByLabel("Normalise", { exact: true }).selectOption("n_minmax");
    await page.getByLabel("Weight of Tech").waitFor();
    await axe("index page with the framework");
    await buildFromUi();
    const dir = join(tmp, "studies", "index-workbench");
    const ranks = async () =>
      new Map(rowsOf(await tables(dir, "index_scores")).map((r) => [String(r.uCode), r.rank]));
    const first = await ranks();
    // Change one weight (Culture counts 3 times) and one normalisation (z-scores).
    await page.getByRole("link", { name: "4. Index" }).click();
    await page.getByLabel("Weight of Culture").fill("3");
    await page.getByRole("button", { name: "Save framework" }).click();
    await page.getByText(/Framework saved to framework.csv/).waitFor();
    await page.getByLabel("Normalise", { exact: true }).selectOption("n_zscore");
    await page.screenshot({ path: join(ARTIFACTS, "index.png"), fullPage: true });
    await buildFromUi();
    const second = await ranks();
    expect(second).not.toEqual(first);
    const yaml = await readFile(join(dir, "study.yaml"), "utf8");
    expect(yaml).toMatch(/meta: framework.csv/);
    expect(yaml).toMatch(/n_zscore/);
    expect(await readFile(join(dir, "data/two-pillars-iMeta.csv"), "utf8")).toMatch(
      /Culture,1,1,Score/,
    );
    // softpower build of a copy of the written folder: the same ranks.
    const copy = join(tmp, "copy-index");
    await cp(dir, copy, { recursive: true, filter: (src) => !/\/(\.softpower|out)$/.test(src) });
    const cli = await buildStudy(await loadStudy(copy), { export: false });
    const cliRanks = new Map(
      rowsOf(cli.run.tables.index_scores!).map((r) => [String(r.uCode), r.rank]),
    );
    expect(second).toEqual(cliRanks);
    expect(errors).toEqual([]);
  }, 300_000);

  if (!hasShared) it("Pew 2005 flow: SKIPPED, ../shared/data is absent", () => undefined);

  it("editors of the demo study: drivers, media, segments, uncertainty and step parameters check as you type, then save", async () => {
    const dir = join(tmp, "studies", "demo-editors");
    await mkdir(dir, { recursive: true });
    await cp(join(ROOT, "examples/demo/study.yaml"), join(dir, "study.yaml"));
    await cp(join(ROOT, "examples/demo/data"), join(dir, "data"), { recursive: true });
    const at = (p: string) => page.goto(`${server.url}?token=${TOKEN}#/studio/demo-editors/${p}`);
    // Drivers: the groups box reads what it can, the CLI's words for the rest.
    await at("drivers");
    const groups = page.getByLabel(/^Groups of predictors/);
    await expect.poll(() => groups.inputValue()).toBe("Tech companies: huawei_fav, tiktok_fav");
    await groups.fill("Tech companies huawei_fav");
    await page.getByText("line 1: write the group's name, a colon, then its predictors").waitFor();
    await groups.fill("Tech companies: huawei_fav, tiktok_fav\nEconomy: chn_economy, chn_business");
    await page.getByLabel(/^Target whose image/).fill("China");
    await page.getByText(/\(drivers\.0\.target\): expected an ISO3 code such as CHN/).waitFor();
    await page.getByLabel(/^Target whose image/).fill("CHN");
    // Media: a bias row with a bad target gets the CLI's message at its key.
    await page.getByRole("button", { name: "Add a bias comparison" }).click();
    await page
      .getByLabel("Bias 3 outlet group (outlet=NAME or outlet_country=ISO3)")
      .fill("outlet_country=USA");
    await page.getByLabel("Bias 3 target (ISO3)").fill("usa");
    await page.getByLabel("Bias 3 comparison countries (ISO3, comma-separated)").fill("GBR, IND");
    await page.getByText(/\(media\.bias\.2\.target\): expected an ISO3 code such as CHN/).waitFor();
    await page.getByLabel("Bias 3 target (ISO3)").fill("CHN");
    await page.getByRole("textbox", { name: "text", exact: true }).fill("text");
    await axe("drivers and media editors");
    await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Unsaved changes");
    await page.getByRole("button", { name: "Save study.yaml" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Saved");
    // Survey: a segment whose bands cannot be read, then fixed.
    await at("survey");
    await page.getByRole("button", { name: "Add a segment" }).click();
    await page.getByLabel("Segment 4 name").fill("older");
    await page.getByLabel("Segment 4 variable").selectOption("age");
    await page.getByLabel("Segment 4 bands").fill("18-64, 65+");
    await page.getByText('segment 4: "65+" is not a band such as 18-29').waitFor();
    await page.getByLabel("Segment 4 bands").fill("18-64, 65-85");
    await page.getByLabel("Segment 4 labels").fill("under 65, 65+");
    await page.getByRole("checkbox", { name: "older" }).check();
    await axe("survey page with segments");
    await page.getByRole("button", { name: "Save study.yaml" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Saved");
    // Index: Sobol with too few runs (the CLI's message), then valid; treat parameters as JSON.
    await at("index");
    await page.getByLabel("Analysis", { exact: true }).selectOption("sobol");
    const runs = page.getByLabel(/^Base samples N/);
    await runs.fill("2");
    await page.getByText(/\(index\.uncertainty\.runs\)/).waitFor();
    await runs.fill("64");
    // Factors in their table: a cell that cannot be read is named; then fewer winmax values.
    const noise = page.getByLabel("Factor 1 noise factor (0 to 1, e.g. 0.25)");
    await noise.fill("a quarter");
    await page.getByText('factor 1 factor: "a quarter" is not a number').waitFor();
    await noise.fill("0.2");
    await page.getByLabel("Factor 2 values (e.g. 3, 4, 5)").fill("3, 4");
    // Treat parameters through their own fields (a whole number for winmax), then the same
    // step in the JSON box of the advanced view.
    const winmax = page.getByLabel(/^winmax: most points Winsorised/);
    await winmax.fill("4.5");
    await page.getByText('"4.5" is not a whole number').waitFor();
    await winmax.fill("4");
    await page.getByLabel(/^skew_thresh:/).fill("2");
    await page.getByLabel(/^kurt_thresh:/).fill("3");
    await page.getByText("Each step as JSON").click();
    const treat = page.getByLabel("treat parameters");
    await expect
      .poll(async () => JSON.parse(await treat.inputValue()))
      .toEqual({
        winmax: 4,
        skew_thresh: 2,
        kurt_thresh: 3,
      });
    await treat.fill('{"winmax": 4');
    await page
      .getByText(/not valid JSON/)
      .first()
      .waitFor();
    await treat.fill('{"winmax": 4, "skew_thresh": 2, "kurt_thresh": 3.5}');
    await expect.poll(() => page.getByLabel(/^kurt_thresh:/).inputValue()).toBe("3.5");
    await axe("index page with the uncertainty editor");
    await page.getByRole("button", { name: "Save study.yaml" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Saved");
    // Indicator sources instead of iData: a source without its iCode gets the CLI's message;
    // then back to the iData file.
    await page.getByRole("checkbox", { name: /Read the indicators from source tables/ }).check();
    const source = page.getByTestId("field-index.sources-1");
    await source.getByLabel("File (CSV or XLSX)").selectOption("data/indicators.csv");
    await source.getByLabel("Column holding the country").fill("uCode");
    await source.getByLabel("Years", { exact: true }).selectOption("none");
    await source.getByLabel("Column holding the values").fill("hdi");
    await source.getByLabel("iCode of the one indicator this file gives").fill("");
    await page.getByText(/\(index\.sources\.0\.code\): give code/).waitFor();
    await source.getByLabel("iCode of the one indicator this file gives").fill("HDI");
    await expect.poll(() => page.getByText(/\(index\.sources\.0\.code\)/).count()).toBe(0);
    await axe("index page with a source");
    await page.getByRole("checkbox", { name: /Read the indicators from source tables/ }).uncheck();
    await page.getByLabel("Indicators (iData file)").selectOption("data/indicators.csv");
    // Polling and technology pillars: the example's values shown, then changed.
    await expect
      .poll(() => page.getByLabel(/^Attribution: drivers analysis/).inputValue())
      .toBe("fav_chn = Tech companies\nfav_usa = Tech companies");
    await page.locator("#field-polling\\.weight").fill("2");
    await page.getByLabel("Audiences averaged").selectOption("population");
    await page.getByText(/\(polling\): audience_weights: population needs population/).waitFor();
    await page.getByLabel(/^Populations \(one per line/).fill("GBR = 67\nIND = many");
    await page.getByText('IND: "many" is not a number').waitFor();
    await page.getByLabel(/^Populations \(one per line/).fill("GBR = 67\nIND = 1400");
    await page.getByRole("checkbox", { name: "company_tone" }).uncheck();
    await axe("index page with the pillar editors");
    await page.getByRole("button", { name: "Save study.yaml" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Saved");
    // Study settings: threads that are not a number get the CLI's message.
    await at("study");
    await page.getByLabel(/^Worker threads/).fill("many");
    await page.getByText(/\(threads\)/).waitFor();
    await page.getByLabel(/^Worker threads/).fill("1");
    await page.getByLabel(/^Seed of every random draw/).fill("7");
    await page.getByLabel(/^Top units named/).fill("3");
    await page.getByRole("button", { name: "Save study.yaml" }).click();
    await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Saved");
    await at("index");
    await page.screenshot({ path: join(ARTIFACTS, "editors-index.png"), fullPage: true });
    // What was written reads back, with the CLI's own parser, as edited.
    const { model, issues } = await readModel(dir);
    expect(issues).toEqual([]);
    const study = model.study as {
      drivers: { groups: unknown; target: string }[];
      media: { bias: unknown[]; fields: unknown };
      survey: { segments: string[] };
      index: { uncertainty: { type: string; runs: number }; pipeline: { treat: unknown } };
    };
    expect(study.drivers[0]!.groups).toEqual({
      "Tech companies": ["huawei_fav", "tiktok_fav"],
      Economy: ["chn_economy", "chn_business"],
    });
    expect(study.drivers[0]!.target).toBe("CHN");
    expect(study.media.bias.at(-1)).toEqual({
      group: "outlet_country=USA",
      target: "CHN",
      compare: ["GBR", "IND"],
    });
    expect(study.media.fields).toEqual({ fields: { text: "text" } });
    expect(study.survey.segments).toEqual(["older"]);
    expect(study.index.uncertainty).toMatchObject({ type: "sobol", runs: 64 });
    expect((study.index.uncertainty as unknown as { factors: unknown[] }).factors).toEqual([
      { name: "Weights", noise: { levels: [2], factor: 0.2 } },
      { name: "Winsorisation", step: "treat", param: "winmax", values: [3, 4] },
      { name: "Aggregation", step: "aggregate", param: "method", values: ["a_amean", "a_gmean"] },
    ]);
    expect(study.index.pipeline.treat).toEqual({ winmax: 4, skew_thresh: 2, kurt_thresh: 3.5 });
    const s = model.study as Record<string, unknown>;
    expect(s.polling).toMatchObject({
      weight: 2,
      audience_weights: "population",
      population: { GBR: 67, IND: 1400 },
    });
    expect(s.tech).toMatchObject({ signals: ["companies", "company_favourability"] });
    expect([s.seed, s.threads, s.findings]).toEqual([7, 1, { top: 3 }]);
    const ratings = model.specs.find((x) => x.key === "survey.ratings")!.content as {
      segments: Record<string, unknown>;
    };
    expect(ratings.segments.older).toEqual({
      variable: "age",
      bands: [
        [18, 64],
        [65, 85],
      ],
      labels: ["under 65", "65+"],
    });
    expect(errors).toEqual([]);
  }, 180_000);

  it("calibration, replicates, a second drivers analysis with every key and the media field map: set in the browser, built = the CLI's build of the same study written by hand", async () => {
    const dir = join(tmp, "studies", "demo-weighting");
    await mkdir(dir, { recursive: true });
    await cp(join(ROOT, "examples/demo/study.yaml"), join(dir, "study.yaml"));
    await cp(join(ROOT, "examples/demo/data"), join(dir, "data"), { recursive: true });
    const at = (p: string) => page.goto(`${server.url}?token=${TOKEN}#/studio/demo-weighting/${p}`);
    const saved = async () => {
      await page.getByRole("button", { name: "Save study.yaml" }).click();
      await expect.poll(() => page.getByTestId("save-status").textContent()).toBe("Saved");
    };
    // Survey: rake to gender counts (a count that is not a number first), trim the final
    // weights, bootstrap replicates sized and seeded (a count of 1 first: the CLI's message).
    await at("survey");
    await page.getByLabel("Calibrate the weights to population figures").selectOption("rake");
    const margins = page.getByLabel(/^Population counts/);
    await margins.fill("gender: 1 = many");
    await page.getByText('line 1: "many" is not a number').waitFor();
    await margins.fill("gender: 1 = 740, 2 = 760");
    await page.getByLabel("Trimming").selectOption("weights");
    await page.getByLabel(/^Trim final weights above/).fill("4");
    await page.getByLabel("Variance estimation").selectOption("bootstrap");
    const count = page.getByLabel(/^Replicates \(default 50/);
    await count.fill("1");
    await page.getByText(/\(survey\.replicates\.count\)/).waitFor();
    await count.fill("20");
    await page.getByLabel(/^Seed of the bootstrap draws/).fill("3");
    await axe("survey page with calibration and replicates");
    await saved();
    // Drivers: a third analysis, every key set through its control.
    await at("drivers");
    await page.getByRole("button", { name: "Add an analysis" }).click();
    await page.getByTestId("drivers-analysis-2").waitFor();
    await page.getByLabel("Name (lower case)").fill("usa_small");
    // A derived outcome: favourable (3, 4) or not (1, 2), don't know (9) missing.
    await page.getByRole("button", { name: "Add a derived variable" }).click();
    const derived = page.getByTestId("field-drivers.2.recode-1");
    await derived.getByLabel("New variable's name").fill("usa_fav_top");
    await derived.getByLabel("From the column").selectOption("usa_fav");
    const values = derived.getByLabel(/^Values \(one per line/);
    await values.fill("1 = 0\n2 = none");
    await page.getByText('line 2: "none" is not a number').waitFor();
    await values.fill("1 = 0\n2 = 0\n3 = 1\n4 = 1\n9 =");
    await page.getByLabel("Outcome", { exact: true }).selectOption("usa_fav_top");
    await page.getByLabel("Model (family)").selectOption("binomial");
    const predictors = page.getByRole("group", { name: "Predictors" });
    for (const n of ["usa_economy", "usa_culture", "usa_science"])
      await predictors.getByLabel(n, { exact: true }).check();
    await page.getByLabel("Weights", { exact: true }).selectOption("weight");
    await page.getByLabel(/^Confidence level/).fill("0.9");
    const filter = page.getByLabel(/^Keep only respondents/);
    await filter.fill("wave 2");
    await page.getByText("line 1: write VARIABLE: VALUE, VALUE").waitFor();
    await filter.fill("wave: 2");
    await page.getByLabel(/^Bootstrap replications/).fill("0");
    // Media: fewer article-bootstrap replicates, repeats skipped by title and date.
    await page.getByLabel(/^Article-bootstrap replicates/).fill("50");
    const dedupe = page.getByRole("group", { name: /^Skip repeated articles/ });
    await dedupe.getByLabel("title", { exact: true }).check();
    await dedupe.getByLabel("date", { exact: true }).check();
    await axe("drivers page with three analyses");
    await saved();
    await page.screenshot({ path: join(ARTIFACTS, "editors-weighting.png"), fullPage: true });
    await buildFromUi();
    // The same study written by hand, built by the CLI's code.
    const ref = join(tmp, "demo-weighting-by-hand");
    await mkdir(ref, { recursive: true });
    await cp(join(ROOT, "examples/demo/data"), join(ref, "data"), { recursive: true });
    const yaml = (await readFile(join(ROOT, "examples/demo/study.yaml"), "utf8"))
      .replace(
        "  wave: wave\n",
        [
          "  wave: wave",
          '  calibration: { method: rake, margins: { gender: { "1": 740, "2": 760 } }, trim: { upper: 4 } }',
          "  replicates: { type: bootstrap, count: 20, seed: 3 }",
          "",
        ].join("\n"),
      )
      .replace(
        "\nmedia:\n",
        [
          "  - name: usa_small",
          '    recode: { usa_fav_top: { from: usa_fav, map: { "1": 0, "2": 0, "3": 1, "4": 1, "9": null } } }',
          "    outcome: usa_fav_top",
          "    family: binomial",
          "    predictors: [usa_economy, usa_culture, usa_science]",
          "    weights: weight",
          "    level: 0.9",
          "    filter: { wave: [2] }",
          "    bootstrap: 0",
          "",
          "media:",
          "  fields: { dedupe: [title, date] }",
          "",
        ].join("\n"),
      )
      .replace(/\n {2}bootstrap: 500\n/, "\n  bootstrap: 50\n");
    await writeFile(join(ref, "study.yaml"), yaml);
    const cli = await buildStudy(await loadStudy(ref), { export: false });
    for (const t of ["survey_ratings", "drivers_importance", "media_tone_overall"]) {
      const ui = rowsOf(await tables(dir, t));
      expect(ui.length, t).toBeGreaterThan(0);
      // The store keeps a NaN (an SE the bootstrap cannot give a 6-respondent domain) as NULL.
      const asStored = rowsOf(cli.run.tables[t]!).map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === "number" && Number.isNaN(v) ? null : v,
          ]),
        ),
      );
      expect(ui, t).toEqual(asStored);
    }
    const imp = rowsOf(await tables(dir, "drivers_importance"));
    expect(imp.some((r) => r.analysis === "usa_small")).toBe(true);
    expect(errors).toEqual([]);
  }, 300_000);

  it("a build whose process is killed mid-way: the Build page says so and lists no run", async () => {
    const dir = join(tmp, "studies", "demo-kill");
    await mkdir(dir, { recursive: true });
    await cp(join(ROOT, "examples/demo/study.yaml"), join(dir, "study.yaml"));
    await cp(join(ROOT, "examples/demo/data"), join(dir, "data"), { recursive: true });
    await page.goto(`${server.url}?token=${TOKEN}#/studio/demo-kill/build`);
    await page.getByRole("button", { name: "Save and build" }).click();
    await page.getByTestId("build-progress").locator("li").first().waitFor({ timeout: 60_000 });
    await expect.poll(() => runner.get("demo-kill")?.child !== undefined).toBe(true);
    runner.get("demo-kill")!.child!.kill("SIGKILL");
    const alert = page.getByTestId("build-status").getByRole("alert");
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.textContent()).toMatch(
      /The build failed:.*the build was stopped \(SIGKILL\) during \w+ before it finished: no run was recorded/,
    );
    await page.reload();
    await page.getByText("No runs yet.").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "build-killed.png"), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
