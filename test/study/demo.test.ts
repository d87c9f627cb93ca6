/**
 * The synthetic demo study (src/study/demo, `softpower demo`): determinism, the committed copy in
 * examples/demo/data equal to generateDemo(1) byte for byte, the shape of every file, and the
 * planted effects measured with the project's own engines (perceptions, LMG, target tone).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import modelJson from "../../data/media/target-tone-model.json" with { type: "json" };
import { buildFramework } from "../../src/composite/framework.ts";
import { analyseDrivers } from "../../src/drivers/analysis.ts";
import { driverProblem } from "../../src/drivers/problem.ts";
import { dataFromTable, metaFromTable } from "../../src/io/coin.ts";
import { vaderLexicon } from "../../src/io/lexicon.ts";
import { frameFromTable } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { scoreArticle } from "../../src/media/score.ts";
import type { TargetToneModel } from "../../src/media/target-tone.ts";
import { generateDemo } from "../../src/study/demo/index.ts";
import { buildDesign, DesignSpecSchema } from "../../src/survey/design.ts";
import { type HeadToHeadRow, perceptions, RatingsMapSchema } from "../../src/survey/perceptions.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLE = join(ROOT, "examples", "demo");
const demo = generateDemo(1);
const file = (name: string) => demo[`data/${name}`]!;

const ATTRS = [
  "economy",
  "business",
  "influence",
  "education",
  "science",
  "technology",
  "culture",
  "governance",
];

describe("generateDemo: determinism", () => {
  it("the same seed gives identical bytes; another seed changes the data files", () => {
    expect(generateDemo(1)).toEqual(demo);
    const other = generateDemo(2);
    expect(Object.keys(other)).toEqual(Object.keys(demo));
    for (const name of ["indicators.csv", "survey.csv", "news.jsonl", "README.md"])
      expect(other[`data/${name}`], name).not.toBe(file(name));
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => generateDemo(1.5)).toThrow(/seed must be an integer, got 1.5/);
  });

  it("is fast (best of 3 under 200 ms)", () => {
    let best = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      generateDemo(k + 3);
      best = Math.min(best, performance.now() - t);
    }
    expect(best).toBeLessThan(200);
  });
});

describe("examples/demo/data", () => {
  it("equals generateDemo(1) byte for byte (regenerate: npx softpower demo examples/demo --force)", async () => {
    const names = (await readdir(join(EXAMPLE, "data"))).sort();
    expect(names).toEqual(
      Object.keys(demo)
        .map((k) => k.slice("data/".length))
        .sort(),
    );
    for (const [name, text] of Object.entries(demo))
      expect(await readFile(join(EXAMPLE, name), "utf8"), name).toBe(text);
  });

  it("says it is synthetic and how it was made", () => {
    const readme = file("README.md");
    expect(readme).toMatch(/synthetic/i);
    expect(readme).toContain("softpower demo DIR --seed 1");
  });
});

describe("indicators.csv and iMeta.csv", () => {
  const meta = metaFromTable(parseCsv(file("iMeta.csv"), "iMeta.csv"));
  const fw = buildFramework(meta);
  const table = parseCsv(file("indicators.csv"), "indicators.csv");

  it("a valid COINr framework: 20 indicators in 6 pillars under Index, no polling pillar", () => {
    const pillars = meta.filter((r) => r.level === 2).map((r) => r.iCode);
    expect(pillars).toEqual(["Tech", "EduSci", "Culture", "Gov", "Engage", "Enterprise"]);
    expect(meta.filter((r) => r.level === 3).map((r) => r.iCode)).toEqual(["Index"]);
    expect(fw.indicators.length).toBe(20);
    expect(meta.every((r) => r.level !== 1 || r.direction === 1)).toBe(true);
  });

  it("about 60 real countries, every indicator a column, about 2% missing", () => {
    const data = dataFromTable(table, fw);
    expect(data.uCode.length).toBe(60);
    expect(Object.keys(data.denominators)).toEqual(["population_m"]);
    for (const code of ["USA", "CHN", "GBR", "IND", "NGA", "BRA", "ZAF", "SAU"])
      expect(data.uCode).toContain(code);
    expect(table.columns.slice(0, 3)).toEqual(["uCode", "uName", "population_m"]);
    for (const ind of fw.indicators) expect(table.columns).toContain(ind);
    const cells = table.rows.flatMap((r) => r.slice(3));
    const na = cells.filter((c) => c === "NA").length / cells.length;
    expect(na).toBeGreaterThan(0.005);
    expect(na).toBeLessThan(0.04);
    // Correlated with development: GDP per head and R&D rank the same way, roughly.
    const col = (c: string) => table.rows.map((r) => Number(r[table.columns.indexOf(c)]));
    const gdp = col("gdp_pc_usd");
    const hdi = col("hdi");
    const richer = gdp.map((g, i) => [g, hdi[i]!]).sort((a, b) => a[0]! - b[0]!);
    const top = richer.slice(-15).map((p) => p[1]!);
    const bottom = richer.slice(0, 15).map((p) => p[1]!);
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean(top) - mean(bottom)).toBeGreaterThan(0.2);
  });
});

describe("survey.csv, design.json, ratings.json", () => {
  const table = parseCsv(file("survey.csv"), "survey.csv");
  const frame = frameFromTable(table);
  const design = buildDesign(frame, DesignSpecSchema.parse(JSON.parse(file("design.json"))));
  const map = RatingsMapSchema.parse(JSON.parse(file("ratings.json")));
  const col = (c: string) => table.rows.map((r) => r[table.columns.indexOf(c)]!);

  it("1,500 ± 10% respondents in 10 audiences and 2 waves, weights of mean 1", () => {
    expect(table.rows.length).toBeGreaterThanOrEqual(1350);
    expect(table.rows.length).toBeLessThanOrEqual(1650);
    expect(new Set(col("country")).size).toBe(10);
    const waves = col("wave");
    expect(new Set(waves)).toEqual(new Set(["1", "2"]));
    const share2 = waves.filter((w) => w === "2").length / waves.length;
    expect(Math.abs(share2 - 0.5)).toBeLessThan(0.05);
    const w = col("weight").map(Number);
    expect(Math.abs(w.reduce((s, v) => s + v, 0) / w.length - 1)).toBeLessThan(0.001);
    expect(Math.min(...w)).toBeGreaterThan(0);
    for (const a of ATTRS)
      expect(table.columns).toEqual(expect.arrayContaining([`usa_${a}`, `chn_${a}`]));
  });

  it("ratings are 1-4 with about 3% don't know (9)", () => {
    const ratingCols = table.columns.slice(table.columns.indexOf("usa_economy"));
    const cells = ratingCols.flatMap(col);
    expect(new Set(cells)).toEqual(new Set(["1", "2", "3", "4", "9"]));
    const dk = cells.filter((c) => c === "9").length / cells.length;
    expect(dk).toBeGreaterThan(0.015);
    expect(dk).toBeLessThan(0.05);
  });

  it("the design has 2-3 strata and 10 PSUs per country", () => {
    const stage = design.stages[0]!;
    expect(stage.nStrata).toBe(25);
    expect(stage.nClusters).toBe(100);
  });

  describe("planted head-to-head differences (perceptions, USA minus CHN)", () => {
    let rows: HeadToHeadRow[] = [];
    beforeAll(() => {
      rows = perceptions(design, map, []).headToHead.filter((r) => r.segment === "all");
    });
    const get = (aud: string, attr: string) =>
      rows.find((r) => r.audience === aud && r.attribute === attr)!;

    it("China leads clearly on technology in BRA, ZAF, NGA and MEX", () => {
      for (const aud of ["BRA", "ZAF", "NGA", "MEX"]) {
        const r = get(aud, "technology");
        expect(r.leader, aud).toBe("CHN");
        expect(r.significant, aud).toBe(true);
        expect(r.diff, aud).toBeLessThan(-0.2);
      }
    });

    it("DEU and FRA are near parity on technology; the US leads in GBR, JPN, KOR, IND", () => {
      for (const aud of ["DEU", "FRA"]) expect(get(aud, "technology").significant, aud).toBe(false);
      for (const aud of ["GBR", "JPN", "KOR", "IND"]) {
        expect(get(aud, "technology").leader, aud).toBe("USA");
        expect(get(aud, "technology").significant, aud).toBe(true);
      }
    });

    it("the US leads on culture and education in every audience", () => {
      for (const attr of ["culture", "education"]) {
        const these = rows.filter((r) => r.attribute === attr);
        expect(these.length).toBe(10);
        for (const r of these) {
          expect(r.leader, `${r.audience} ${attr}`).toBe("USA");
          expect(r.significant, `${r.audience} ${attr}`).toBe(true);
        }
      }
    });
  });

  it("LMG: science + technology gain and culture + education lose importance after the shock", () => {
    // Don't know (9) is missing for the driver analysis.
    const recoded = frameFromTable({
      ...table,
      rows: table.rows.map((r) => r.map((v, j) => (j >= 9 && v === "9" ? "NA" : v))),
    });
    const wave = col("wave");
    for (const p of ["usa", "chn"]) {
      const share: Record<string, number>[] = [];
      for (const w of ["1", "2"]) {
        const dom = Uint8Array.from(wave, (v) => (v === w ? 1 : 0));
        const { pb, exclusions } = driverProblem(
          recoded,
          { outcome: `${p}_fav`, predictors: ATTRS.map((a) => `${p}_${a}`), weights: "weight" },
          dom,
        );
        expect(exclusions.used).toBeGreaterThan(550);
        const res = analyseDrivers(pb, ["lmg"]);
        const lmg = res.values.lmg!;
        share.push(Object.fromEntries(ATTRS.map((a, i) => [a, lmg[i]! / res.r2])));
      }
      const [w1, w2] = share as [Record<string, number>, Record<string, number>];
      const sciTech = (s: Record<string, number>) => s.science! + s.technology!;
      const cultEdu = (s: Record<string, number>) => s.culture! + s.education!;
      expect(sciTech(w2) - sciTech(w1), p).toBeGreaterThan(0.15);
      expect(cultEdu(w1) - cultEdu(w2), p).toBeGreaterThan(0.3);
    }
  });

  it("company favourability follows the home country's", () => {
    const num = (c: string) => col(c).map((v) => (v === "9" ? Number.NaN : Number(v)));
    const r = (a: string, b: string) => {
      const x = num(a);
      const y = num(b);
      const ok = x.map((_, i) => i).filter((i) => !Number.isNaN(x[i]!) && !Number.isNaN(y[i]!));
      const mx = ok.reduce((s, i) => s + x[i]!, 0) / ok.length;
      const my = ok.reduce((s, i) => s + y[i]!, 0) / ok.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (const i of ok) {
        sxy += (x[i]! - mx) * (y[i]! - my);
        sxx += (x[i]! - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    for (const c of ["huawei_fav", "tiktok_fav"]) {
      expect(r(c, "chn_fav"), c).toBeGreaterThan(0.3);
      expect(Math.abs(r(c, "usa_fav")), c).toBeLessThan(0.1);
    }
    for (const c of ["apple_fav", "google_fav"]) {
      expect(r(c, "usa_fav"), c).toBeGreaterThan(0.3);
      expect(Math.abs(r(c, "chn_fav")), c).toBeLessThan(0.1);
    }
  });
});

describe("news.jsonl", () => {
  const articles = file("news.jsonl")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, string>);
  const lexicon = vaderLexicon();
  const model = modelJson as TargetToneModel;
  const mentions = articles.flatMap((a) =>
    scoreArticle(
      {
        id: a.id!,
        date: a.date!,
        outlet: a.outlet!,
        outlet_country: a.outlet_country!,
        title: a.title!,
        text: a.text!,
        source: "news.jsonl",
      },
      lexicon,
      model,
    ),
  );
  const meanTone = (keep: (m: (typeof mentions)[number]) => boolean) => {
    const t = mentions.filter(keep).map((m) => m.tone);
    return t.reduce((s, v) => s + v, 0) / t.length;
  };

  it("about 400 articles, 2019-2021, 8 outlets in 4 countries, all fields", () => {
    expect(articles.length).toBe(400);
    for (const a of articles) {
      expect(Object.keys(a)).toEqual(["id", "date", "outlet", "outlet_country", "title", "text"]);
      expect(a.date! >= "2019-01-01" && a.date! <= "2021-12-31", a.date).toBe(true);
    }
    expect(new Set(articles.map((a) => a.outlet)).size).toBe(8);
    expect(new Set(articles.map((a) => a.outlet_country))).toEqual(
      new Set(["GBR", "USA", "IND", "ZAF"]),
    );
  });

  it("mentions of USA and CHN, by name, capital, demonym, leader and company", () => {
    const targets = new Set(mentions.map((m) => m.target));
    expect(targets).toEqual(new Set(["USA", "CHN"]));
    for (const via of ["name", "capital", "demonym", "leader", "company"])
      expect(
        mentions.some((m) => m.via === via),
        via,
      ).toBe(true);
    const companies = new Set(mentions.filter((m) => m.via === "company").map((m) => m.entity));
    expect(companies).toEqual(new Set(["Huawei", "TikTok", "Apple", "Google"]));
  });

  it("planted: tone toward China falls in 2020; US outlets are the most negative toward China", () => {
    const chn = (y: string) => meanTone((m) => m.target === "CHN" && m.date.startsWith(y));
    expect(chn("2019") - chn("2020")).toBeGreaterThan(0.15);
    const gap = (oc: string) =>
      meanTone((m) => m.outlet_country === oc && m.target === "CHN") -
      meanTone((m) => m.outlet_country === oc && m.target === "USA");
    expect(gap("USA")).toBeLessThan(gap("ZAF") - 0.25);
    expect(gap("USA")).toBeLessThan(gap("GBR"));
  });
});

describe("softpower demo DIR", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "softpower-demo-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["bin/softpower.js", "demo", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });

  it("writes generateDemo(seed) into DIR/data, refuses an existing DIR/data without --force", async () => {
    const study = join(dir, "study");
    let r = run([study, "--seed", "7"]);
    expect(r.status, r.stderr).toBe(0);
    const seven = generateDemo(7);
    for (const [name, text] of Object.entries(seven))
      expect(await readFile(join(study, name), "utf8"), name).toBe(text);
    r = run([study]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/data exists; give --force/);
    r = run([study, "--force"]);
    expect(r.status, r.stderr).toBe(0);
    expect(await readFile(join(study, "data", "survey.csv"), "utf8")).toBe(file("survey.csv"));
    r = run([study, "--force", "--seed", "1.5"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--seed must be an integer/);
  });
});
