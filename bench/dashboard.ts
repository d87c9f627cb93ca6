/**
 * The dashboard, measured in headless Chromium (playwright-core, /usr/bin/chromium) against
 * `softpower serve`'s app on loopback:
 * - first view: navigation start → the overview's `interactive` performance mark (set once the
 *   map and the ranking table are rendered), cold (a fresh browser context each time) and warm
 *   (a reload with the HTTP cache), on the demo study and on a synthetic 200-country index;
 * - the weightings calculator on the 200-country index: the engine recompute alone (the page's
 *   `reweight` measures) and a slider move until the next frame (recompute and re-render).
 * Run alone: `node --import tsx bench/dashboard.ts`.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { build } from "vite";
import countries from "world-countries";
import { createApp } from "../src/server/app.ts";
import { startServer } from "../src/server/server.ts";
import { buildStudy } from "../src/study/build.ts";
import { loadStudy } from "../src/study/load.ts";

const CHROMIUM = process.env.SOFTPOWER_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A seeded uniform in [0, 1) (LCG; plenty for bench data). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A synthetic index study: `n` countries, 7 pillars of 4 indicators, min-max and a_amean. */
function syntheticStudy(dir: string, n: number): void {
  const rand = lcg(7);
  const pillars = ["Tech", "EduSci", "Culture", "Gov", "Engage", "Enterprise", "Polling"];
  const meta = ["Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type"];
  const codes: string[] = [];
  for (const p of pillars)
    for (let k = 1; k <= 4; k++) {
      const c = `${p.toLowerCase()}_${k}`;
      codes.push(c);
      meta.push(`1,${c},${p} indicator ${k},1,1,score,NA,NA,${p},Indicator`);
    }
  for (const p of pillars) meta.push(`2,${p},${p},1,1,score,NA,NA,Index,Aggregate`);
  meta.push("3,Index,Synthetic index,1,1,score,NA,NA,NA,Aggregate");
  const units = countries.filter((c) => /^[A-Z]{3}$/.test(c.cca3)).slice(0, n);
  const data = [`uCode,uName,${codes.join(",")}`];
  for (const u of units) {
    const level = rand();
    const cells = codes.map(() => (100 * (0.6 * level + 0.4 * rand())).toFixed(3));
    data.push(`${u.cca3},"${u.name.common.replaceAll('"', "")}",${cells.join(",")}`);
  }
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "data/iMeta.csv"), `${meta.join("\n")}\n`);
  writeFileSync(join(dir, "data/indicators.csv"), `${data.join("\n")}\n`);
  writeFileSync(
    join(dir, "study.yaml"),
    [
      `name: Bench - ${n} synthetic countries`,
      "synthetic: true",
      "targets: [USA, CHN]",
      "index:",
      "  meta: data/iMeta.csv",
      "  data: data/indicators.csv",
      "  pipeline:",
      "    normalise: { method: n_minmax, params: { l_u: [0, 100] } }",
      "    aggregate: { method: a_amean }",
      "",
    ].join("\n"),
  );
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p95: q(0.95), max: s.at(-1)!, n: s.length };
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

export async function dashboardBench(): Promise<void> {
  console.log("\nDashboard (headless Chromium on loopback)");
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), "softpower-bench-dashboard-"));
  try {
    const web = join(tmp, "web");
    const demo = join(tmp, "demo");
    const synth = join(tmp, "synthetic-200");
    cpSync("examples/demo/study.yaml", join(demo, "study.yaml"));
    cpSync("examples/demo/data", join(demo, "data"), { recursive: true });
    syntheticStudy(synth, 200);
    await build({
      configFile: "web/vite.config.ts",
      logLevel: "silent",
      build: { outDir: web, emptyOutDir: true },
    });
    const assets = readdirSync(join(web, "assets"));
    const js = assets.filter((f) => f.endsWith(".js"));
    const bytes = js.reduce((s, f) => s + statSync(join(web, "assets", f)).size, 0);
    const gz = js.reduce((s, f) => s + gzipSync(readFileSync(join(web, "assets", f))).length, 0);
    console.log(
      `bundle: ${(bytes / 1024).toFixed(0)} KiB of JavaScript (${(gz / 1024).toFixed(0)} KiB gzipped)`,
    );
    for (const dir of [demo, synth]) await buildStudy(await loadStudy(dir), { export: false });
    const app = createApp({
      studies: [
        { id: "demo", dir: demo },
        { id: "synthetic-200", dir: synth },
      ],
      webRoot: web,
    });
    const server = await startServer({ app, port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      // First view: navigation start → the "interactive" mark, cold then warm.
      const mark = () => performance.getEntriesByName("interactive")[0]?.startTime ?? null;
      for (const study of ["demo", "synthetic-200"]) {
        const cold: number[] = [];
        const warm: number[] = [];
        for (let i = 0; i < 7; i++) {
          const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
          const page = await context.newPage();
          await page.goto(`${server.url}#/overview?study=${study}`);
          await page.waitForFunction(mark);
          cold.push((await page.evaluate(mark))!);
          await page.reload();
          await page.waitForFunction(mark);
          warm.push((await page.evaluate(mark))!);
          await context.close();
        }
        const c = stats(cold.slice(1));
        const w = stats(warm.slice(1));
        console.log(
          `first view interactive, ${study.padEnd(13)}: cold median ${ms(c.median)} (max ${ms(c.max)}), warm median ${ms(w.median)} (max ${ms(w.max)}); ${c.n} loads each, target < 1000 ms`,
        );
      }
      // The weightings calculator on 200 countries.
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(`${server.url}#/weights?study=synthetic-200`);
      await page.locator("input#w-Tech").waitFor();
      const rows = await page.locator("[data-testid=reweighted] tbody tr").count();
      // Runs in the page (root tsconfig has no DOM lib: the browser globals are typed here; no
      // named inner functions, which tsx would wrap in a __name helper the page lacks).
      const frames = await page.locator("input#w-Tech").evaluate(async (input) => {
        const slider = input as unknown as { value: string; dispatchEvent(e: Event): boolean };
        const raf = (globalThis as unknown as { requestAnimationFrame(f: () => void): number })
          .requestAnimationFrame;
        const idle: number[] = [];
        const moves: number[] = [];
        for (let k = 0; k < 30; k++) {
          const t0 = performance.now();
          await new Promise((r) => raf(() => setTimeout(r, 0)));
          idle.push(performance.now() - t0);
        }
        performance.clearMeasures("reweight");
        for (let k = 0; k < 60; k++) {
          const t0 = performance.now();
          slider.value = String((k % 50) / 10);
          slider.dispatchEvent(new Event("input", { bubbles: true }));
          await new Promise((r) => raf(() => setTimeout(r, 0)));
          moves.push(performance.now() - t0);
        }
        const engine = performance.getEntriesByName("reweight").map((e) => e.duration);
        return { idle, moves, engine };
      });
      await context.close();
      const e = stats(frames.engine.slice(5));
      const f = stats(frames.moves.slice(5));
      const idle = stats(frames.idle.slice(5));
      console.log(
        `weightings, ${rows} countries: engine recompute median ${ms(e.median)} (p95 ${ms(e.p95)}, max ${ms(e.max)}); slider move to next frame (recompute + re-render) median ${ms(f.median)} (p95 ${ms(f.p95)}; an idle frame wait alone: median ${ms(idle.median)}); target < 50 ms`,
      );
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await dashboardBench();
