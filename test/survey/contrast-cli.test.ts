/**
 * `softpower survey estimate --covmat / --contrast / --deff replace / --quantile-ci` and
 * `softpower survey ttest` end to end (node bin/softpower.js), against R survey 4.1.1
 * (test/fixtures/survey-contrasts: vcov.csv, contrast.csv, deff.csv, quantile_ci.csv, ttest.csv)
 * on dclus1, and the bad-input exits (code 2 with the names that exist / the group's levels).
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { contrastReference, num } from "../helpers/api-designs.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const APICLUS1 = sharedPath("survey", "api", "apiclus1.csv");

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "survey", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

let dir = "";
let design = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-contrast-cli-"));
  design = join(dir, "design.json");
  await writeFile(design, JSON.stringify({ ids: ["dnum"], weights: "pw", fpc: ["fpc"] }));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = () => ["estimate", "--data", APICLUS1, "--design", design];

describe.skipIf(!hasShared)("survey estimate --covmat/--contrast and survey ttest (dclus1)", () => {
  it("--by stype --covmat writes FILE.vcov.csv with R's names and values; --contrast adds a row", async () => {
    const out = join(dir, "by.csv");
    const r = run([
      ...base(),
      ...["--stat", "mean", "--vars", "api00", "--by", "stype", "--covmat"],
      ...["--contrast", '{"E": 1, "H": -1}', "--out", out],
    ]);
    expect(r.status, r.stderr).toBe(0);
    const v = parseCsv(await readFile(`${out}.vcov.csv`, "utf8"), "vcov");
    expect(v.columns).toEqual(["", "E", "H", "M"]);
    expect(v.rows.map((x) => x[0])).toEqual(["E", "H", "M"]);
    const ref = (await contrastReference("vcov.csv")).filter(
      (x) => x.case === "mean api00 by stype" && x.design === "dclus1",
    );
    for (const x of ref) {
      const i = ["E", "H", "M"].indexOf(x.row!);
      const j = 1 + ["E", "H", "M"].indexOf(x.col!);
      expectClose(Number(v.rows[i]![j]), num(x.value), { what: `vcov ${x.row},${x.col}` });
    }
    const t = parseCsv(await readFile(out, "utf8"), "out");
    const last = t.rows[t.rows.length - 1]!;
    expect(last[1]).toBe("contrast");
    const c = (await contrastReference("contrast.csv")).find(
      (x) => x.case === "E - H" && x.design === "dclus1",
    )!;
    expectClose(Number(last[3]), num(c.estimate), { what: "E - H" });
    expectClose(Number(last[4]), num(c.se), { what: "E - H se" });
  });

  it("a nonlinear contrast of two means, deff replace", async () => {
    const r = run([
      ...base(),
      ...["--stat", "mean", "--vars", "api00,api99", "--contrast", "api00 / api99"],
      ...["--deff", "replace"],
    ]);
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(r.stdout, "stdout");
    const c = (await contrastReference("contrast.csv")).find(
      (x) => x.case === "api00 / api99" && x.design === "dclus1",
    )!;
    const last = t.rows[t.rows.length - 1]!;
    expect(last.slice(0, 2)).toEqual(["contrast", "api00 / api99"]);
    expectClose(Number(last[2]), num(c.estimate), { what: "ratio" });
    expectClose(Number(last[3]), num(c.se), { what: "ratio se" });
    const d = (await contrastReference("deff.csv")).find(
      (x) => x.case === "mean api00" && x.design === "dclus1",
    )!;
    expectClose(Number(t.rows[0]![7]), num(d.deff_replace), { what: "deff replace" });
  });

  it("--quantile-ci score and beta", async () => {
    const ref = await contrastReference("quantile_ci.csv");
    for (const type of ["score", "beta"]) {
      const r = run([
        ...base(),
        ...["--stat", "quantile", "--vars", "api00", "--quantiles", "0.25,0.5"],
        ...["--quantile-ci", type],
      ]);
      expect(r.status, r.stderr).toBe(0);
      const t = parseCsv(r.stdout, "stdout");
      for (const [k, p] of ["0.25", "0.5"].entries()) {
        const x = ref.find(
          (y) => y.design === "dclus1" && y.interval === type && y.domain === "" && y.p === p,
        )!;
        expectClose(Number(t.rows[k]![4]), num(x.ci_low), { what: `${type} ${p} low` });
        expectClose(Number(t.rows[k]![5]), num(x.ci_high), { what: `${type} ${p} high` });
        expectClose(Number(t.rows[k]![3]), num(x.se), { what: `${type} ${p} se` });
      }
    }
  });

  it("survey ttest writes {statistic, df, p_value, estimate}", async () => {
    const out = join(dir, "t.json");
    const r = run([
      ...["ttest", "--data", APICLUS1, "--design", design],
      ...["--formula", "api00 ~ sch.wide", "--out", out],
    ]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(await readFile(out, "utf8"));
    const x = (await contrastReference("ttest.csv")).find(
      (y) => y.design === "dclus1" && y.formula === "api00 ~ sch.wide",
    )!;
    expectClose(j.statistic, num(x.statistic), { what: "t" });
    expect(j.df).toBe(13);
    expectClose(j.p_value, num(x.p_value), { what: "p" });
    expectClose(j.estimate, num(x.estimate), { what: "estimate" });
  });

  it("bad input exits 2 and says what is valid", () => {
    const a = run([
      ...base(),
      ...["--stat", "mean", "--vars", "api00", "--by", "stype", "--contrast", '{"E": 1, "X": -1}'],
    ]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/"X" is not one of the estimates; they are E, H, M/);
    const b = run([
      ...["ttest", "--data", APICLUS1, "--design", design, "--formula", "api00 ~ stype"],
    ]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/stype must have exactly two levels.*E, H, M/);
    const c = run(["ttest", "--data", APICLUS1, "--design", design, "--formula", "nope ~ 0"]);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/unknown variable "nope"/);
    const d = run([...base(), "--stat", "mean", "--vars", "api00", "--quantile-ci", "wide"]);
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/--quantile-ci must be one of mean, beta, xlogit, asin, score/);
    const e = run([...base(), "--stat", "mean", "--vars", "api00", "--by", "stype", "--covmat"]);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/--covmat writes FILE.vcov.csv/);
  });
});
