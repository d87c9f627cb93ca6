/**
 * `softpower survey estimate --replicates ... --replicate-count N --seed S` end to end (node
 * bin/softpower.js as a child process): the count and seed reach the replicates (the SE equals
 * the in-process estimate with that many replicates and that seed; the same seed repeats it,
 * another seed or count changes it), BRR's Hadamard order, and bad values exit 2 with a
 * message that names the option and what would be valid.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { createRng } from "../../src/stats/rng.ts";
import { buildDesign } from "../../src/survey/design.ts";
import { svyMean } from "../../src/survey/estimators.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "survey", "estimate", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** 5 strata × 2 PSUs × 4 rows, seeded. */
const rng = createRng(8);
const COLS = { h: [] as string[], psu: [] as number[], w: [] as number[], y: [] as number[] };
for (let h = 0; h < 5; h++)
  for (let j = 0; j < 2; j++)
    for (let k = 0; k < 4; k++) {
      COLS.h.push(`s${h}`);
      COLS.psu.push(h * 2 + j + 1);
      COLS.w.push(Math.round((1 + rng.uniform() * 3) * 100) / 100);
      COLS.y.push(rng.int(10));
    }
const SPEC = { ids: ["psu"], strata: "h", weights: "w" };

let dir = "";
let csv = "";
let des = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-survey-reps-"));
  csv = join(dir, "s.csv");
  des = join(dir, "design.json");
  await writeFile(
    csv,
    ["h,psu,w,y", ...COLS.h.map((h, i) => `${h},${COLS.psu[i]},${COLS.w[i]},${COLS.y[i]}`)].join(
      "\n",
    ),
  );
  await writeFile(des, JSON.stringify(SPEC));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = ["--stat", "mean", "--vars", "y"];
const seOf = (r: SpawnSyncReturns<string>) => {
  expect(r.status, r.stderr).toBe(0);
  return Number(parseCsv(r.stdout, "stdout").rows[0]![3]);
};
const inProcess = (type: string, opts: { replicates?: number; seed?: number }) =>
  svyMean(asReplicateDesign(buildDesign(frameFromColumns(COLS), SPEC), type, opts), "y").se;

describe("survey estimate --replicate-count and --seed", () => {
  it("bootstrap: the SE is that of N replicates drawn with seed S; same seed same SE, others differ", () => {
    const args = ["--data", csv, "--design", des, ...base, "--replicates", "bootstrap"];
    const a = seOf(run([...args, "--replicate-count", "7", "--seed", "3"]));
    const b = seOf(run([...args, "--replicate-count", "7", "--seed", "3"]));
    const c = seOf(run([...args, "--replicate-count", "7", "--seed", "4"]));
    const d = seOf(run([...args, "--replicate-count", "9", "--seed", "3"]));
    const dflt = seOf(run(args));
    expectClose(a, inProcess("bootstrap", { replicates: 7, seed: 3 }), {
      rtol: 1e-12,
      what: "7 replicates, seed 3",
    });
    expectClose(dflt, inProcess("bootstrap", { replicates: 50, seed: 1 }), {
      rtol: 1e-12,
      what: "defaults 50 and seed 1",
    });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
    expect(
      asReplicateDesign(buildDesign(frameFromColumns(COLS), SPEC), "bootstrap", { replicates: 7 })
        .replicate!.count,
    ).toBe(7);
  });

  it("subbootstrap takes them too", () => {
    const args = ["--data", csv, "--design", des, ...base, "--replicates", "subbootstrap"];
    const a = seOf(run([...args, "--replicate-count", "12", "--seed", "5"]));
    expectClose(a, inProcess("subbootstrap", { replicates: 12, seed: 5 }), {
      rtol: 1e-12,
      what: "subbootstrap 12, seed 5",
    });
    expect(seOf(run([...args, "--replicate-count", "12", "--seed", "6"]))).not.toBe(a);
  });

  it("BRR: the count is the Hadamard order (8 is the default for 5 strata; 12 and 16 also fit)", () => {
    const total = ["--stat", "total", "--vars", "y"];
    const args = ["--data", csv, "--design", des, "--replicates", "BRR"];
    const d8 = seOf(run([...args, ...total]));
    const d = buildDesign(frameFromColumns(COLS), SPEC);
    expect(asReplicateDesign(d, "BRR").replicate!.count).toBe(8);
    for (const n of [8, 12, 16]) {
      const rep = asReplicateDesign(d, "BRR", { replicates: n });
      expect(rep.replicate!.count).toBe(n);
      // A total is linear: with full orthogonal balance every Hadamard order gives the same
      // variance (the linearised one without fpc).
      expectClose(seOf(run([...args, ...total, "--replicate-count", String(n)])), d8, {
        rtol: 1e-10,
        what: `BRR total, order ${n}`,
      });
      // A mean is not: its SE is that of the order asked for.
      expectClose(
        seOf(run([...args, ...base, "--replicate-count", String(n)])),
        svyMean(rep, "y").se,
        {
          rtol: 1e-12,
          what: `BRR mean, order ${n}`,
        },
      );
    }
  });

  const bad: [string, string[], RegExp][] = [
    [
      "count 0",
      ["--replicates", "bootstrap", "--replicate-count", "0"],
      /--replicate-count must be an integer >= 2, got 0/,
    ],
    [
      "a negative count",
      ["--replicates", "bootstrap", "--replicate-count", "-5"],
      /--replicate-count must be an integer >= 2/,
    ],
    [
      "a non-integer count",
      ["--replicates", "bootstrap", "--replicate-count", "2.5"],
      /--replicate-count must be an integer, got "2.5"/,
    ],
    [
      "a count that is not a number",
      ["--replicates", "bootstrap", "--replicate-count", "many"],
      /--replicate-count must be an integer/,
    ],
    [
      "a count on JK1",
      ["--replicates", "JKn", "--replicate-count", "20"],
      /--replicate-count applies to bootstrap, subbootstrap, BRR, Fay replicates, not JKn/,
    ],
    [
      "a BRR count that is no Hadamard order",
      ["--replicates", "BRR", "--replicate-count", "10"],
      /--replicate-count for BRR is the order of a Hadamard matrix: a power of 2 or p \+ 1 .*got 10/,
    ],
    [
      "a BRR order not above the strata",
      ["--replicates", "BRR", "--replicate-count", "4"],
      /--replicate-count: replicate count 4 for BRR: .*above the number of strata \(5\).*valid counts from 6: 8, 12/,
    ],
    [
      "a non-integer seed",
      ["--replicates", "bootstrap", "--seed", "x1"],
      /--seed must be an integer, got "x1"/,
    ],
    [
      "a seed on BRR",
      ["--replicates", "BRR", "--seed", "3"],
      /--seed applies to bootstrap and subbootstrap replicates, not BRR/,
    ],
    [
      "a count without --replicates",
      ["--replicate-count", "10"],
      /--replicate-count needs --replicates/,
    ],
    [
      "an unknown type",
      ["--replicates", "jackknife"],
      /--replicates must be one of JK1, JKn, BRR, Fay, bootstrap, subbootstrap; got "jackknife"/,
    ],
  ];
  for (const [what, extra, msg] of bad) {
    it(`${what} exits 2 naming the option`, () => {
      const r = run(["--data", csv, "--design", des, ...base, ...extra]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
    });
  }

  it("the JK1 count check also names the option on an unstratified design", () => {
    const r = run([
      "--data",
      csv,
      "--design",
      des,
      ...base,
      "--replicates",
      "JK1",
      "--replicate-count",
      "5",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--replicate-count applies to .* not JK1 \(JK1 has one replicate per PSU\)/,
    );
  });
});
