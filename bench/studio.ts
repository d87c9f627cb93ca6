/**
 * The workbench (`softpower studio`), through its HTTP API in-process: the preview of a
 * 100,000-row CSV (target ≤ 200 ms), the live estimate on the Pew 2005 11-country .sav (target
 * ≤ 300 ms; skipped without ../shared), and how far the build's server-sent progress events lag
 * the build (target ≤ 250 ms: each event's arrival at an SSE reader minus the moment the build
 * printed it), on the demo study. Medians of 5 (preview, estimate).
 * Run alone: `node --import tsx bench/studio.ts`.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createApp } from "../src/server/app.ts";
import { studioRoutes } from "../src/server/studio-routes.ts";
import { BuildRunner } from "../src/studio/build-runner.ts";
import { Workspace } from "../src/studio/workspace.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const TOKEN = "b".repeat(64);
const PEW = resolve("../shared/data/survey/pew-2005/pew_gap_2005_11country.sav");

export async function studioBench(): Promise<void> {
  console.log("\nWorkbench (studio API in-process; median of 5)");
  const tmp = mkdtempSync(join(tmpdir(), "softpower-bench-studio-"));
  const runner = new BuildRunner([process.execPath, "--import", "tsx", resolve("src/cli/main.ts")]);
  try {
    const big = join(tmp, "studies", "big");
    mkdirSync(join(big, "data"), { recursive: true });
    writeFileSync(join(big, "study.yaml"), "name: Big\ntargets: [USA]\n");
    const lines = ["id,country,weight,stratum,psu,q1,q2,q3,age,gender"];
    const C = ["GBR", "DEU", "FRA", "JPN", "KOR", "IND", "BRA", "ZAF", "NGA", "MEX"];
    for (let i = 0; i < 100_000; i++)
      lines.push(
        `${i + 1},${C[i % 10]},${(0.5 + ((i * 7919) % 1000) / 1000).toFixed(4)},${i % 20},${i % 400},${1 + (i % 4)},${1 + ((i * 3) % 4)},${(i * 5) % 9},${18 + (i % 70)},${1 + (i % 2)}`,
      );
    writeFileSync(join(big, "data", "survey.csv"), `${lines.join("\n")}\n`);
    const demo = join(tmp, "studies", "demo");
    cpSync("examples/demo/study.yaml", join(demo, "study.yaml"));
    cpSync("examples/demo/data", join(demo, "data"), { recursive: true });
    if (existsSync(PEW)) {
      mkdirSync(join(tmp, "studies", "pew", "data"), { recursive: true });
      writeFileSync(join(tmp, "studies", "pew", "study.yaml"), "name: Pew\ntargets: [USA]\n");
      cpSync(PEW, join(tmp, "studies", "pew", "data", "pew.sav"));
    }
    const workspace = new Workspace(join(tmp, "studies"));
    const app = createApp({
      studies: workspace.list(),
      studio: studioRoutes({ workspace, token: TOKEN, runner }),
    });
    const H = { "X-Softpower-Token": TOKEN };
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      const r = await app.request("/api/studio/studies/big/preview?path=data/survey.csv", {
        headers: H,
      });
      if (r.status !== 200) throw new Error(`preview: ${r.status} ${await r.text()}`);
      await r.json();
      times.push(performance.now() - t);
    }
    console.log(
      `preview    | ${median(times).toFixed(0).padStart(6)} ms | 100,000 rows x 10 columns CSV (target <= 200 ms)`,
    );

    if (existsSync(PEW)) {
      const body = JSON.stringify({
        data: "data/pew.sav",
        design: { ids: [], weights: "weight" },
        column: "Q5a",
        top_box: [1, 2],
        dont_know_codes: [8, 9],
        audience: "country",
      });
      const est: number[] = [];
      let first = 0;
      for (let k = 0; k < 6; k++) {
        const t = performance.now();
        const r = await app.request("/api/studio/studies/pew/estimate", {
          method: "POST",
          body,
          headers: { ...H, "Content-Type": "application/json" },
        });
        if (r.status !== 200) throw new Error(`estimate: ${r.status} ${await r.text()}`);
        await r.json();
        const ms = performance.now() - t;
        if (k === 0) first = ms;
        else est.push(ms);
      }
      console.log(
        `estimate   | ${median(est).toFixed(0).padStart(6)} ms | Pew 2005 11-country, share of Q5a by 11 audiences with SE and deff (first call, parsing the .sav: ${first.toFixed(0)} ms; target <= 300 ms)`,
      );
    } else console.log("estimate   | skipped: ../shared/data is absent (Pew 2005 file)");

    const start = await app.request("/api/studio/studies/demo/builds", {
      method: "POST",
      headers: H,
    });
    if (start.status !== 202) throw new Error(`build: ${start.status}`);
    const res = await app.request("/api/studio/studies/demo/builds/current/events", { headers: H });
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    const lags: number[] = [];
    let done = "";
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) break;
      const now = Date.now();
      buf += dec.decode(value, { stream: true });
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith("data: ")) continue;
        const e = JSON.parse(line.slice(6)) as { type: string; at?: number; ms: number };
        if (e.type === "stage" && e.at) lags.push(now - e.at);
        if (e.type !== "stage") done = `${e.type} after ${(e.ms / 1000).toFixed(1)} s`;
      }
    }
    console.log(
      `progress   | ${Math.max(...lags)
        .toFixed(0)
        .padStart(
          6,
        )} ms | largest lag of ${lags.length} stage events behind the build (median ${median(lags)} ms), demo study, ${done} (target <= 250 ms)`,
    );
  } finally {
    await runner.stopAll();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await studioBench();
