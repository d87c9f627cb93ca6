/**
 * `softpower survey olr` end to end: apiclus1 with band (api00 cut at 550, 650, 750 into low,
 * mid, high, top, as make-reference.R) written to a temporary CSV; the output equals R's
 * svyolr (test/fixtures/survey-models/olr.csv, dclus1 case) to 1e-7, with t = estimate / se;
 * bad input exits 2 naming the value, level or term.
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

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "survey", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe.skipIf(!hasShared)("softpower survey olr", () => {
  let dir = "";
  let data = "";
  let design = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "softpower-olr-cli-"));
    const t = parseCsv(await readFile(sharedPath("survey", "api", "apiclus1.csv"), "utf8"), "api");
    const k = t.columns.indexOf("api00");
    const band = (v: number) => (v <= 550 ? "low" : v <= 650 ? "mid" : v <= 750 ? "high" : "top");
    const lines = [
      [...t.columns, "band"].join(","),
      ...t.rows.map((r) =>
        [
          ...r.map((v) => (/[,"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)),
          band(Number(r[k])),
        ].join(","),
      ),
    ];
    data = join(dir, "api.csv");
    await writeFile(data, `${lines.join("\n")}\n`);
    design = join(dir, "design.json");
    await writeFile(design, JSON.stringify({ ids: ["dnum"], weights: "pw", fpc: ["fpc"] }));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const base = () => ["olr", "--data", data, "--design", design];

  it("writes R's coefficients, thresholds and SEs", async () => {
    const out = join(dir, "olr.csv");
    const r = run([
      ...base(),
      "--formula",
      "band ~ ell + meals",
      "--levels",
      "low,mid,high,top",
      "--out",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const got = parseCsv(await readFile(out, "utf8"), "out");
    expect(got.columns).toEqual(["term", "estimate", "se", "t", "p"]);
    const ref = parseCsv(
      await readFile(new URL("../fixtures/survey-models/olr.csv", import.meta.url), "utf8"),
      "ref",
    ).rows.filter((x) => x[0] === "dclus1");
    expect(got.rows.map((x) => x[0])).toEqual(["ell", "meals", "low|mid", "mid|high", "high|top"]);
    got.rows.forEach((row, a) => {
      expectClose(Number(row[1]), Number(ref[a]![2]), { rtol: 1e-7, what: `${row[0]} estimate` });
      expectClose(Number(row[2]), Number(ref[a]![3]), { rtol: 1e-7, what: `${row[0]} se` });
      expectClose(Number(row[3]), Number(row[1]) / Number(row[2]), { rtol: 1e-9, what: "t" });
      const p = Number(row[4]);
      expect(p >= 0 && p <= 1, `${row[0]} p`).toBe(true);
    });
  });

  it("exits 2 on bad input, naming what is wrong and what is valid", () => {
    const cases: [string, string, RegExp][] = [
      ["band ~ ell", "low,mid,high", /"top" is not one of the levels low, mid, high/],
      [
        "band ~ ell",
        "low,mid,high,top,best",
        /"best" of band has no respondents.*low, mid, high, top/,
      ],
      ["band ~ ell", "low,top", /3 or more levels/],
      ["sch.wide ~ ell", "No,Yes", /3 or more levels/],
      ["band ~ ell + meals + fpc", "low,mid,high,top", /singular: fpc is collinear/],
      ["band ~ ell + nothere", "low,mid,high,top", /unknown variable "nothere"/],
    ];
    for (const [formula, levels, message] of cases) {
      const r = run([...base(), "--formula", formula, "--levels", levels]);
      expect(r.status, `${formula} / ${levels}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("takes every glm family", () => {
    for (const family of ["binomial", "poisson", "quasipoisson"]) {
      const f = family === "binomial" ? "sch.wide == Yes ~ ell" : "api.stu ~ ell";
      const r = run([
        "glm",
        "--data",
        data,
        "--design",
        design,
        "--formula",
        f,
        "--family",
        family,
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("term,estimate,se");
    }
    const r = run([
      "glm",
      "--data",
      data,
      "--design",
      design,
      "--formula",
      "api00 ~ ell",
      "--family",
      "gamma",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/gaussian, quasibinomial, binomial, poisson, quasipoisson/);
  });
});
