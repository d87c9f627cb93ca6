/**
 * `softpower survey estimate --standardize` and `--calibrate` on a replicate design, end to end
 * (node bin/softpower.js as a child process) on apiclus1: the standardised domain means are R's
 * svystandardize values (standardize.csv), a JK1 design raked by calib.json has R's SE 26.873
 * (each replicate recalibrated), and a level missing from the population or the data exits 2
 * naming it.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "survey", "estimate", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe.skipIf(!hasShared)("survey estimate --standardize and calibrated replicates", () => {
  let dir = "";
  let base: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "softpower-std-"));
    await writeFile(
      join(dir, "design.json"),
      JSON.stringify({ ids: ["dnum"], weights: "pw", fpc: ["fpc"] }),
    );
    await writeFile(
      join(dir, "calib.json"),
      JSON.stringify({
        method: "rake",
        margins: { stype: { E: 4421, H: 755, M: 1018 }, "sch.wide": { No: 1072, Yes: 5122 } },
      }),
    );
    base = [
      "--data",
      sharedPath("survey", "api", "apiclus1.csv"),
      "--design",
      join(dir, "design.json"),
      "--stat",
      "mean",
      "--vars",
      "api00",
    ];
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--standardize by stype over sch.wide gives R's svystandardize domain means", () => {
    const spec = { by: "stype", over: "sch.wide", population: { E: 4421, H: 755, M: 1018 } };
    const r = run([...base, "--by", "sch.wide", "--standardize", JSON.stringify(spec)]);
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(r.stdout, "out");
    const col = (c: string) => t.columns.indexOf(c);
    const ref: Record<string, [number, number]> = {
      No: [605.662913034119, 31.9154418732174],
      Yes: [646.303126782459, 24.9249948644004],
    };
    for (const row of t.rows) {
      const [est, se] = ref[row[col("sch.wide")]!]!;
      expectClose(Number(row[col("estimate")]), est, { rtol: 1e-9, what: "estimate" });
      expectClose(Number(row[col("se")]), se, { rtol: 1e-9, what: "se" });
    }
  });

  it("--replicates JK1 --calibrate rake recalibrates every replicate (R: SE 26.87347)", () => {
    const r = run([...base, "--replicates", "JK1", "--calibrate", join(dir, "calib.json")]);
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(r.stdout, "out");
    expectClose(Number(t.rows[0]![t.columns.indexOf("se")]), 26.873474236088, {
      rtol: 1e-9,
      what: "se",
    });
  });

  it("a level missing from the population, or not in the data, exits 2 naming it", () => {
    const missing = run([
      ...base,
      "--standardize",
      JSON.stringify({ by: "stype", population: { E: 1, H: 2 } }),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--standardize: .*stype = "M" but the population does not/);
    const extra = run([
      ...base,
      "--standardize",
      JSON.stringify({ by: "stype", population: { E: 1, H: 2, M: 3, Q: 4 } }),
    ]);
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/"Q" is not a level of stype/);
  });
});
