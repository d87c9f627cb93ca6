/**
 * HTTP API throughput on loopback: `softpower serve` on a fresh demo build (a temporary copy of
 * examples/demo), run as its own process, loaded by autocannon (10 connections, 5 s per
 * endpoint) on cached endpoints after one warming request each.
 * Target (issue 7): >= 2,000 requests/s with p99 < 50 ms and no errors.
 * Run alone: `node --import tsx bench/server.ts`.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { buildStudy } from "../src/study/build.ts";
import { loadStudy } from "../src/study/load.ts";
import { spawnTsx } from "../test/helpers/child.ts";

const ENDPOINTS: [string, string, Record<string, string>?][] = [
  ["index view (scores, aggregates, framework)", "api/studies/demo/runs/latest/index"],
  [
    "head-to-head, filtered (audience x attribute)",
    "api/studies/demo/runs/latest/survey/head-to-head?audience_iso3=GBR&attribute=science&segment=all",
  ],
  ["survey ratings as CSV (3,960 rows)", "api/studies/demo/runs/latest/survey/ratings?format=csv"],
  ["studies list (run list checked against the store file)", "api/studies"],
];

export async function serverBench(seconds = 5, connections = 10): Promise<void> {
  console.log(
    `\nHTTP API (softpower serve on loopback, its own process): autocannon, ${connections} connections, ${seconds} s per endpoint, cached responses`,
  );
  const dir = mkdtempSync(join(tmpdir(), "softpower-bench-server-"));
  const study = join(dir, "demo");
  cpSync("examples/demo/study.yaml", join(study, "study.yaml"));
  cpSync("examples/demo/data", join(study, "data"), { recursive: true });
  await buildStudy(await loadStudy(study));
  const server = spawnTsx("bin/softpower.js", ["serve", study, "--port", "0"]);
  try {
    const line = await server.waitFor(/^Serving /, 60_000);
    const base = /at (http:\/\/\S+)$/.exec(line)![1]!;
    console.log(
      "endpoint                                                | kB    | req/s   | p50 ms | p99 ms | max ms | errors | non-2xx",
    );
    let ok = true;
    for (const [label, path] of ENDPOINTS) {
      const url = `${base}${path}`;
      const warm = await fetch(url);
      if (!warm.ok) throw new Error(`${url}: ${warm.status} ${await warm.text()}`);
      const kb = ((await warm.arrayBuffer()).byteLength / 1000).toFixed(1);
      const r = await autocannon({ url, connections, duration: seconds });
      const errors = r.errors + r.timeouts;
      ok &&= r.requests.average >= 2000 && r.latency.p99 < 50 && errors === 0 && r.non2xx === 0;
      console.log(
        `${label.padEnd(55)} | ${kb.padStart(5)} | ${String(Math.round(r.requests.average)).padStart(7)} | ${String(r.latency.p50).padStart(6)} | ${String(r.latency.p99).padStart(6)} | ${String(r.latency.max).padStart(6)} | ${String(errors).padStart(6)} | ${String(r.non2xx).padStart(7)}`,
      );
    }
    console.log(
      `target: >= 2,000 req/s, p99 < 50 ms, no errors or non-2xx on every endpoint: ${ok ? "met" : "NOT MET"}`,
    );
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await serverBench();
