/**
 * `softpower survey estimate` end to end (node bin/softpower.js as a child process): output
 * columns, the R survey 4.1-1 reference value for dclus1 (../shared/data/survey/api/reference/
 * survey_reference_subset.csv, T01), --out, bad-input exits (code 2, naming the variable) and the
 * stderr note about excluded missing values.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const APICLUS1 = sharedPath("survey", "api", "apiclus1.csv");

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "survey", "estimate", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

let dir = "";
let design = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-survey-cli-"));
  design = join(dir, "design.json");
  await writeFile(design, JSON.stringify({ ids: ["dnum"], weights: "pw", fpc: ["fpc"] }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const HEADER = ["variable", "level", "estimate", "se", "ci_low", "ci_high", "n", "deff"];

describe.skipIf(!hasShared)("survey estimate on apiclus1", () => {
  it("svymean api00: columns and R's estimate and SE (T01)", () => {
    const r = run(["--data", APICLUS1, "--design", design, "--stat", "mean", "--vars", "api00"]);
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(r.stdout, "stdout");
    expect(t.columns).toEqual(HEADER);
    expect(t.rows.length).toBe(1);
    const row = t.rows[0]!;
    expect(row[0]).toBe("api00");
    expect(row[1]).toBe("");
    expectClose(Number(row[2]), 644.169398907104, { rtol: 1e-9, what: "estimate" });
    expectClose(Number(row[3]), 23.542240693781, { rtol: 1e-9, what: "se" });
    // Wald interval on the normal quantile (confint default df = Inf).
    expectClose(Number(row[4]), 644.169398907104 - 1.959963984540054 * 23.542240693781, {
      rtol: 1e-9,
      what: "ci_low",
    });
    expect(Number(row[6])).toBe(183);
    // R's deff (T02).
    expectClose(Number(row[7]), 9.34586945059095, { rtol: 1e-9, what: "deff" });
  });

  it("--by stype puts the by-variable first and matches R's svyby (T06)", () => {
    const r = run([
      "--data",
      APICLUS1,
      "--design",
      design,
      "--stat",
      "mean",
      "--vars",
      "api00",
      "--by",
      "stype",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(r.stdout, "stdout");
    expect(t.columns).toEqual(["stype", ...HEADER]);
    expect(t.rows.map((x) => x[0])).toEqual(["E", "H", "M"]);
    const ref = [
      [648.868055555556, 22.3624088938319],
      [618.571428571429, 38.0202493594075],
      [631.44, 31.6094652272455],
    ];
    t.rows.forEach((x, k) => {
      expectClose(Number(x[3]), ref[k]![0]!, { rtol: 1e-9, what: `est ${x[0]}` });
      expectClose(Number(x[4]), ref[k]![1]!, { rtol: 1e-9, what: `se ${x[0]}` });
    });
  });

  it("--out writes the CSV file", async () => {
    const out = join(dir, "est.csv");
    const r = run([
      "--data",
      APICLUS1,
      "--design",
      design,
      "--stat",
      "total",
      "--vars",
      "enroll",
      "--out",
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    const t = parseCsv(await readFile(out, "utf8"), out);
    expect(t.columns).toEqual(HEADER);
    // R T04: svytotal(~enroll, dclus1).
    expectClose(Number(t.rows[0]![2]), 3404940.13452911, { rtol: 1e-9, what: "total" });
    expectClose(Number(t.rows[0]![3]), 932235.027041215, { rtol: 1e-9, what: "se" });
  });

  it("notes on stderr how many respondents a variable with missing values loses", () => {
    // acs.k3 is NA on 39 of the 183 schools (counted in the CSV).
    const r = run(["--data", APICLUS1, "--design", design, "--stat", "mean", "--vars", "acs.k3"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/acs\.k3: 39 of 183 respondents have no value/);
    const t = parseCsv(r.stdout, "stdout");
    expect(Number(t.rows[0]![6])).toBe(144);
  });

  it("an unknown variable exits 2 naming it", () => {
    const r = run(["--data", APICLUS1, "--design", design, "--stat", "mean", "--vars", "api01"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown variable "api01"/);
  });

  it("a zero weight exits 2 naming the row and the weight variable", async () => {
    const lines = (await readFile(APICLUS1, "utf8")).split("\n");
    // Data row 2 (file line 3): set the last field, pw, to 0.
    lines[2] = lines[2]!.replace(/,[^,]*$/, ",0");
    const copy = join(dir, "zero-weight.csv");
    await writeFile(copy, lines.join("\n"));
    const r = run(["--data", copy, "--design", design, "--stat", "mean", "--vars", "api00"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/row 3, variable pw/);
  });

  it("--stat mean on a text column exits 2 naming the variable", () => {
    const r = run(["--data", APICLUS1, "--design", design, "--stat", "mean", "--vars", "sname"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/variable sname/);
    expect(r.stderr).toMatch(/not a number/);
  });

  it("an unknown --stat exits 2", () => {
    const r = run(["--data", APICLUS1, "--design", design, "--stat", "median", "--vars", "api00"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--stat/);
    expect(r.stderr).toMatch(/median/);
  });
});

/** Stratum north has a single PSU. */
const LONELY_CSV = [
  "region,psu,y,w",
  "south,1,3,2",
  "south,1,4,2",
  "south,2,5,2",
  "south,2,6,2",
  "north,3,7,2",
  "north,3,8,2",
].join("\n");

