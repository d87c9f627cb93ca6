/**
 * `softpower index` end to end, as a child process (`node bin/softpower.js`): usage, the ASEM
 * build, uncertainty and Sobol determinism, bad-input messages (file, row, column; exit 2) and
 * the atomic output directory.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv, type Table } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

/** Analysis tables written beside the contract's files (effective weights, alpha, correlations, PCA). */
const ANALYSIS_FILES = [
  "analysis/correlations.csv",
  "analysis/cronbach.csv",
  "analysis/effective_weights.csv",
  "analysis/pca_weights.csv",
];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIX = join(ROOT, "test", "fixtures", "cli");
const fix = (name: string) => join(FIX, name);
const asem = (name: string) => sharedPath("composite", "asem", name);

const STAGE_FILES = [
  "Raw",
  "Denominated",
  "Imputed",
  "Screened",
  "Treated",
  "Normalised",
  "Aggregated",
].map((s) => `stages/${s}.csv`);

/** The small fixture has no groups or denominators: normalise and aggregate only. */
const SMALL_PIPELINE = {
  normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
  aggregate: { method: "a_amean" },
};

/** The ASEM default build, normalised onto [1, 100] so that a_gmean never meets a zero. */
const ASEM_PIPELINE_POSITIVE = {
  denominate: {},
  impute: { method: "i_mean_grp", group: "EurAsia_group" },
  screen: { by: "byNA", dat_thresh: 0.9 },
  treat: { winmax: 5, skew_thresh: 2, kurt_thresh: 3.5 },
  normalise: { method: "n_minmax", params: { l_u: [1, 100] } },
  aggregate: { method: "a_amean" },
};

const WINMAX_FACTOR = { name: "Winmax", step: "treat", param: "winmax", values: [1, 3, 5] };
const AGG_FACTOR = {
  name: "Aggregation",
  step: "aggregate",
  param: "method",
  values: ["a_amean", "a_gmean"],
};

function cli(...args: string[]): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, ["bin/softpower.js", ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return r;
}

/** Asserts a successful run, showing stderr when it was not. */
function expectOk(r: SpawnSyncReturns<string>): void {
  expect(r.status, `exit code; stderr:\n${r.stderr}`).toBe(0);
}

/** Asserts exit code 2 and that stderr contains every fragment. */
function expectBadInput(r: SpawnSyncReturns<string>, fragments: string[]): void {
  expect(r.status, `exit code; stderr:\n${r.stderr}`).toBe(2);
  for (const f of fragments) expect(r.stderr).toContain(f);
  expect(r.stderr).not.toContain("internal error");
}

async function readCsvFile(path: string): Promise<Table> {
  return parseCsv(await readFile(path, "utf8"), path);
}

/** Every file under dir, relative, "/"-separated, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .replaceAll("\\", "/"),
    )
    .sort();
}

const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

let TMP: string;
beforeAll(async () => {
  TMP = await mkdtemp(join(tmpdir(), "softpower-cli-"));
});
afterAll(async () => {
  await rm(TMP, { recursive: true, force: true });
});

/** A fresh directory under the test's temp dir. */
async function freshDir(name: string): Promise<string> {
  const d = await mkdtemp(join(TMP, `${name}-`));
  return d;
}

async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, `${JSON.stringify(value, null, 2)}\n`);
  return p;
}

