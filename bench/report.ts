/**
 * `softpower report` on the demo study (60 countries, 1,500 respondents in two waves, 400
 * articles; 37 result tables, ~18,000 rows): loading the run from the store, then HTML, PDF
 * (Chromium start included) and XLSX, each three times, median and output size.
 * Run alone: `node --import tsx bench/report.ts`.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadRun, reportModel } from "../src/report/model.ts";
import { type ReportFormat, renderReport } from "../src/report/report.ts";
import { buildStudy } from "../src/study/build.ts";
import { loadStudy } from "../src/study/load.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;

export async function reportBench(): Promise<void> {
  console.log("\nReports: the demo study (load the run, then each format; median of 3)");
  const dir = mkdtempSync(join(tmpdir(), "softpower-bench-report-"));
  try {
    cpSync("examples/demo/study.yaml", join(dir, "study.yaml"));
    cpSync("examples/demo/data", join(dir, "data"), { recursive: true });
    await buildStudy(await loadStudy(dir));
    const loads: number[] = [];
    let run = await loadRun(dir);
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      run = await loadRun(dir);
      loads.push(performance.now() - t0);
    }
    const rows = Object.values(run.tables).reduce((s, t) => s + t.rows.length, 0);
    console.log(
      `load run   | ${median(loads).toFixed(0).padStart(6)} ms | ${run.info.tables.length} tables, ${rows} rows`,
    );
    for (const format of ["html", "pdf", "xlsx"] as ReportFormat[]) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const out = await renderReport(run, format, {}, reportModel(run));
        times.push(performance.now() - t0);
        bytes = typeof out === "string" ? Buffer.byteLength(out) : out.length;
      }
      console.log(
        `${format.padEnd(10)} | ${median(times).toFixed(0).padStart(6)} ms | ${kb(bytes)} (runs: ${times.map((t) => t.toFixed(0)).join(", ")} ms)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await reportBench();
