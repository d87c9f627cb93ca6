/**
 * `softpower build` end to end on a small study written by the test: survey perceptions, the
 * polling and technology pillars entering the index, drivers with a tech-company group, findings,
 * the DuckDB store (runs kept, diff) and the atomic export. Expected values are computed here
 * independently from the raw data (plain weighted means, the company registry), not taken from
 * the program's output.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { createRng } from "../../src/stats/rng.ts";
import { listRuns, readRunTable } from "../../src/store/read.ts";

const AUDIENCES = ["GBR", "DEU", "JPN"];
const UNITS = ["USA", "CHN", "DEU", "JPN", "GBR", "FRA", "KOR"];

function cli(args: string[]) {
  return spawnSync(process.execPath, ["bin/softpower.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

/** Respondents: audience, weight, 1–4 ratings of the US, China, Huawei and Apple. */
function makeSurvey(): { csv: string; rows: Record<string, number | string>[] } {
  const rng = createRng(7);
  const rows: Record<string, number | string>[] = [];
  let id = 0;
  for (const [a, aud] of AUDIENCES.entries()) {
    for (let i = 0; i < 120; i++) {
      const r = (bias: number) =>
        Math.max(1, Math.min(4, Math.round(1 + 3 * rng.uniform() + bias)));
      const science = r(a === 1 ? 0.4 : 0);
      const huawei = r(-0.3);
      rows.push({
        id: ++id,
        country: aud,
        weight: 0.5 + rng.uniform(),
        usa_fav: r(0.3 - 0.2 * a),
        chn_fav: Math.max(1, Math.min(4, Math.round((science + huawei) / 2 + rng.uniform() - 0.5))),
        chn_science: science,
        chn_culture: r(0),
        huawei_fav: huawei,
        apple_fav: r(0.5),
      });
    }
  }
  const cols = Object.keys(rows[0]!);
  const csv = `${cols.join(",")}\n${rows.map((r) => cols.map((c) => r[c]).join(",")).join("\n")}\n`;
  return { csv, rows };
}

const STUDY = `name: Test study
targets: [USA, CHN]
audiences: [${AUDIENCES.join(", ")}]
seed: 3
threads: 1
index:
  meta: data/iMeta.csv
  data: data/iData.csv
  pipeline: { normalise: { method: n_minmax, params: { l_u: [0, 100] } }, aggregate: { method: a_amean } }
  uncertainty:
    type: uncertainty
    runs: 50
    factors:
      - { name: Weights, noise: { levels: [2], factor: 0.25 } }
survey:
  data: data/survey.csv
  design: { ids: [], weights: weight }
  ratings:
    audience: country
    measure: mean
    ratings:
      - { target: USA, attribute: favourability, column: usa_fav }
      - { target: CHN, attribute: favourability, column: chn_fav }
      - { target: Huawei, attribute: favourability, column: huawei_fav }
      - { target: Apple, attribute: favourability, column: apple_fav }
drivers:
  - name: fav_chn
    target: CHN
    outcome: chn_fav
    predictors: [chn_science, chn_culture, huawei_fav]
    groups: { Tech companies: [huawei_fav] }
    bootstrap: 20
polling:
  pillar: Polling
  attributes: [favourability]
tech:
  pillar: Tech
  signals: [companies, company_favourability]
  favourability: [Huawei, Apple]
  attribution:
    - { drivers: fav_chn, group: Tech companies }
`;

const META = `Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,rd,R&D,1,1,%,NA,NA,Tech,Indicator
1,unis,Universities,1,1,count,NA,NA,Edu,Indicator
1,sites,Heritage sites,1,1,count,NA,NA,Culture,Indicator
2,Tech,Technology,1,1,,NA,NA,Index,Aggregate
2,Edu,Education,1,1,,NA,NA,Index,Aggregate
2,Culture,Culture,1,1,,NA,NA,Index,Aggregate
3,Index,Index,1,1,,NA,NA,NA,Aggregate
`;
const DATA = `uCode,uName,rd,unis,sites
USA,United States,3.4,40,24
CHN,China,2.4,12,56
DEU,Germany,3.1,10,51
JPN,Japan,3.3,8,25
GBR,United Kingdom,1.7,18,33
FRA,France,2.2,6,49
KOR,South Korea,4.8,3,15
`;