describe("survey estimate on small CSVs", () => {
  it("an empty domain exits 2 naming the variable", async () => {
    const csv = join(dir, "empty-domain.csv");
    await writeFile(
      csv,
      ["g,psu,y,w", "a,1,3,2", "a,1,4,2", "b,2,NA,2", "a,2,5,2", "b,3,NA,2", "a,3,6,2"].join("\n"),
    );
    const des = join(dir, "design-small.json");
    await writeFile(des, JSON.stringify({ ids: ["psu"], weights: "w" }));
    for (const stat of ["mean", "total"]) {
      const r = run(["--data", csv, "--design", des, "--stat", stat, "--vars", "y", "--by", "g"]);
      expect(r.status, `${stat}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/variable y/);
      expect(r.stderr).toMatch(/domain/);
    }
  });

  it("a lonely PSU under the default fail exits 2 naming the stratum", async () => {
    const csv = join(dir, "lonely.csv");
    await writeFile(csv, LONELY_CSV);
    const des = join(dir, "design-lonely.json");
    await writeFile(des, JSON.stringify({ ids: ["psu"], strata: "region", weights: "w" }));
    const r = run(["--data", csv, "--design", des, "--stat", "mean", "--vars", "y"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/only one PSU/);
    // R: "Stratum (north) has only one PSU at stage 1" — the user needs to know which one.
    expect(r.stderr).toMatch(/region|north/);
  });

  it("the same lonely PSU with lonely_psu remove runs", async () => {
    const csv = join(dir, "lonely-remove.csv");
    await writeFile(csv, LONELY_CSV);
    const des = join(dir, "design-lonely-remove.json");
    await writeFile(
      des,
      JSON.stringify({ ids: ["psu"], strata: "region", weights: "w", lonely_psu: "remove" }),
    );
    const r = run(["--data", csv, "--design", des, "--stat", "mean", "--vars", "y"]);
    expect(r.status, r.stderr).toBe(0);
    // Equal weights: mean 5.5.
    expect(Number(parseCsv(r.stdout, "stdout").rows[0]![2])).toBe(5.5);
  });

  it("--replicates JK1 with --by: domain means use the replicate variance", async () => {
    // 5 PSUs, JK1: replicate j drops PSU j, others × 5/4; θ_j the domain mean;
    // V = (4/5) Σ (θ_j − θ̄)². python3 (/tmp/svyhand/jk1dom.py): a 1.2870352983944107,
    // b 0.46437881516647256.
    const csv = join(dir, "jk1.csv");
    const y = [3, 5, 2, 8, 6, 1, 7, 4, 9];
    const w = [10, 12, 10, 14, 20, 18, 15, 15, 25];
    const psu = [1, 1, 2, 2, 3, 3, 4, 4, 5];
    const g = ["a", "b", "a", "a", "b", "b", "a", "b", "a"];
    await writeFile(
      csv,
      ["psu,y,w,g", ...y.map((v, i) => `${psu[i]},${v},${w[i]},${g[i]}`)].join("\n"),
    );
    const des = join(dir, "design-jk1.json");
    await writeFile(des, JSON.stringify({ ids: ["psu"], weights: "w" }));
    const r = run([
      "--data",
      csv,
      "--design",
      des,
      "--stat",
      "mean",
      "--vars",
      "y",
      "--by",
      "g",
      "--replicates",
      "JK1",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout, "stdout").rows;
    expect(rows.map((x) => x[0])).toEqual(["a", "b"]);
    expectClose(Number(rows[0]![4]), 1.2870352983944107, { rtol: 1e-10, what: "JK1 se a" });
    expectClose(Number(rows[1]![4]), 0.46437881516647256, { rtol: 1e-10, what: "JK1 se b" });
  });
});
