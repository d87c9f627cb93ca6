/**
 * `softpower survey crosstab` end to end (node bin/softpower.js as a child process): the cells
 * CSV and FILE.test.json against the R survey 4.1.1 references in
 * test/fixtures/survey-tables (make-reference.R: dclus1, its JK1 replicate version, its
 * post-stratified version and subset(dclus1, stype == "E"), which --by stype reproduces), and the
 * bad-input exits (code 2, naming the variable).
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
const FIXTURES = join(ROOT, "test/fixtures/survey-tables");
const APICLUS1 = sharedPath("survey", "api", "apiclus1.csv");
const RTOL = 1e-8;

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "survey", "crosstab", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

let dir = "";
let design = "";
let calib = "";
let small = "";
let smallDesign = "";
let chisq: string[][] = [];
let table: string[][] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-crosstab-cli-"));
  design = join(dir, "design.json");
  await writeFile(design, JSON.stringify({ ids: ["dnum"], weights: "pw", fpc: ["fpc"] }));
  calib = join(dir, "calib.json");
  await writeFile(
    calib,
    JSON.stringify({ method: "poststratify", margins: { stype: { E: 4421, H: 755, M: 1018 } } }),
  );
  // a is constant; b is missing in domain G2 of g.
  small = join(dir, "small.csv");
  await writeFile(
    small,
    "w,a,b,c,g\n1,x,u,p,G1\n2,x,v,q,G1\n1,x,u,q,G1\n2,x,v,p,G1\n1,x,u,p,G1\n2,x,v,q,G1\n1,x,,p,G2\n2,x,,q,G2\n",
  );
  smallDesign = join(dir, "small-design.json");
  await writeFile(smallDesign, JSON.stringify({ weights: "w" }));
  chisq = parseCsv(await readFile(join(FIXTURES, "chisq.csv"), "utf8"), "chisq.csv").rows;
  table = parseCsv(await readFile(join(FIXTURES, "table.csv"), "utf8"), "table.csv").rows;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const HEADER = ["row", "col", "count", "prop", "col_prop", "col_prop_se", "ci_low", "ci_high", "n"];

/** The R reference of a case and statistic as the JSON the CLI writes. */
function refTest(name: string, stat: string): Record<string, number> {
  const r = chisq.find((x) => x[0] === name && x[1] === stat);
  if (!r) throw new Error(`no reference ${name} ${stat}`);
  return stat === "Chisq"
    ? { statistic: Number(r[2]), p_value: Number(r[3]), df: Number(r[4]) }
    : { statistic: Number(r[2]), p_value: Number(r[3]), ndf: Number(r[4]), ddf: Number(r[5]) };
}

function expectTest(
  actual: Record<string, unknown>,
  expected: Record<string, number>,
  what: string,
) {
  for (const [k, v] of Object.entries(expected))
    expectClose(actual[k] as number, v, { rtol: RTOL, what: `${what} ${k}` });
  const keys = Object.keys(actual).filter((k) => !["domain", "stype"].includes(k));
  expect(keys).toEqual(Object.keys(expected));
}

/** Cells of the CSV (from column `from`) against the R cells of a case, in order. */
function expectCells(rows: string[][], name: string, from = 0) {
  const ref = table.filter((r) => r[0] === name);
  expect(rows.length, name).toBe(ref.length);
  rows.forEach((row, j) => {
    const [, rl, cl, count, prop, se, lo, hi] = ref[j]!;
    const x = row.slice(from);
    expect([x[0], x[1]]).toEqual([rl, cl]);
    const what = `${name} ${rl}/${cl}`;
    expectClose(Number(x[2]), Number(count), { rtol: RTOL, what: `${what} count` });
    expectClose(Number(x[4]), Number(prop), { rtol: RTOL, what: `${what} col_prop` });
    expectClose(Number(x[5]), Number(se), { rtol: RTOL, what: `${what} se` });
    expectClose(Number(x[6]), Number(lo), { rtol: RTOL, what: `${what} ci_low` });
    expectClose(Number(x[7]), Number(hi), { rtol: RTOL, what: `${what} ci_high` });
  });
}

