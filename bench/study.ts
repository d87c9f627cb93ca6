/**
 * Building the demo study end to end (examples/demo: 60 countries, 1,500 respondents in two
 * waves, 400 articles; 1,000 uncertainty replications, 2 × 200 driver bootstraps), in-process on
 * a temporary copy, and each stage's share of the time. Run alone: `node --import tsx bench/study.ts`.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildStudy } from "../src/study/build.ts";
import { loadStudy } from "../src/study/load.ts";

export async function studyBench(): Promise<void> {
  console.log("\nStudy build: the demo study end to end (3 builds into one store)");
  const dir = mkdtempSync(join(tmpdir(), "softpower-bench-study-"));
  try {
    cpSync("examples/demo/study.yaml", join(dir, "study.yaml"));
    cpSync("examples/demo/data", join(dir, "data"), { recursive: true });
    const rows: Record<string, number>[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const study = await loadStudy(dir);
      const load = performance.now() - t0;
      const r = await buildStudy(study);
      const total = performance.now() - t0;
      const { total_ms: _, ...stages } = r.run.timings;
      rows.push({ load, ...stages, store_ms: r.storeMs, export_ms: r.exportMs, total });
    }
    const keys = Object.keys(rows[0]!);
    const median = (k: string) => rows.map((r) => r[k]!).sort((a, b) => a - b)[1]!;
    const total = median("total");
    console.log("stage      | median ms | share");
    for (const k of keys) {
      if (k === "total") continue;
      const m = median(k);
      console.log(
        `${k.replace(/_ms$/, "").padEnd(10)} | ${m.toFixed(0).padStart(9)} | ${((m / total) * 100).toFixed(1).padStart(5)}%`,
      );
    }
    console.log(
      `total      | ${total.toFixed(0).padStart(9)} | (builds: ${rows.map((r) => r.total!.toFixed(0)).join(", ")} ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await studyBench();
