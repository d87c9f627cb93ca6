/**
 * study.yaml's survey.replicates: validated by the schema with the loader's key-and-line
 * messages (the same rules as the CLI's --replicate-count and --seed), and used by the survey
 * stage (replicate SEs of the ratings: the count and seed change them, the same seed repeats them).
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { createRng } from "../../src/stats/rng.ts";
import { loadStudy } from "../../src/study/load.ts";
import { surveyStage } from "../../src/study/survey-stage.ts";

async function studyDir(yaml: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "softpower-study-reps-"));
  await writeFile(join(dir, "study.yaml"), yaml);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function loadError(yaml: string): Promise<string> {
  try {
    await loadStudy(await studyDir(yaml));
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

const head =
  "name: x\ntargets: [USA, CHN]\nsurvey:\n  data: s.csv\n  design: d.json\n  ratings: r.json\n";

describe("survey.replicates in study.yaml", () => {
  const cases: [string, string, RegExp][] = [
    [
      "count 0",
      "  replicates:\n    type: bootstrap\n    count: 0\n",
      /line 9 \(survey\.replicates\.count\): must be an integer >= 2, got 0/,
    ],
    [
      "a non-integer count",
      "  replicates:\n    type: bootstrap\n    count: 2.5\n",
      /line 9 \(survey\.replicates\.count\): must be an integer >= 2, got 2\.5/,
    ],
    [
      "a count on JK1",
      "  replicates:\n    type: JK1\n    count: 10\n",
      /line 9 \(survey\.replicates\.count\): applies to bootstrap, subbootstrap, BRR, Fay replicates, not JK1/,
    ],
    [
      "a BRR count that is no Hadamard order",
      "  replicates: { type: BRR, count: 10 }\n",
      /line 7 \(survey\.replicates\.count\): for BRR is the order of a Hadamard matrix/,
    ],
    [
      "a seed on JKn",
      "  replicates:\n    type: JKn\n    seed: 3\n",
      /line 9 \(survey\.replicates\.seed\): applies to bootstrap and subbootstrap replicates, not JKn/,
    ],
    [
      "an unknown type",
      "  replicates:\n    type: jackknife\n",
      /line 8 \(survey\.replicates\.type\):.*JK1/,
    ],
    [
      "an unknown key",
      "  replicates:\n    type: bootstrap\n    replicates: 10\n",
      /line 9 \(survey\.replicates\): unknown key "replicates"/,
    ],
  ];
  for (const [what, yaml, msg] of cases) {
    it(`${what}: the message names the key and the line`, async () => {
      expect(await loadError(head + yaml)).toMatch(msg);
    });
  }
});

/** A small two-audience survey with ratings of USA and CHN on one attribute. */
function surveyFiles(): Record<string, string> {
  const rng = createRng(2);
  const lines = ["country,psu,weight,fav_usa,fav_chn"];
  for (const c of ["GBR", "DEU"])
    for (let p = 1; p <= 6; p++)
      for (let k = 0; k < 5; k++)
        lines.push(
          `${c},${c}${p},${(1 + rng.uniform()).toFixed(3)},${1 + rng.int(4)},${1 + rng.int(4)}`,
        );
  return {
    "s.csv": `${lines.join("\n")}\n`,
    "d.json": JSON.stringify({ ids: ["psu"], strata: "country", weights: "weight" }),
  };
}

describe("survey stage with replicates", () => {
  const ratings = JSON.stringify({
    audience: "country",
    measure: "share",
    top_box: [1, 2],
    ratings: [
      { target: "USA", attribute: "favourability", column: "fav_usa" },
      { target: "CHN", attribute: "favourability", column: "fav_chn" },
    ],
  });
  const ses = async (extra: string) => {
    const dir = await studyDir(head + extra, { ...surveyFiles(), "r.json": ratings });
    const r = await surveyStage(await loadStudy(dir));
    const t = r.tables.survey_ratings!;
    const se = t.columns.indexOf("se");
    expect(se).toBeGreaterThan(0);
    return t.rows.map((row) => Number(row[se]));
  };

  it("the count and seed change the SEs; the same seed repeats them; none is linearised", async () => {
    const lin = await ses("");
    const a = await ses("  replicates: { type: bootstrap, count: 10, seed: 3 }\n");
    const b = await ses("  replicates: { type: bootstrap, count: 10, seed: 3 }\n");
    const c = await ses("  replicates: { type: bootstrap, count: 10, seed: 4 }\n");
    const d = await ses("  replicates: { type: bootstrap, count: 30, seed: 3 }\n");
    expect(a.length).toBe(4); // 2 audiences × 2 targets
    expect(a.every((x) => x > 0)).toBe(true);
    expect(b).toEqual(a);
    for (const other of [c, d, lin]) expect(other).not.toEqual(a);
  });

  it("a BRR order not above the strata fails at build time naming survey.replicates", async () => {
    // 2 strata of 6 PSUs: BRR needs 2 PSUs per stratum, so the stage says why
    const dir = await studyDir(`${head}  replicates: { type: BRR, count: 4 }\n`, {
      ...surveyFiles(),
      "r.json": ratings,
    });
    await expect(surveyStage(await loadStudy(dir))).rejects.toThrow(
      /survey\.replicates: --replicates BRR needs exactly two PSUs in every stratum/,
    );
  });
});