describe.skipIf(!hasShared)("survey crosstab on apiclus1", () => {
  it("sch.wide by stype: cells and the default F test (R svychisq)", async () => {
    const out = join(dir, "t1.csv");
    const r = run(
      ["--data", APICLUS1, "--design", design, "--rows", "sch.wide"].concat([
        "--cols",
        "stype",
        "--out",
        out,
      ]),
    );
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(await readFile(out, "utf8"), out);
    expect(t.columns).toEqual(HEADER);
    expectCells(t.rows, "dclus1_schwide_stype");
    const test = JSON.parse(await readFile(`${out}.test.json`, "utf8"));
    expectTest(test, refTest("dclus1_schwide_stype", "F"), "F");
  });

  it("--test Chisq, Wald, adjWald write R's parameter names", async () => {
    for (const stat of ["Chisq", "Wald", "adjWald"]) {
      const out = join(dir, `t-${stat}.csv`);
      const r = run(
        ["--data", APICLUS1, "--design", design, "--rows", "sch.wide"].concat([
          "--cols",
          "stype",
          "--test",
          stat,
          "--out",
          out,
        ]),
      );
      expect(r.status, r.stderr).toBe(0);
      const test = JSON.parse(await readFile(`${out}.test.json`, "utf8"));
      expectTest(test, refTest("dclus1_schwide_stype", stat), stat);
    }
  });

  it("--by stype: one block and one test per domain; E is R's subset(dclus1, stype == 'E')", async () => {
    const out = join(dir, "by.csv");
    const r = run(
      ["--data", APICLUS1, "--design", design, "--rows", "sch.wide"].concat([
        "--cols",
        "awards",
        "--by",
        "stype",
        "--test",
        "Wald",
        "--out",
        out,
      ]),
    );
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(await readFile(out, "utf8"), out);
    expect(t.columns).toEqual(["stype", ...HEADER]);
    expect([...new Set(t.rows.map((x) => x[0]))]).toEqual(["E", "H", "M"]);
    expectCells(
      t.rows.filter((x) => x[0] === "E"),
      "dclus1E_schwide_awards",
      1,
    );
    const tests = JSON.parse(await readFile(`${out}.test.json`, "utf8"));
    expect(tests.map((x: { domain: string }) => x.domain)).toEqual(["E", "H", "M"]);
    expect(tests[0].stype).toBe("E");
    expectTest(tests[0], refTest("dclus1E_schwide_awards", "Wald"), "Wald E");
  });

  it("--replicates JK1 and --calibrate (post-stratified) match R", async () => {
    const out = join(dir, "jk1.csv");
    let r = run(
      ["--data", APICLUS1, "--design", design, "--rows", "sch.wide"].concat([
        "--cols",
        "stype",
        "--replicates",
        "JK1",
        "--out",
        out,
      ]),
    );
    expect(r.status, r.stderr).toBe(0);
    expectCells(parseCsv(await readFile(out, "utf8"), out).rows, "jk1_schwide_stype");
    expectTest(
      JSON.parse(await readFile(`${out}.test.json`, "utf8")),
      refTest("jk1_schwide_stype", "F"),
      "JK1 F",
    );
    const ps = join(dir, "ps.csv");
    r = run(
      ["--data", APICLUS1, "--design", design, "--rows", "sch.wide"].concat([
        "--cols",
        "awards",
        "--calibrate",
        calib,
        "--test",
        "adjWald",
        "--out",
        ps,
      ]),
    );
    expect(r.status, r.stderr).toBe(0);
    expectCells(parseCsv(await readFile(ps, "utf8"), ps).rows, "ps_schwide_awards");
    expectTest(
      JSON.parse(await readFile(`${ps}.test.json`, "utf8")),
      refTest("ps_schwide_awards", "adjWald"),
      "post-stratified adjWald",
    );
  });

  it("bad input exits 2 naming the variable", async () => {
    const out = join(dir, "bad.csv");
    const base = ["--data", APICLUS1, "--design", design, "--out", out];
    const cases: [string[], RegExp][] = [
      [["--rows", "nope", "--cols", "stype"], /unknown variable "nope"/],
      [["--rows", "sch.wide", "--cols", "stype", "--by", "nope"], /unknown variable "nope"/],
      [["--rows", "sch.wide", "--cols", "stype", "--test", "G"], /--test must be one of/],
      [["--rows", "sch.wide", "--cols", "stype", "--level", "2"], /--level/],
    ];
    for (const [args, msg] of cases) {
      const r = run([...base, ...args]);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const sb = ["--data", small, "--design", smallDesign, "--out", out];
    let r = run([...sb, "--rows", "a", "--cols", "b"]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/variable a: a single level \("x"\)/);
    r = run([...sb, "--rows", "b", "--cols", "c", "--by", "g"]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/domain g = G2: variable b: no values in the domain/);
  });
});
