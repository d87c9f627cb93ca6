/**
 * Driver input checks (src/drivers/problem.ts validateDriverSpec), before any computation:
 * duplicate, unknown and constant predictors, the outcome among the predictors, and a group
 * naming an unknown column; each names the bad name and what would be valid. In-process on a
 * small frame, then end to end: `softpower drivers` and the study build's drivers stage exit 2.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { type DriverSpec, driverProblem, validateDriverSpec } from "../../src/drivers/problem.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { driverTables } from "../../src/tasks/drivers.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const frame = frameFromColumns({
  y: [1, 2, 3, 4, 5, 6, 7, 8],
  a: [2, 1, 4, 3, 6, 5, 8, 7],
  b: [1, 1, 2, 2, 1, 1, 2, 2],
  w: [1, 1, 1, 1, 1, 1, 1, 1],
  k: [3, 3, 3, 3, 3, 3, 3, 3],
  wave: ["1", "1", "1", "1", "2", "2", "2", "2"],
});
const spec = (over: Partial<DriverSpec>): DriverSpec => ({
  outcome: "y",
  predictors: ["a", "b"],
  ...over,
});
const fails = (s: DriverSpec, by?: string) => {
  try {
    validateDriverSpec(frame, s, { by });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("validateDriverSpec did not throw");
};

describe("validateDriverSpec", () => {
  it("accepts a valid spec", () => {
    expect(() => validateDriverSpec(frame, spec({}), { by: "wave" })).not.toThrow();
  });
  it("rejects a predictor listed twice, naming it and the distinct list", () => {
    expect(fails(spec({ predictors: ["a", "a"] }))).toBe(
      '--predictors: "a" is listed twice; list each name once (the distinct names: a)',
    );
    expect(fails(spec({ always: ["w", "w"] }))).toMatch(/^--always: "w" is listed twice/);
  });
  it("rejects an unknown predictor, control, outcome, weights or by column, listing the columns", () => {
    const cols = "the data has 6 columns: y, a, b, w, k, wave";
    expect(fails(spec({ predictors: ["a", "x"] }))).toBe(
      `--predictors: unknown column "x"; ${cols}`,
    );
    expect(fails(spec({ predictors: ["a", "A"] }))).toBe(
      `--predictors: unknown column "A" (did you mean "a"?); ${cols}`,
    );
    expect(fails(spec({ outcome: "z" }))).toMatch(/^--outcome: unknown column "z"/);
    expect(fails(spec({ always: ["q"] }))).toMatch(/^--always: unknown column "q"/);
    expect(fails(spec({ weights: "pw" }))).toMatch(/^--weights: unknown column "pw"/);
    expect(fails(spec({}), "round")).toMatch(/^--by: unknown column "round"/);
  });
  it("rejects the outcome among the predictors or controls, listing the other predictors", () => {
    expect(fails(spec({ predictors: ["a", "y", "b"] }))).toBe(
      "--outcome y is also listed in --predictors; it cannot explain itself (predictors other than the outcome: a, b)",
    );
    expect(fails(spec({ always: ["y"] }))).toMatch(/^--outcome y is also listed in --always/);
  });
  it("rejects a constant predictor, control or outcome on the rows used", () => {
    expect(fails(spec({ predictors: ["a", "k"] }))).toBe(
      '--predictors: "k" is constant (3 in all 8 rows used); a constant explains nothing: drop it (predictors that vary: a)',
    );
    expect(fails(spec({ always: ["w"] }))).toMatch(/^--always: "w" is constant/);
    expect(fails(spec({ outcome: "k" }))).toMatch(
      /^--outcome: "k" is constant .*nothing to explain/,
    );
    // b varies overall but not within rows 0..1 (a mask keeping only those rows).
    const mask = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(() => validateDriverSpec(frame, spec({}), { mask })).toThrow(/"b" is constant/);
  });
  it("rejects a group naming an unknown column or a column that is no predictor", () => {
    expect(fails(spec({ groups: { G: ["a", "nope"] } }))).toBe(
      '--groups: group "G" names "nope", which is not a column of the data; a group\'s members must be among --predictors: a, b',
    );
    expect(fails(spec({ groups: { G: ["w"] } }))).toBe(
      '--groups: group "G" names "w", which is not one of --predictors: a, b',
    );
    expect(fails(spec({ groups: { G: ["a"], H: ["a"] } }))).toBe(
      '--groups: "a" is in both G and H',
    );
  });
  it("is run by driverProblem and, per group of by, by driverTables before any analysis", async () => {
    expect(() => driverProblem(frame, spec({ predictors: ["a", "a"] }))).toThrow(/listed twice/);
    // b is constant within wave 1 rows? No: b varies in each wave; k is constant everywhere.
    await expect(
      driverTables(frame, {
        spec: spec({ predictors: ["a", "k"] }),
        methods: ["lmg"],
        bootstrap: 0,
        seed: 1,
        level: 0.95,
        by: "wave",
      }),
    ).rejects.toThrow(/"k" is constant/);
    const byWave = frameFromColumns({
      y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      a: [2, 1, 4, 3, 6, 5, 8, 7, 10, 9],
      b: [1, 1, 1, 1, 1, 2, 1, 2, 1, 2],
      wave: ["1", "1", "1", "1", "1", "2", "2", "2", "2", "2"],
    });
    await expect(
      driverTables(byWave, {
        spec: spec({}),
        methods: ["lmg"],
        bootstrap: 0,
        seed: 1,
        level: 0.95,
        by: "wave",
      }),
    ).rejects.toThrow(/^wave = 1: --predictors: "b" is constant \(1 in all 5 rows used\)/);
  });
});

describe("softpower drivers and softpower build exit 2 on bad driver input", () => {
  let dir = "";
  const csv = () => join(dir, "d.csv");
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["bin/softpower.js", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "softpower-drivers-check-"));
    const rows = ["y,a,b,k"];
    for (let i = 0; i < 30; i++) rows.push(`${i % 7},${(i * 3) % 11},${(i * 5) % 13},4`);
    await writeFile(csv(), `${rows.join("\n")}\n`);
    await writeFile(join(dir, "groups.json"), '{"G": ["a", "zz"]}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cases: [string, string[], RegExp][] = [
    ["a duplicate predictor", ["--predictors", "a,a"], /--predictors: "a" is listed twice/],
    [
      "an unknown predictor",
      ["--predictors", "a,zz"],
      /--predictors: unknown column "zz"; the data has 4 columns: y, a, b, k/,
    ],
    [
      "a constant predictor",
      ["--predictors", "a,k"],
      /--predictors: "k" is constant .*predictors that vary: a/,
    ],
    [
      "the outcome among the predictors",
      ["--predictors", "a,y"],
      /--outcome y is also listed in --predictors/,
    ],
    [
      "a group naming an unknown column",
      ["--predictors", "a,b", "--groups", "groups.json"],
      /--groups: group "G" names "zz", which is not a column/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(`softpower drivers: ${what}`, () => {
      const a = args.map((x) => (x === "groups.json" ? join(dir, x) : x));
      const r = run([
        "drivers",
        "--data",
        csv(),
        "--outcome",
        "y",
        ...a,
        "--out",
        join(dir, "o.csv"),
      ]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  }

  it("softpower build: the drivers stage checks every analysis before computing any", async () => {
    const study = join(dir, "study");
    await rm(study, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) =>
      fs.mkdir(join(study, "data"), { recursive: true }),
    );
    await writeFile(join(study, "data", "d.csv"), (await import("node:fs")).readFileSync(csv()));
    await writeFile(
      join(study, "study.yaml"),
      [
        "name: drivers check",
        "targets: [USA]",
        "drivers:",
        "  - { name: good, data: data/d.csv, outcome: y, predictors: [a, b] }",
        "  - { name: bad, data: data/d.csv, outcome: y, predictors: [a, b, a] }",
        "",
      ].join("\n"),
    );
    const r = run(["build", study]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/drivers "bad": predictors: "a" is listed twice/);
    expect(r.stdout).not.toMatch(/drivers.*R²/);
  });
});
