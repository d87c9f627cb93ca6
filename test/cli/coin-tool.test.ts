/**
 * COIN Tool import (COINr import_coin_tool): a workbook laid out as the JRC COIN Tool v1
 * (Database sheet: weights row 7, directions row 8, goalposts rows 9–10, aggregation codes rows
 * 11–14, names row 15, codes row 16, units from row 17 with name in B and code in C; Framework
 * sheet: code C, weight E, name H from row 5) is written here with exceljs and read back.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildIndex } from "../../src/composite/pipeline.ts";
import { readCoinTool } from "../../src/io/coin-tool.ts";
import { parseCsv } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let dir: string;
let book: string;

/** Three indicators in pillars p.1 (Ind.01, Ind.02) and p.2 (Ind.03); sub-pillar and sub-index rows unused. */
async function writeCoinTool(path: string, opts: { sheet?: string; badWeight?: boolean } = {}) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(opts.sheet ?? "Database");
  const ind = [
    { code: "Ind.01", name: "Internet users", w: 1, dir: 1, p: "p.1" },
    { code: "Ind.02", name: "Patents", w: 2, dir: 1, p: "p.1" },
    { code: "Ind.03", name: "CO2 emissions", w: 1, dir: -1, p: "p.2" },
  ];
  ind.forEach((x, k) => {
    const c = 5 + k;
    ws.getCell(7, c).value = opts.badWeight && k === 1 ? "heavy" : x.w;
    ws.getCell(8, c).value = x.dir;
    ws.getCell(9, c).value = 0;
    ws.getCell(10, c).value = 100;
    ws.getCell(11, c).value = "Index";
    ws.getCell(12, c).value = "si.1";
    ws.getCell(13, c).value = x.p;
    ws.getCell(14, c).value = "sp.1";
    ws.getCell(15, c).value = x.name;
    ws.getCell(16, c).value = x.code;
  });
  const units = [
    ["Austria", "AUT", 80, 10, 5],
    ["Brazil", "BRA", 60, "n/a", 2],
    ["China", "CHN", 50, 30, 8],
  ] as const;
  units.forEach((u, i) => {
    const r = 17 + i;
    ws.getCell(r, 2).value = u[0];
    ws.getCell(r, 3).value = u[1];
    ws.getCell(r, 5).value = u[2];
    ws.getCell(r, 6).value = u[3];
    ws.getCell(r, 7).value = u[4];
  });
  const fw = wb.addWorksheet("Framework");
  fw.getCell(4, 3).value = "Dimension/indicator";
  const rows = [
    ["Index", 1, "Soft power"],
    ["si.1", 1, "All"],
    ["p.1", 3, "Technology"],
    ["p.2", 1, "Environment"],
    ["--", null, ""],
  ] as const;
  rows.forEach((x, i) => {
    fw.getCell(5 + i, 3).value = x[0];
    fw.getCell(5 + i, 5).value = x[1];
    fw.getCell(5 + i, 8).value = x[2];
  });
  await wb.xlsx.writeFile(path);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-cointool-"));
  book = join(dir, "coin_tool.xlsx");
  await writeCoinTool(book);
});

describe("readCoinTool", () => {
  it("reads iData and iMeta, dropping aggregation levels with one code", async () => {
    const ct = await readCoinTool(book);
    const fw = ct.framework;
    expect(fw.indicators).toEqual(["Ind.01", "Ind.02", "Ind.03"]);
    // sp. and si. rows hold one code each: unused; pillars are level 2, the index level 3.
    expect(fw.aggregateLevels).toEqual([["p.1", "p.2"], ["Index"]]);
    expect(fw.parent.get("Ind.02")).toBe("p.1");
    expect(fw.weight.get("Ind.02")).toBe(2);
    expect(fw.direction.get("Ind.03")).toBe(-1);
    expect(fw.weight.get("p.1")).toBe(3);
    expect(fw.name.get("p.2")).toBe("Environment");
    expect(fw.name.get("Ind.01")).toBe("Internet users");
    expect(ct.data.uCode).toEqual(["AUT", "BRA", "CHN"]);
    expect(ct.data.uName).toEqual(["Austria", "Brazil", "China"]);
    expect(Array.from(ct.data.indicators.values[1]!)).toEqual([10, Number.NaN, 30]);
    expect(ct.goalposts["Ind.01"]).toEqual([0, 100]);
    // It builds: min-max 0–100 and weighted means by hand: AUT Ind.01 100, Ind.02 0, Ind.03 50
    // (reversed: (8 − 5)/6 · 100): p.1 = (100 + 0·2)/3, p.2 = 50 → Index (3·33.33 + 50)/4 = 37.5.
    const r = buildIndex(ct, {
      normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
      aggregate: { method: "a_amean" },
    });
    expectClose(r.results.scores[0]![0]!, 37.5, { rtol: 1e-12, what: "AUT index" });
  });

  it("says what is wrong with a workbook that is not a COIN Tool", async () => {
    const text = join(dir, "not.xlsx");
    await writeFile(text, "uCode,a\nA,1\n");
    await expect(readCoinTool(text)).rejects.toThrow(/not\.xlsx: not an Excel workbook/);
    const other = join(dir, "other.xlsx");
    await writeCoinTool(other, { sheet: "Data" });
    await expect(readCoinTool(other)).rejects.toThrow(
      /no sheet "Database" \(sheets: "Data", "Framework"\)/,
    );
    const bad = join(dir, "bad.xlsx");
    await writeCoinTool(bad, { badWeight: true });
    await expect(readCoinTool(bad)).rejects.toThrow(
      /bad\.xlsx sheet Database cell F7: weight "heavy" is not a number/,
    );
  });
});

describe("softpower index import-coin-tool", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["bin/softpower.js", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
  it("writes iData.csv and iMeta.csv that softpower index reads", async () => {
    const out = join(dir, "imported");
    const r = cli("index", "import-coin-tool", "--file", book, "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const meta = parseCsv(await readFile(join(out, "iMeta.csv"), "utf8"), "iMeta.csv");
    expect(meta.columns).toEqual([
      "Level",
      "iCode",
      "iName",
      "Direction",
      "Weight",
      "Unit",
      "Target",
      "Denominator",
      "Parent",
      "Type",
    ]);
    expect(meta.rows.map((x) => `${x[0]} ${x[1]} ${x[8]} ${x[9]}`)).toEqual([
      "1 Ind.01 p.1 Indicator",
      "1 Ind.02 p.1 Indicator",
      "1 Ind.03 p.2 Indicator",
      "2 p.1 Index Aggregate",
      "2 p.2 Index Aggregate",
      "3 Index NA Aggregate",
    ]);
    const built = join(dir, "built");
    const pipe = join(dir, "p.json");
    await writeFile(
      pipe,
      JSON.stringify({
        normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
        aggregate: { method: "a_amean" },
      }),
    );
    const b = cli(
      "index",
      "--data",
      join(out, "iData.csv"),
      "--meta",
      join(out, "iMeta.csv"),
      "--pipeline",
      pipe,
      "--out",
      built,
    );
    expect(b.status, b.stderr).toBe(0);
    const bad = cli(
      "index",
      "import-coin-tool",
      "--file",
      join(dir, "not.xlsx"),
      "--out",
      join(dir, "x"),
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("not an Excel workbook");
    expect(existsSync(join(dir, "x"))).toBe(false);
  });
});
