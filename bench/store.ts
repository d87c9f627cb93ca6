/**
 * Results store figures: writing one run (three tables: half the rows × 13 columns, a quarter ×
 * 5, a quarter × 4; doubles with 2% missing, integers, labels) to a fresh DuckDB file in one
 * transaction, then reading its largest table back and exporting it as CSV.
 * Target: a 200k-row run written in well under 2 s. Run alone: `node --import tsx bench/store.ts`.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { storePath } from "../src/store/db.ts";
import { exportRun } from "../src/store/export.ts";
import { readRunTable } from "../src/store/read.ts";
import { writeRun } from "../src/store/write-run.ts";
import { bigRun } from "../test/fixtures/store/big-run.ts";

const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export async function storeBench(): Promise<void> {
  console.log("\nResults store: one run written in one DuckDB transaction (appender)");
  console.log(
    "rows      | cells      | write (commit+close) | rows/s    | file     | read largest table | export CSV",
  );
  let prev: { rows: number; ms: number } | null = null;
  for (const rows of [10_000, 100_000, 200_000, 1_000_000]) {
    const dir = mkdtempSync(join(tmpdir(), "softpower-bench-store-"));
    try {
      const db = storePath(dir);
      const run = bigRun("bench", rows, 1);
      const cells = Object.values(run.tables).reduce(
        (s, t) => s + t.rows.length * t.columns.length,
        0,
      );
      let commitAt = 0;
      let t = performance.now();
      await writeRun(db, run, {
        onProgress: (s) => {
          if (s === "commit") commitAt = performance.now();
        },
      });
      const write = performance.now() - t;
      const commit = performance.now() - commitAt;
      t = performance.now();
      await readRunTable(db, "bench", "index_stage_raw");
      const read = performance.now() - t;
      t = performance.now();
      await exportRun(join(dir, "out"), run);
      const exp = performance.now() - t;
      const growth = prev
        ? `  (×${(write / prev.ms).toFixed(1)} time for ×${rows / prev.rows} rows)`
        : "";
      console.log(
        `${String(rows).padEnd(9)} | ${String(cells).padEnd(10)} | ${`${write.toFixed(0)} ms (${commit.toFixed(0)})`.padEnd(21)} | ${String(Math.round(rows / (write / 1000))).padEnd(9)} | ${mb(statSync(db).size).padEnd(8)} | ${`${read.toFixed(0)} ms`.padEnd(18)} | ${exp.toFixed(0)} ms${rows === 200_000 ? "  [target: write < 2 s]" : ""}${growth}`,
      );
      prev = { rows, ms: write };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await storeBench();