describe("usage", () => {
  it("--help exits 0 and lists the index command", () => {
    const r = cli("--help");
    expectOk(r);
    expect(r.stdout).toMatch(/Usage: softpower/);
    expect(r.stdout).toMatch(/^\s+index\b/m);
  });

  it("index --help exits 0 and shows every option", () => {
    const r = cli("index", "--help");
    expectOk(r);
    for (const opt of [
      "--data <file>",
      "--meta <file>",
      "--pipeline <file>",
      "--uncertainty <file>",
      "--seed <n>",
      "--threads <n>",
      "--json",
      "--out <dir>",
    ]) {
      expect(r.stdout).toContain(opt);
    }
  });

  it("--version prints the package version and exits 0", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const r = cli("--version");
    expectOk(r);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("a missing required option exits 2 and names the option", async () => {
    const out = join(await freshDir("usage"), "out");
    const r = cli("index", "--data", fix("small_iData.csv"), "--out", out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--meta");
    expect(existsSync(out)).toBe(false);
  });

  it("a missing --out exits 2", () => {
    const r = cli("index", "--data", fix("small_iData.csv"), "--meta", fix("small_iMeta.csv"));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--out");
  });

  it("an unknown option exits 2 and names it", async () => {
    const dir = await freshDir("usage");
    const pipeline = await writeJson(dir, "pipeline.json", SMALL_PIPELINE);
    const out = join(dir, "out");
    const r = cli(
      "index",
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--out",
      out,
      "--bogus",
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--bogus");
    expect(existsSync(out)).toBe(false);
  });

  it("an unknown command exits 2", () => {
    expect(cli("indx").status).toBe(2);
  });

  it.each([
    ["--threads", "0"],
    ["--threads", "two"],
    ["--seed", "1.5"],
  ])("%s %s exits 2 naming the option", async (opt, value) => {
    const dir = await freshDir("usage");
    const pipeline = await writeJson(dir, "pipeline.json", SMALL_PIPELINE);
    const r = cli(
      "index",
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      opt,
      value,
      "--out",
      join(dir, "out"),
    );
    expectBadInput(r, [opt]);
  });
});

describe("small fixture (5 units, 3 indicators)", () => {
  it("builds, writing the stages that ran and rank-sorted results", async () => {
    const dir = await freshDir("small");
    const pipeline = await writeJson(dir, "pipeline.json", SMALL_PIPELINE);
    const out = join(dir, "out");
    const r = cli(
      "index",
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--out",
      out,
    );
    expectOk(r);
    expect(await listFiles(out)).toEqual(
      [
        "results.csv",
        "run.json",
        "stats.csv",
        "treat.csv",
        "stages/Raw.csv",
        "stages/Normalised.csv",
        "stages/Aggregated.csv",
        ...ANALYSIS_FILES,
      ].sort(),
    );
    const res = await readCsvFile(join(out, "results.csv"));
    expect(res.columns).toEqual(["uCode", "uName", "Index", "Pil", "Rank"]);
    // Ind3 has Direction -1; min-max onto [0, 100] then arithmetic mean.
    expect(res.rows.map((row) => row[0])).toEqual(["EEE", "CCC", "BBB", "AAA", "DDD"]);
    expect(res.rows.map((row) => row[4])).toEqual(["1", "2", "3", "4", "5"]);
    expectClose(Number(res.rows[0]![2]), 100, { what: "EEE Index" });
    expectClose(Number(res.rows[4]![2]), 25, { what: "DDD Index" });
  });

  it("reads iData and iMeta from the sheets of one XLSX workbook, like the CSVs", async () => {
    const dir = await freshDir("xlsx");
    const pipeline = await writeJson(dir, "pipeline.json", SMALL_PIPELINE);
    const book = join(dir, "coin.xlsx");
    const wb = new ExcelJS.Workbook();
    for (const [sheet, file] of [
      ["iMeta", "small_iMeta.csv"],
      ["iData", "small_iData.csv"],
    ] as const) {
      const t = await readCsvFile(fix(file));
      const ws = wb.addWorksheet(sheet);
      ws.addRow(t.columns);
      for (const row of t.rows) {
        ws.addRow(
          row.map((c) => (c !== "" && c !== "NA" && !Number.isNaN(Number(c)) ? Number(c) : c)),
        );
      }
    }
    await wb.xlsx.writeFile(book);
    const fromXlsx = join(dir, "xlsx");
    const fromCsv = join(dir, "csv");
    expectOk(
      cli("index", "--data", book, "--meta", book, "--pipeline", pipeline, "--out", fromXlsx),
    );
    expectOk(
      cli(
        "index",
        "--data",
        fix("small_iData.csv"),
        "--meta",
        fix("small_iMeta.csv"),
        "--pipeline",
        pipeline,
        "--out",
        fromCsv,
      ),
    );
    expect(await readFile(join(fromXlsx, "results.csv"), "utf8")).toBe(
      await readFile(join(fromCsv, "results.csv"), "utf8"),
    );
  });
});

describe.skipIf(!hasShared)("ASEM example (../shared)", () => {
  let dir: string;
  let out: string;
  let run: SpawnSyncReturns<string>;
  beforeAll(async () => {
    dir = await freshDir("asem");
    out = join(dir, "out");
    run = cli(
      "index",
      "--data",
      asem("ASEM_iData.csv"),
      "--meta",
      asem("ASEM_iMeta.csv"),
      "--pipeline",
      "examples/asem/pipeline.json",
      "--out",
      out,
    );
  });

  it("exits 0 and writes every expected file (no uncertainty files)", async () => {
    expectOk(run);
    expect(await listFiles(out)).toEqual(
      [
        ...STAGE_FILES,
        ...ANALYSIS_FILES,
        "results.csv",
        "treat.csv",
        "stats.csv",
        "run.json",
      ].sort(),
    );
    expect(run.stdout).toContain("CHE");
  });

  it("results.csv has uCode, uName, the aggregates from the top level down, Rank", async () => {
    const res = await readCsvFile(join(out, "results.csv"));
    expect(res.columns).toEqual([
      "uCode",
      "uName",
      "Index",
      "Conn",
      "Sust",
      "Physical",
      "ConEcFin",
      "Political",
      "Instit",
      "P2P",
      "Environ",
      "Social",
      "SusEcFin",
      "Rank",
    ]);
    // The same order derived from iMeta: levels descending, iMeta order within a level.
    const meta = await readCsvFile(asem("ASEM_iMeta.csv"));
    const col = (c: string) => meta.columns.indexOf(c);
    const aggs = meta.rows
      .filter((r) => r[col("Type")] === "Aggregate")
      .map((r, i) => ({ code: r[col("iCode")]!, level: Number(r[col("Level")]), i }))
      .sort((a, b) => b.level - a.level || a.i - b.i)
      .map((a) => a.code);
    expect(res.columns).toEqual(["uCode", "uName", ...aggs, "Rank"]);
  });

  it("matches COINr: CHE first with Index 68.3837, RUS last with rank 51, sorted by rank", async () => {
    const res = await readCsvFile(join(out, "results.csv"));
    expect(res.rows).toHaveLength(51);
    const first = res.rows[0]!;
    const last = res.rows[res.rows.length - 1]!;
    const rankCol = res.columns.indexOf("Rank");
    const indexCol = res.columns.indexOf("Index");
    expect(first[0]).toBe("CHE");
    expect(first[1]).toBe("Switzerland");
    expectClose(Number(first[indexCol]), 68.3837, { rtol: 0, atol: 1e-4, what: "CHE Index" });
    expect(first[rankCol]).toBe("1");
    expect(last[0]).toBe("RUS");
    expect(last[rankCol]).toBe("51");
    const ranks = res.rows.map((r) => Number(r[rankCol]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const scores = res.rows.map((r) => Number(r[indexCol]));
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThanOrEqual(scores[i - 1]!);
  });

  it("run.json records the pipeline, version, timings and the sha256 of the inputs", async () => {
    const runJson = JSON.parse(await readFile(join(out, "run.json"), "utf8"));
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    const pipeline = JSON.parse(await readFile(join(ROOT, "examples/asem/pipeline.json"), "utf8"));
    expect(runJson.softpower).toBe(pkg.version);
    expect(runJson.pipeline).toEqual(pipeline);
    expect(runJson.inputs.data.sha256).toBe(await sha256(asem("ASEM_iData.csv")));
    expect(runJson.inputs.meta.sha256).toBe(await sha256(asem("ASEM_iMeta.csv")));
    expect(runJson.inputs.pipeline.sha256).toBe(
      await sha256(join(ROOT, "examples/asem/pipeline.json")),
    );
    expect(runJson.inputs.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof runJson.timings.total_ms).toBe("number");
    expect(runJson.units).toBe(51);
    expect(runJson.uncertainty_run).toBeNull();
  });

  it("--json prints one parseable JSON summary", async () => {
    const o = join(await freshDir("asem-json"), "out");
    const r = cli(
      "index",
      "--data",
      asem("ASEM_iData.csv"),
      "--meta",
      asem("ASEM_iMeta.csv"),
      "--pipeline",
      "examples/asem/pipeline.json",
      "--json",
      "--out",
      o,
    );
    expectOk(r);
    const summary = JSON.parse(r.stdout);
    expect(summary.out).toBe(resolve(o));
    expect(summary.files).toEqual(expect.arrayContaining(["results.csv", "run.json"]));
    expect(summary.top[0].uCode).toBe("CHE");
    expectClose(summary.top[0].score, 68.3837, { rtol: 0, atol: 1e-4, what: "top score" });
  });
});

describe.skipIf(!hasShared)("uncertainty and sensitivity (ASEM)", () => {
  let dir: string;
  let pipeline: string;
  let uaSpec: string;
  let sobolSpec: string;
  beforeAll(async () => {
    dir = await freshDir("ua");
    pipeline = await writeJson(dir, "pipeline.json", ASEM_PIPELINE_POSITIVE);
    uaSpec = await writeJson(dir, "ua.json", {
      type: "uncertainty",
      runs: 200,
      factors: [WINMAX_FACTOR, AGG_FACTOR],
    });
    sobolSpec = await writeJson(dir, "sobol.json", {
      type: "sobol",
      runs: 50,
      nboot: 200,
      factors: [WINMAX_FACTOR, AGG_FACTOR],
    });
  });

  const runWith = (spec: string, out: string, ...extra: string[]) =>
    cli(
      "index",
      "--data",
      asem("ASEM_iData.csv"),
      "--meta",
      asem("ASEM_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--uncertainty",
      spec,
      ...extra,
      "--out",
      out,
    );

  it("writes uncertainty.csv: 51 units, q05 <= median <= q95, ranks in 1..51", async () => {
    const out = join(dir, "ua1");
    expectOk(runWith(uaSpec, out, "--seed", "7"));
    const files = await listFiles(out);
    expect(files).toContain("uncertainty.csv");
    expect(files).not.toContain("sensitivity.csv");
    const t = await readCsvFile(join(out, "uncertainty.csv"));
    expect(t.columns).toEqual([
      "uCode",
      "nominal_rank",
      "median_rank",
      "mean_rank",
      "q05_rank",
      "q95_rank",
    ]);
    expect(t.rows).toHaveLength(51);
    expect(new Set(t.rows.map((r) => r[0])).size).toBe(51);
    for (const row of t.rows) {
      const [nominal, median, mean, q05, q95] = row.slice(1).map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ];
      for (const v of [nominal, median, mean, q05, q95]) {
        expect(v, `${row[0]}`).toBeGreaterThanOrEqual(1);
        expect(v, `${row[0]}`).toBeLessThanOrEqual(51);
      }
      expect(Number.isInteger(nominal)).toBe(true);
      expect(q05, `${row[0]} q05 <= median`).toBeLessThanOrEqual(median);
      expect(median, `${row[0]} median <= q95`).toBeLessThanOrEqual(q95);
      expect(q05, `${row[0]} q05 <= mean`).toBeLessThanOrEqual(mean);
      expect(mean, `${row[0]} mean <= q95`).toBeLessThanOrEqual(q95);
    }
    const che = t.rows.find((r) => r[0] === "CHE")!;
    expect(che[1]).toBe("1");
    const runJson = JSON.parse(await readFile(join(out, "run.json"), "utf8"));
    expect(runJson.seed).toBe(7);
    expect(runJson.uncertainty_run).toMatchObject({ type: "uncertainty", runs: 200, failed: 0 });
    expect(runJson.inputs.uncertainty.sha256).toBe(await sha256(uaSpec));
  });

  it("the same seed twice gives byte-identical uncertainty.csv", async () => {
    const a = join(dir, "seed-a");
    const b = join(dir, "seed-b");
    expectOk(runWith(uaSpec, a, "--seed", "11"));
    expectOk(runWith(uaSpec, b, "--seed", "11"));
    const ta = await readFile(join(a, "uncertainty.csv"));
    const tb = await readFile(join(b, "uncertainty.csv"));
    expect(ta.equals(tb)).toBe(true);
  });

  it("Sobol: --threads 2 gives byte-identical output to --threads 1", async () => {
    const one = join(dir, "sobol-1");
    const two = join(dir, "sobol-2");
    expectOk(runWith(sobolSpec, one, "--seed", "5", "--threads", "1"));
    expectOk(runWith(sobolSpec, two, "--seed", "5", "--threads", "2"));
    for (const f of ["uncertainty.csv", "sensitivity.csv", "results.csv"]) {
      const a = await readFile(join(one, f));
      const b = await readFile(join(two, f));
      expect(a.equals(b), `${f} differs between 1 and 2 threads`).toBe(true);
    }
    const r1 = JSON.parse(await readFile(join(one, "run.json"), "utf8"));
    const r2 = JSON.parse(await readFile(join(two, "run.json"), "utf8"));
    expect(r1.uncertainty_run).toMatchObject({ type: "sobol", threads: 1, failed: 0 });
    expect(r2.uncertainty_run).toMatchObject({ type: "sobol", threads: 2, failed: 0 });
    // N(d + 2) replications for N = 50 base samples and d = 2 factors.
    expect(r2.uncertainty_run.runs).toBe(200);

    const s = await readCsvFile(join(one, "sensitivity.csv"));
    expect(s.columns).toEqual(["factor", "Si", "STi", "Si_lo", "Si_hi", "STi_lo", "STi_hi"]);
    expect(s.rows.map((r) => r[0])).toEqual(["Winmax", "Aggregation"]);
    for (const row of s.rows) {
      for (const cell of row.slice(1)) expect(Number.isFinite(Number(cell)), row[0]).toBe(true);
    }
  });
});

describe("bad input: exit 2, message naming file, row and column", () => {
  let dir: string;
  let pipeline: string;
  beforeAll(async () => {
    dir = await freshDir("bad");
    pipeline = await writeJson(dir, "pipeline.json", SMALL_PIPELINE);
  });

  const small = (data: string, meta: string, ...extra: string[]) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const r = cli("index", "--data", data, "--meta", meta, ...extra, "--out", out);
    return { r, out };
  };

  it("the small fixture itself is valid (control)", () => {
    const { r } = small(fix("small_iData.csv"), fix("small_iMeta.csv"), "--pipeline", pipeline);
    expectOk(r);
  });

  it("a non-numeric indicator cell in iData", () => {
    const { r, out } = small(
      fix("bad_cell_iData.csv"),
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
    );
    expectBadInput(r, ["bad_cell_iData.csv", "row 4", "column Ind2", '"abc"']);
    expect(existsSync(out)).toBe(false);
  });

  it("an iMeta row whose Parent is unknown", () => {
    const { r, out } = small(
      fix("small_iData.csv"),
      fix("bad_parent_iMeta.csv"),
      "--pipeline",
      pipeline,
    );
    expectBadInput(r, ["bad_parent_iMeta.csv", "row 3", "column Parent", '"Pilar"']);
    expect(existsSync(out)).toBe(false);
  });

  it("a duplicate iCode", () => {
    const { r } = small(fix("small_iData.csv"), fix("dup_icode_iMeta.csv"), "--pipeline", pipeline);
    expectBadInput(r, ["dup_icode_iMeta.csv", "row 4", "column iCode", '"Ind1"', "row 2"]);
  });

  it("an indicator in iMeta with no iData column", () => {
    const { r } = small(
      fix("small_iData.csv"),
      fix("extra_indicator_iMeta.csv"),
      "--pipeline",
      pipeline,
    );
    // Names the iData file, the missing column and the iMeta row that declares it.
    expectBadInput(r, ["small_iData.csv", '"Ind4"', "iMeta row 5"]);
  });

  it("a pipeline.json with an unknown key names the key", async () => {
    const p = await writeJson(dir, "unknown-key.json", { ...SMALL_PIPELINE, aggregat: {} });
    const { r } = small(fix("small_iData.csv"), fix("small_iMeta.csv"), "--pipeline", p);
    expectBadInput(r, ["unknown-key.json", "aggregat"]);
  });

  it("a pipeline.json with an unknown nested key names the key and its path", async () => {
    const p = await writeJson(dir, "nested-key.json", {
      ...SMALL_PIPELINE,
      aggregate: { method: "a_amean", wieghts: "x" },
    });
    const { r } = small(fix("small_iData.csv"), fix("small_iMeta.csv"), "--pipeline", p);
    expectBadInput(r, ["nested-key.json", "at aggregate", "wieghts"]);
  });

  it("a pipeline.json with a wrong type names the key path", async () => {
    const p = await writeJson(dir, "wrong-type.json", {
      ...SMALL_PIPELINE,
      treat: { winmax: "five" },
    });
    const { r } = small(fix("small_iData.csv"), fix("small_iMeta.csv"), "--pipeline", p);
    expectBadInput(r, ["wrong-type.json", "treat.winmax", "number"]);
  });

  it("a pipeline.json that is not JSON names the file", async () => {
    const p = join(dir, "broken.json");
    await writeFile(p, '{ "aggregate": ');
    const { r } = small(fix("small_iData.csv"), fix("small_iMeta.csv"), "--pipeline", p);
    expectBadInput(r, ["broken.json", "JSON"]);
  });

  it("an uncertainty spec naming an unknown indicator in an exclude factor", async () => {
    const spec = await writeJson(dir, "exclude-spec.json", {
      type: "uncertainty",
      runs: 20,
      factors: [{ name: "Drop", exclude: ["Ind1", "Nope"] }],
    });
    const { r, out } = small(
      fix("small_iData.csv"),
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--uncertainty",
      spec,
    );
    // The spec file, where in it (factor 0, "Drop") and the unknown code.
    expectBadInput(r, ['"Nope"', "Drop", "exclude-spec.json"]);
    expect(existsSync(out)).toBe(false);
  });

  it("an uncertainty spec with an unknown key names the file and key", async () => {
    const spec = await writeJson(dir, "bad-key-spec.json", {
      type: "uncertainty",
      runs: 20,
      factors: [{ name: "Drop", exclude: ["Ind1"] }],
      rnus: 3,
    });
    const { r } = small(
      fix("small_iData.csv"),
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--uncertainty",
      spec,
    );
    expectBadInput(r, ["bad-key-spec.json", "rnus"]);
  });

  it.each([
    ["--data", "does-not-exist_iData.csv"],
    ["--meta", "does-not-exist_iMeta.csv"],
    ["--pipeline", "does-not-exist.json"],
    ["--uncertainty", "does-not-exist-spec.json"],
  ])("a file that does not exist (%s)", (opt, name) => {
    const args: Record<string, string> = {
      "--data": fix("small_iData.csv"),
      "--meta": fix("small_iMeta.csv"),
      "--pipeline": pipeline,
    };
    args[opt] = join(dir, name);
    const { r, out } = small(
      args["--data"]!,
      args["--meta"]!,
      ...Object.entries(args)
        .filter(([k]) => k !== "--data" && k !== "--meta")
        .flat(),
    );
    expectBadInput(r, [name]);
    expect(existsSync(out)).toBe(false);
  });
});

describe("atomic output directory", () => {
  it("a failing run leaves DIR untouched; a successful one replaces it entirely", async () => {
    const parent = await freshDir("atomic");
    const pipelineDir = await freshDir("atomic-inputs");
    const pipeline = await writeJson(pipelineDir, "pipeline.json", SMALL_PIPELINE);
    const out = join(parent, "DIR");
    await mkdir(join(out, "sub"), { recursive: true });
    await writeFile(join(out, "marker.txt"), "keep me\n");
    await writeFile(join(out, "sub", "old.csv"), "a,b\n1,2\n");
    const before = await listFiles(out);

    const bad = cli(
      "index",
      "--data",
      fix("bad_cell_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--out",
      out,
    );
    expect(bad.status).toBe(2);
    expect(await listFiles(out)).toEqual(before);
    expect(await readFile(join(out, "marker.txt"), "utf8")).toBe("keep me\n");
    expect(await readdir(parent)).toEqual(["DIR"]);

    // A failure after the build (in the uncertainty analysis) must not touch DIR either.
    const spec = await writeJson(pipelineDir, "spec.json", {
      type: "uncertainty",
      runs: 10,
      factors: [{ name: "Drop", exclude: ["Nope"] }],
    });
    const late = cli(
      "index",
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--uncertainty",
      spec,
      "--out",
      out,
    );
    expect(late.status).toBe(2);
    expect(await listFiles(out)).toEqual(before);
    expect(await readdir(parent)).toEqual(["DIR"]);

    const good = cli(
      "index",
      "--data",
      fix("small_iData.csv"),
      "--meta",
      fix("small_iMeta.csv"),
      "--pipeline",
      pipeline,
      "--out",
      out,
    );
    expectOk(good);
    const after = await listFiles(out);
    expect(after).not.toContain("marker.txt");
    expect(after).not.toContain("sub/old.csv");
    expect(after).toContain("results.csv");
    expect(after).toContain("run.json");
    const siblings = await readdir(parent);
    expect(siblings).toEqual(["DIR"]);
    expect(siblings.filter((s) => s.startsWith(".DIR.tmp-") || s.startsWith(".DIR.old-"))).toEqual(
      [],
    );
  });
});
