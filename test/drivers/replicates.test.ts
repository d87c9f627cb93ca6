/**
 * Driver intervals from survey replicate weights (--design with "replicates"): the interval is
 * value ± z·√(scale Σ_r (θ_r − θ̄)²), θ_r the analysis under replicate r's weights (JK1: scale
 * (R − 1)/R), instead of the respondent bootstrap.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyseDrivers } from "../../src/drivers/analysis.ts";
import { driverProblem } from "../../src/drivers/problem.ts";
import { parseCsv } from "../../src/io/table.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { expectClose } from "../helpers/expectClose.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "softpower-drv-rep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 12 respondents, 4 PSUs of 3; JK1 replicate r drops PSU r and multiplies the others by 4/3.
const x1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const x2 = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
const y = [2, 3, 5, 4, 7, 11, 8, 10, 12, 11, 14, 17];
const w = [1, 2, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1];
const reps = [0, 1, 2, 3].map((r) =>
  w.map((wi, i) => (Math.floor(i / 3) === r ? 0 : (wi * 4) / 3)),
);

describe("drivers with survey replicate weights", () => {
  it("gives value ± 1.96·replicate SE", () => {
    const header = ["x1", "x2", "y", "w", "rep1", "rep2", "rep3", "rep4"];
    const lines = x1.map((_, i) => [x1[i], x2[i], y[i], w[i], ...reps.map((r) => r[i])].join(","));
    writeFileSync(join(dir, "d.csv"), `${header.join(",")}\n${lines.join("\n")}\n`);
    writeFileSync(
      join(dir, "design.json"),
      JSON.stringify({
        ids: [],
        weights: "w",
        replicates: { columns: ["rep1", "rep2", "rep3", "rep4"], type: "JK1" },
      }),
    );
    const out = join(dir, "o.csv");
    const r = spawnSync(
      process.execPath,
      [
        "bin/softpower.js",
        "drivers",
        "--data",
        join(dir, "d.csv"),
        "--outcome",
        "y",
        "--predictors",
        "x1,x2",
        "--weights",
        "w",
        "--design",
        join(dir, "design.json"),
        "--out",
        out,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(readFileSync(out, "utf8"), "o.csv");
    const frame = frameFromColumns({ x1, x2, y, w });
    const { pb } = driverProblem(frame, { outcome: "y", predictors: ["x1", "x2"], weights: "w" });
    const theta = reps.map(
      (wr) =>
        analyseDrivers(
          {
            ...pb,
            w: Float64Array.from(wr),
            rows: Int32Array.from(pb.rows.filter((i) => wr[i]! > 0)),
          },
          ["lmg"],
        ).values.lmg!,
    );
    const full = analyseDrivers(pb, ["lmg"]).values.lmg!;
    [0, 1].forEach((j) => {
      const vals = theta.map((t) => t[j]!);
      const mean = vals.reduce((a, b) => a + b, 0) / 4;
      const se = Math.sqrt((3 / 4) * vals.reduce((a, v) => a + (v - mean) ** 2, 0));
      const row = t.rows[j]!;
      expectClose(Number(row[2]), full[j]!, { rtol: 1e-12, what: "value" });
      expectClose(Number(row[4]), full[j]! - 1.959963984540054 * se, {
        rtol: 1e-9,
        what: "ci_low",
      });
      expectClose(Number(row[5]), full[j]! + 1.959963984540054 * se, {
        rtol: 1e-9,
        what: "ci_high",
      });
    });
  });
});
