/**
 * The study-built pillars: polling (audience-weighted means of perception estimates) and the
 * framework extension that adds them to iMeta/iData. Expected values are worked by hand.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { metaFromTable } from "../../src/io/coin.ts";
import type { Table } from "../../src/io/table.ts";
import { extendCoinTables } from "../../src/study/extend-coin.ts";
import { pollingValues, readPopulation } from "../../src/study/polling.ts";
import { techSignals } from "../../src/study/tech.ts";
import type { RatingRow } from "../../src/survey/perceptions.ts";

const rating = (
  audience: string,
  target: string,
  estimate: number,
  segment = "all",
): RatingRow => ({
  audience,
  segment,
  target,
  attribute: "favourability",
  measure: "share",
  estimate,
  se: 0.01,
  ci_low: estimate - 0.02,
  ci_high: estimate + 0.02,
  n: 100,
});

const RATINGS = [
  rating("Britain", "USA", 0.55),
  rating("Germany", "USA", 0.41),
  rating("India", "USA", 0.71),
  rating("Britain", "CHN", 0.65),
  rating("Germany", "CHN", 0.46),
  rating("Britain", "USA", 0.9, "gender=Male"), // segments do not enter the pillar
];
const ISO: Record<string, string> = { Britain: "GBR", Germany: "DEU", India: "IND" };

describe("polling pillar values", () => {
  it("equal weights: the plain mean over the audiences that rated the target", () => {
    const p = pollingValues(RATINGS, { weights: "equal", audienceIso3: (a) => ISO[a] ?? null });
    expect(p.values.get("favourability")!.get("USA")).toBeCloseTo((0.55 + 0.41 + 0.71) / 3, 15);
    expect(p.values.get("favourability")!.get("CHN")).toBeCloseTo((0.65 + 0.46) / 2, 15);
  });

  it("population weights: Σ pop·rating / Σ pop", () => {
    const population = { GBR: 67, DEU: 83, IND: 1380 };
    const p = pollingValues(RATINGS, {
      weights: "population",
      population,
      audienceIso3: (a) => ISO[a] ?? null,
    });
    expect(p.values.get("favourability")!.get("USA")).toBeCloseTo(
      (67 * 0.55 + 83 * 0.41 + 1380 * 0.71) / (67 + 83 + 1380),
      15,
    );
    expect(p.missingPopulation).toEqual([]);
  });

  it("reports audiences without a population", () => {
    const p = pollingValues(RATINGS, {
      weights: "population",
      population: { GBR: 67 },
      audienceIso3: (a) => ISO[a] ?? null,
    });
    expect(p.missingPopulation.sort()).toEqual(["Germany", "India"]);
  });

  it("reads a population table and names the bad cell", async () => {
    const dir = await mkdtemp(join(tmpdir(), "softpower-pop-"));
    await writeFile(join(dir, "pop.csv"), "iso3,population\nGBR,67\nDEU,83\n");
    expect(await readPopulation(join(dir, "pop.csv"))).toEqual({ GBR: 67, DEU: 83 });
    await writeFile(join(dir, "bad.csv"), "iso3,population\nGBR,67\nDEU,many\n");
    await expect(readPopulation(join(dir, "bad.csv"))).rejects.toThrow(
      /bad\.csv row 3, column population: "many" must be a positive number/,
    );
  });
});

const table = (file: string, text: string): Table => {
  const [head, ...rows] = text.trim().split("\n");
  return {
    file,
    columns: head!.split(","),
    rows: rows.map((r) => r.split(",")),
    lines: rows.map((_, i) => i + 2),
  };
};
const META = table(
  "iMeta.csv",
  `Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,rd,R&D,1,1,,NA,NA,Tech,Indicator
1,sites,Sites,1,1,,NA,NA,Culture,Indicator
2,Tech,Technology,1,1,,NA,NA,Index,Aggregate
2,Culture,Culture,1,1,,NA,NA,Index,Aggregate
3,Index,Index,1,1,,NA,NA,NA,Aggregate`,
);
const DATA = table(
  "iData.csv",
  "uCode,uName,rd,sites\nUSA,US,3,20\nCHN,China,2,50\nFRA,France,2,40",
);

describe("extending the framework with study pillars", () => {
  it("adds a new pillar under the top and its indicators, NA (or `absent`) where there is no value", () => {
    const { meta, data } = extendCoinTables(META, DATA, [
      {
        key: "polling",
        code: "Polling",
        name: "Polling",
        weight: 2,
        indicators: [
          {
            code: "poll_fav",
            name: "Fav",
            unit: "share",
            direction: 1,
            values: new Map([
              ["USA", 0.5],
              ["CHN", 0.4],
            ]),
          },
        ],
      },
      {
        key: "tech",
        code: "Tech",
        name: "Technology",
        weight: 1,
        indicators: [
          {
            code: "tech_companies",
            name: "Companies",
            unit: "count",
            direction: 1,
            values: new Map([["USA", 9]]),
            absent: 0,
          },
        ],
      },
    ]);
    const rows = metaFromTable(meta);
    expect(rows.find((r) => r.iCode === "Polling")).toMatchObject({
      level: 2,
      parent: "Index",
      weight: 2,
    });
    expect(rows.find((r) => r.iCode === "poll_fav")).toMatchObject({ level: 1, parent: "Polling" });
    // An existing pillar gets the indicator as a child; no second Tech row.
    expect(rows.filter((r) => r.iCode === "Tech")).toHaveLength(1);
    expect(rows.find((r) => r.iCode === "tech_companies")).toMatchObject({ parent: "Tech" });
    expect(data.columns).toEqual(["uCode", "uName", "rd", "sites", "poll_fav", "tech_companies"]);
    expect(data.rows.map((r) => [r[4], r[5]])).toEqual([
      ["0.5", "9"],
      ["0.4", "0"],
      ["NA", "0"],
    ]);
  });

  it("refuses a parent that is not at Level 3, listing the valid ones", () => {
    expect(() =>
      extendCoinTables(META, DATA, [
        { key: "polling", code: "Polling", name: "P", parent: "Tech", weight: 1, indicators: [] },
      ]),
    ).toThrow(/polling\.parent.*"Tech" is at Level 2.*Level 3.*: Index/);
  });

  it("refuses an indicator code already in iMeta", () => {
    expect(() =>
      extendCoinTables(META, DATA, [
        {
          key: "tech",
          code: "Tech",
          name: "T",
          weight: 1,
          indicators: [{ code: "rd", name: "x", unit: "", direction: 1, values: new Map() }],
        },
      ]),
    ).toThrow(InputError);
  });
});

describe("technology signals", () => {
  it("rolls mentions of a subsidiary up to its home country: Σ tone / Σ mentions", () => {
    const t = techSignals({
      signals: ["company_tone"],
      companyTone: [
        { entity: "Huawei", tone: -2, n: 10 },
        { entity: "TikTok", tone: 1, n: 5 },
        { entity: "Google", tone: 3, n: 6 },
      ],
      ratings: [],
      rated: [],
    });
    const tone = t.indicators[0]!.values;
    expect(tone.get("CHN")).toBeCloseTo(-1 / 15, 15);
    expect(tone.get("USA")).toBeCloseTo(0.5, 15);
  });

  it("refuses a rated company that is not in the registry", () => {
    expect(() =>
      techSignals({
        signals: ["company_favourability"],
        companyTone: [],
        ratings: [],
        rated: ["Acme"],
      }),
    ).toThrow(/"Acme" is not a company of the registry/);
  });
});
