/**
 * Killing `softpower build` with SIGKILL at any moment leaves the store with the previous run
 * intact and `out/` either the old export or the new one, never a mix or nothing.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listRuns, readRunTable } from "../../src/store/read.ts";

let dir: string;
let firstId: string;
let firstScores: unknown[][];
/** How long an uninterrupted build takes here, to spread the kills over it. */
let buildMs: number;
const db = () => join(dir, ".softpower", "study.duckdb");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-kill-"));
  await cp("examples/demo/study.yaml", join(dir, "study.yaml"));
  await cp("examples/demo/data", join(dir, "data"), { recursive: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["bin/softpower.js", "build", dir, "--json"], {
    encoding: "utf8",
  });
  buildMs = performance.now() - t0;
  expect(r.status, r.stderr).toBe(0);
  firstId = JSON.parse(r.stdout).run;
  firstScores = (await readRunTable(db(), firstId, "index_scores")).rows;
}, 180_000);

/** Starts a build and kills it with SIGKILL after `ms`; resolves when it is gone. */
function buildAndKill(ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/softpower.js", "build", dir], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

async function checkConsistent(): Promise<void> {
  const runs = await listRuns(db());
  const ids = runs.map((r) => r.id);
  expect(ids).toContain(firstId);
  for (const r of runs) expect(r.status).toBe("complete");
  // The first run's results are untouched.
  expect((await readRunTable(db(), firstId, "index_scores")).rows).toEqual(firstScores);
  // out/ is one complete export of a stored run.
  const out = realpathSync(join(dir, "out"));
  const run = JSON.parse(await readFile(join(out, "run.json"), "utf8"));
  expect(ids).toContain(run.id);
  const index = JSON.parse(await readFile(join(out, "tables.json"), "utf8")) as {
    run: string;
    tables: { file: string; rows: number }[];
  };
  expect(index.run).toBe(run.id);
  expect(index.tables.length).toBeGreaterThan(10);
  for (const t of index.tables) expect(existsSync(join(out, t.file)), t.file).toBe(true);
}

describe("kill -9 during softpower build", () => {
  // Kills spread over a whole build: start-up, the engines, the store transaction, the export.
  for (const f of [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95]) {
    it(`killed at ${f * 100}% of a build: previous run intact, out/ old or new`, async () => {
      await buildAndKill(Math.round(buildMs * f));
      await checkConsistent();
    }, 60_000);
  }
});
