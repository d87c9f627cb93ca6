/**
 * The panel example (examples/wdi-panel): eight WDI indicators read in place once per year,
 * 2005-2011, uncertainty per year and CAGR trends. Skips when ../shared is absent.
 */
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { readRunTable } from "../../src/store/read.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("examples/wdi-panel", () => {
  it("builds a 2005-2011 panel with per-year rank intervals and the CAGR of each series", async () => {
    const r = spawnSync(
      process.execPath,
      ["bin/softpower.js", "build", "examples/wdi-panel", "--json"],
      {
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const { run } = JSON.parse(r.stdout) as { run: string };
    const db = join("examples", "wdi-panel", ".softpower", "study.duckdb");
    const results = await readRunTable(db, run, "index_results");
    expect([...new Set(results.rows.map((x) => x[results.columns.indexOf("Time")]))]).toEqual([
      2005, 2006, 2007, 2008, 2009, 2010, 2011,
    ]);
    const unc = await readRunTable(db, run, "index_uncertainty");
    expect(unc.columns[0]).toBe("Time");
    const tr = await readRunTable(db, run, "index_trends");
    const col = (n: string) => tr.columns.indexOf(n);
    // China's internet users per 100 people, straight from the WDI file: CAGR 2005 → 2011.
    const wdi = parseCsv(
      await readFile(sharedPath("indicators/wdi/IT.NET.USER.P2.csv"), "utf8"),
      "IT.NET.USER.P2.csv",
    );
    const chn = wdi.rows.find((x) => x[wdi.columns.indexOf("Country Code")] === "CHN")!;
    const v = (y: number) => Number(chn[wdi.columns.indexOf(String(y))]);
    const expected = (v(2011) / v(2005)) ** (1 / 6) - 1;
    const row = tr.rows.find((x) => x[col("uCode")] === "CHN" && x[col("iCode")] === "Internet")!;
    expectClose(Number(row[col("cagr")]), expected, { rtol: 1e-9, what: "CHN Internet CAGR" });
    expect([row[col("t_first")], row[col("t_latest")]]).toEqual([2005, 2011]);
  }, 180_000);
});
