/**
 * `softpower index analyse` end to end, as a child process (`node bin/softpower.js`): one CSV per
 * tool with the columns, the numbers of the engine functions, panel trends, and bad
 * options exiting 2 with a message naming them.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv, type Table } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const fix = (name: string) => join(ROOT, "test", "fixtures", "cli", name);
const asem = (name: string) => sharedPath("composite", "asem", name);

function cli(...args: string[]): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, ["bin/softpower.js", ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return r;
}
const read = async (dir: string, f: string): Promise<Table> =>
  parseCsv(await readFile(join(dir, f), "utf8"), f);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "softpower-analyse-"));
});
const SMALL = {
  normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
  aggregate: { method: "a_amean" },
};

describe("index analyse on the small fixture", () => {
  it("writes one CSV per tool with the documented columns", async () => {
    const pipe = join(tmp, "small.json");
    await writeFile(pipe, JSON.stringify(SMALL));
    const out = join(tmp, "small-out");
    const r = cli(
      "index",
      "analyse",
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipe,
      "--unit",
      "BBB",
      "--cor-thresh",
      "-1",
      "--out",
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const cols: Record<string, string[]> = {
      "remove_elements.csv": ["element", "mean_abs_rank_change"],
      "strengths.csv": ["code", "name", "pillar", "rank", "value"],
      "weaknesses.csv": ["code", "name", "pillar", "rank", "value"],
      "corr_flags.csv": ["group", "ind1", "ind2", "corr"],
      "outrank.csv": ["uCode", "AAA", "BBB", "CCC", "DDD", "EEE"],
      "remove_elements_scores.csv": ["uCode", "Nominal", "Ind1", "Ind2", "Ind3"],
    };
    for (const [f, c] of Object.entries(cols)) expect((await read(out, f)).columns, f).toEqual(c);
    const rem = await read(out, "remove_elements.csv");
    expect(rem.rows[0]).toEqual(["Nominal", "0"]);
    // No denominators, no second build, no Time: those tools write nothing.
    for (const f of ["denom_corr.csv", "compare.csv", "trends.csv"])
      expect(existsSync(join(out, f))).toBe(false);
    // Direct check: BBB's ranks (Ind3 lower is better): Ind1 2.5 → 3; Ind2 20 → 3; Ind3 4 → 4
    // (DDD's 5 is the worst rank, so BBB's Ind3 is kept).
    const s = await read(out, "strengths.csv");
    expect(s.rows.map((x) => [x[0], x[3]])).toEqual([
      ["Ind1", "3"],
      ["Ind2", "3"],
      ["Ind3", "4"],
    ]);
  });

  it("bad options exit 2 and say what would be valid", async () => {
    const out = join(tmp, "bad");
    const pipe = join(tmp, "small-bad.json");
    await writeFile(pipe, JSON.stringify(SMALL));
    const base = [
      "index",
      "analyse",
      "--pipeline",
      pipe,
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--out",
      out,
    ];
    const cases: [string[], RegExp][] = [
      [["--unit", "ZZZ"], /--unit "ZZZ" is not a uCode of iData \(e\.g\. AAA/],
      [["--level", "3"], /--level must be a level from 1 to 2 of this framework, got 3/],
      [["--icode", "Nope"], /--icode "Nope" is not an indicator or aggregate of iMeta/],
      [["--group-level", "5"], /--group-level must be a level from 2 to 3/],
      [["--use-group", "G"], /--use-group "G" is not a group column of iData/],
      [["--outrank-codes", "Ind1,Q"], /--outrank-codes: "Q" is not/],
      [["--sig-figs", "0"], /--sig-figs must be an integer >= 1 or none, got "0"/],
      [["--roundto", "x"], /--roundto must be an integer >= 0 or none/],
      [["--nround", "1.5"], /--nround must be an integer >= 0 or none/],
      [["--f-trend", "slope"], /--f-trend must be one of CAGR, prc_change, got "slope"/],
      [["--per", "0"], /--per must be a non-zero number of years/],
      [["--interp-at", "2010,later"], /--interp-at must be comma-separated times/],
      [["--trend-time", ""], /--trend-time must be comma-separated times/],
      [["--compare-by", "values"], /--compare-by must be one of ranks, scores/],
      [["--compare-dset", "Final"], /--compare-dset must be one of Raw/],
      [["--sort-by", "Diff"], /--sort-by must be one of rank_1, rank_2, diff, abs_diff/],
      [["--ibase", "2"], /--ibase must be an integer from 1 to 1/],
      [["--cortype", "tau"], /--cortype must be one of pearson, spearman, kendall, got "tau"/],
      [["--cor-thresh", "2"], /--cor-thresh must be a number from -1 to 1/],
      [["--sw-dset", "Cooked"], /--sw-dset must be one of Raw/],
    ];
    for (const [extra, msg] of cases) {
      const r = cli(...base, ...extra);
      expect(r.status, extra.join(" ")).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(existsSync(out)).toBe(false);
    const missing = cli("index", "analyse", "--data", fix("small_iData.csv"), "--out", out);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--meta");
  });
});

/** `index analyse` of iData `data` with ASEM's iMeta and default pipeline, plus `extra` options. */
const analyseWith = (data: string, ...extra: string[]) =>
  cli(
    "index",
    "analyse",
    "--data",
    data,
    "--meta",
    asem("ASEM_iMeta.csv"),
    "--pipeline",
    join(ROOT, "examples/asem/pipeline.json"),
    ...extra,
  );