let dir: string;
let survey: ReturnType<typeof makeSurvey>;
let first: ReturnType<typeof cli>;
const db = () => join(dir, ".softpower", "study.duckdb");
const table = async (name: string, run = "latest") => {
  const t = await readRunTable(db(), run, name);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])));
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-build-"));
  survey = makeSurvey();
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(dir, "data"));
  await writeFile(join(dir, "study.yaml"), STUDY);
  await writeFile(join(dir, "data", "iMeta.csv"), META);
  await writeFile(join(dir, "data", "iData.csv"), DATA);
  await writeFile(join(dir, "data", "survey.csv"), survey.csv);
  first = cli(["build", dir]);
}, 120_000);

/** Weighted mean of a rating column in one audience, computed from the raw rows. */
function weightedMean(aud: string, col: string): number {
  let sw = 0;
  let swx = 0;
  for (const r of survey.rows) {
    if (r.country !== aud) continue;
    sw += r.weight as number;
    swx += (r.weight as number) * (r[col] as number);
  }
  return swx / sw;
}

describe("softpower build on a study with every engine", () => {
  it("succeeds and prints a progress line per stage and the findings", () => {
    expect(first.status, first.stderr).toBe(0);
    for (const s of ["survey", "drivers", "index", "findings"])
      expect(first.stdout).toMatch(new RegExp(`\\[\\d/4\\] ${s}`));
    expect(first.stdout).toMatch(/Findings:/);
  });

  it("the polling pillar is the equal-weight mean over audiences of each target's rating", async () => {
    const polling = await table("polling");
    for (const [t, col] of [
      ["USA", "usa_fav"],
      ["CHN", "chn_fav"],
    ] as const) {
      const expected = AUDIENCES.reduce((s, a) => s + weightedMean(a, col), 0) / AUDIENCES.length;
      const row = polling.find((r) => r.uCode === t && r.attribute === "favourability")!;
      expect(row.value as number).toBeCloseTo(expected, 10);
      expect(row.audiences).toBe(3);
    }
    // The indicator enters the index: the raw stage holds it for the two targets only.
    const raw = await table("index_stage_raw");
    const usa = raw.find((r) => r.uCode === "USA")!;
    expect(usa.poll_favourability as number).toBeCloseTo(
      AUDIENCES.reduce((s, a) => s + weightedMean(a, "usa_fav"), 0) / 3,
      10,
    );
    expect(raw.find((r) => r.uCode === "FRA")!.poll_favourability).toBeNull();
  });

  it("the technology pillar counts registry companies and rolls company favourability up to the home country", async () => {
    const registry = JSON.parse(readFileSync("data/media/companies.json", "utf8")) as {
      companies: { name: string; country: string; parent?: string }[];
    };
    const count = (iso: string) =>
      registry.companies.filter((c) => c.country === iso && !c.parent).length;
    const raw = await table("index_stage_raw");
    for (const u of UNITS) expect(raw.find((r) => r.uCode === u)!.tech_companies).toBe(count(u));
    const huawei = AUDIENCES.reduce((s, a) => s + weightedMean(a, "huawei_fav"), 0) / 3;
    const apple = AUDIENCES.reduce((s, a) => s + weightedMean(a, "apple_fav"), 0) / 3;
    expect(raw.find((r) => r.uCode === "CHN")!.tech_company_fav as number).toBeCloseTo(huawei, 10);
    expect(raw.find((r) => r.uCode === "USA")!.tech_company_fav as number).toBeCloseTo(apple, 10);
    const fw = await table("index_framework");
    expect(fw.filter((r) => r.Parent === "Tech").map((r) => r.iCode)).toEqual([
      "rd",
      "tech_companies",
      "tech_company_fav",
    ]);
    expect(fw.find((r) => r.iCode === "Polling")).toMatchObject({ Level: "2", Parent: "Index" });
  });

  it("index scores carry ranks and 5–95% rank intervals that contain the nominal rank", async () => {
    const scores = await table("index_scores");
    expect(scores.map((r) => r.uCode).sort()).toEqual([...UNITS].sort());
    expect(scores.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const r of scores) {
      expect(r.rank_q05 as number).toBeLessThanOrEqual(r.rank as number);
      expect(r.rank_q95 as number).toBeGreaterThanOrEqual(r.rank as number);
    }
  });

  it("findings carry numbers from the tables they cite", async () => {
    const findings = await table("findings");
    const scores = await table("index_scores");
    const top = findings.find((f) => f.id === `index_rank_${scores[0]!.uCode}`)!;
    expect(top.statement).toMatch(/ranks 1st of 7 on the index/);
    expect(top.low).toBe(scores[0]!.rank_q05);
    const tech = findings.find((f) => String(f.id).startsWith("tech_attribution_fav_chn"))!;
    const imp = (await table("drivers_importance")).find(
      (r) => r.predictor === "Tech companies" && r.method === "lmg",
    )!;
    expect(tech.value).toBe(imp.share);
    expect(tech.statement).toContain(`${Math.round((imp.share as number) * 100)}%`);
    for (const f of findings) expect(f.source_table).toMatch(/^[a-z_]+$/);
  });

  it("the attribution view gives the tech-company group's share of explained favourability", async () => {
    const att = (await table("tech_attribution"))[0]!;
    const imp = (await table("drivers_importance")).find(
      (r) => r.predictor === "Tech companies" && r.method === "lmg",
    )!;
    expect(att).toMatchObject({ analysis: "fav_chn", target: "CHN", companies: "Tech companies" });
    expect(att.share).toBe(imp.share);
    expect(att.share_low as number).toBeCloseTo((imp.ci_low as number) / (imp.r2 as number), 12);
    // Huawei drives China's favourability in the data written above: its share is substantial.
    expect(att.share as number).toBeGreaterThan(0.2);
  });

  it("records inputs with their SHA-256 and row counts", async () => {
    const { createHash } = await import("node:crypto");
    const runs = await listRuns(db());
    expect(runs).toHaveLength(1);
    const { readRun } = await import("../../src/store/read.ts");
    const info = await readRun(db(), "latest");
    const sv = info.inputs.find((i) => i.role === "survey.data")!;
    expect(sv.sha256).toBe(createHash("sha256").update(survey.csv).digest("hex"));
    expect(sv.rows).toBe(360);
  });

  it("exports the run to out/ (a link to the run's folder) with the same rows as the store", async () => {
    const out = realpathSync(join(dir, "out"));
    const runJson = JSON.parse(await readFile(join(out, "run.json"), "utf8"));
    const runs = await listRuns(db());
    expect(runJson.id).toBe(runs[0]!.id);
    const csv = parseCsv(await readFile(join(out, "index_scores.csv"), "utf8"), "index_scores.csv");
    const stored = await table("index_scores");
    expect(csv.rows.map((r) => r[0])).toEqual(stored.map((r) => r.uCode));
  });

  it("a second build adds a run; runs list shows both and runs diff compares them", async () => {
    await writeFile(
      join(dir, "data", "iData.csv"),
      DATA.replace("KOR,South Korea,4.8,3,15", "KOR,South Korea,4.8,60,90"),
    );
    const second = cli(["build", dir]);
    expect(second.status, second.stderr).toBe(0);
    const runs = await listRuns(db());
    expect(runs).toHaveLength(2);
    const list = cli(["runs", "list", dir]);
    expect(list.status, list.stderr).toBe(0);
    for (const r of runs) expect(list.stdout).toContain(r.id);
    const diff = cli(["runs", "diff", "previous", "latest", dir, "--json"]);
    expect(diff.status, diff.stderr).toBe(0);
    const before = await table(
      "index_scores",
      runs.at(-1)!.id === runs[0]!.id ? runs[1]!.id : runs[0]!.id,
    );
    expect(before.length).toBe(7);
    expect(diff.stdout).toContain("KOR");
  });
});