const analyseAsem = (...extra: string[]) => analyseWith(asem("ASEM_iData.csv"), ...extra);

describe.skipIf(!hasShared)("index analyse on ASEM", () => {
  it("leave-one-pillar-out, comparison with a second build, denominators", async () => {
    const prank = join(tmp, "prank.json");
    const pipeline = JSON.parse(await readFile(join(ROOT, "examples/asem/pipeline.json"), "utf8"));
    await writeFile(prank, JSON.stringify({ ...pipeline, normalise: { method: "n_prank" } }));
    const out = join(tmp, "asem-out");
    const r = analyseAsem(
      "--level",
      "2",
      "--unit",
      "ESP",
      "--cor-thresh",
      "0.75",
      "--compare",
      prank,
      "--compare",
      join(ROOT, "examples/asem/pipeline.json"),
      "--pvals",
      "--out",
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const rem = await read(out, "remove_elements.csv");
    expect(rem.rows.map((x) => x[0])).toEqual([
      "Nominal",
      "Physical",
      "ConEcFin",
      "Political",
      "Instit",
      "P2P",
      "Environ",
      "Social",
      "SusEcFin",
    ]);
    const cmp = await read(out, "compare.csv");
    expect(cmp.columns).toEqual(["uCode", "rank_1", "rank_2", "diff", "abs_diff"]);
    expect(cmp.rows.length).toBe(51);
    const che = cmp.rows.find((x) => x[0] === "CHE")!;
    expect(che[1]).toBe("1");
    // Comparing the build with itself (the second --compare) gives zeros in the multi table.
    const diffs = await read(out, "compare_multi_diffs.csv");
    expect(diffs.columns).toEqual(["uCode", "nominal", "prank", "pipeline"]);
    expect(diffs.rows.every((x) => x[3] === "0")).toBe(true);
    const den = await read(out, "denom_corr.csv");
    expect(den.columns).toEqual(["denominator", "indicator", "corr", "p_value", "n"]);
    expect(den.rows.every((x) => Math.abs(Number(x[2])) > 0.6)).toBe(true);
    const flags = await read(out, "corr_flags.csv");
    expect(flags.rows.every((x) => Number(x[3]) > 0.75)).toBe(true);
    const w = await read(out, "weaknesses.csv");
    expect(w.rows.length).toBe(5);
    // compare_coins' compare_by, sort_by and decreasing; compare_coins_multi's ibase.
    const out2 = join(tmp, "asem-out2");
    const r2 = analyseAsem(
      "--compare",
      prank,
      "--compare",
      join(ROOT, "examples/asem/pipeline.json"),
      "--compare-by",
      "scores",
      "--sort-by",
      "abs_diff",
      "--decreasing",
      "--ibase",
      "2",
      "--out",
      out2,
    );
    expect(r2.status, r2.stderr).toBe(0);
    const cmp2 = await read(out2, "compare.csv");
    const abs = cmp2.rows.map((x) => Number(x[4]));
    expect(abs).toEqual([...abs].sort((a, b) => b - a));
    const nominal = await read(out, "remove_elements_scores.csv");
    const che2 = cmp2.rows.find((x) => x[0] === "CHE")!;
    expectClose(Number(che2[1]), Number(nominal.rows.find((x) => x[0] === "CHE")![1]), {
      rtol: 1e-12,
      what: "CHE nominal index score",
    });
    const multi = await read(out2, "compare_multi.csv");
    expect(multi.columns).toEqual(["uCode", "prank", "nominal", "pipeline"]);
  });

  it("a panel (WDI-style: two years of ASEM) writes trends.csv", async () => {
    const text = await readFile(asem("ASEM_iData.csv"), "utf8");
    const t = parseCsv(text, "ASEM_iData.csv");
    const lpi = t.columns.indexOf("LPI");
    const time = t.columns.indexOf("Time");
    const lines = [t.columns.join(",")];
    for (const [k, year] of [2020, 2022].entries())
      for (const row of t.rows) {
        const cells = row.map((c, j) =>
          j === time
            ? String(year)
            : j === lpi && c !== "NA" && c !== ""
              ? String(Number(c) * 1.1 ** (2 * k))
              : c,
        );
        lines.push(
          [...cells.map((c) => (/[",]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))].join(","),
        );
      }
    const dir = join(tmp, "panel");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "iData.csv"), `${lines.join("\n")}\n`);
    const out = join(dir, "out");
    const r = analyseWith(join(dir, "iData.csv"), "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const tr = await read(out, "trends.csv");
    expect(tr.columns).toEqual(["uCode", "iCode", "cagr", "avail", "t_first", "t_latest"]);
    const aut = tr.rows.find((x) => x[0] === "AUT" && x[1] === "LPI")!;
    expectClose(Number(aut[2]), 0.1, { rtol: 1e-9, what: "AUT LPI CAGR" });
    expect(aut.slice(3)).toEqual(["1", "2020", "2022"]);
    // COINr's other options reach get_trends: prc_change over the latest 2 points, interpolated
    // at 2021 (a new time: availability 2 of 3), adjust_directions.
    const out2 = join(dir, "out2");
    const r2 = analyseWith(
      join(dir, "iData.csv"),
      "--f-trend",
      "prc_change",
      "--per",
      "2",
      "--latest",
      "2",
      "--interp-at",
      "2021",
      "--adjust-directions",
      "--out",
      out2,
    );
    expect(r2.status, r2.stderr).toBe(0);
    const tr2 = await read(out2, "trends.csv");
    expect(tr2.columns).toEqual([
      "uCode",
      "iCode",
      "prc_change",
      "avail",
      "t_first",
      "t_latest",
      "avail_use_latest",
      "t_first_use_latest",
    ]);
    const aut2 = tr2.rows.find((x) => x[0] === "AUT" && x[1] === "LPI")!;
    // 2021 interpolated halfway between y and 1.21 y; the latest two points 1.105 y → 1.21 y:
    // 100 · 0.105/1.105 · 2 per 2 years.
    expectClose(Number(aut2[2]), (100 * 0.105 * 2) / 1.105, {
      rtol: 1e-9,
      what: "AUT LPI prc_change",
    });
    expect(aut2.slice(3)).toEqual([String(2 / 3), "2020", "2022", "0.5", "2021"]);
    const run = JSON.parse(await readFile(join(out2, "run.json"), "utf8"));
    expect(run.options).toMatchObject({
      fTrend: "prc_change",
      per: 2,
      useLatest: 2,
      interpAt: [2021],
    });
  });
});
