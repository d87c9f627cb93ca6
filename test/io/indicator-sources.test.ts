/**
 * src/io/indicator-sources.ts (long, wide and WDI-style sources → iData), src/io/country-codes.ts
 * and src/study/compare.ts. Fixtures are small inline tables written to a temp dir; one test
 * reads the real WDI extract in ../shared.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFramework } from "../../src/composite/framework.ts";
import { InputError } from "../../src/core/errors.ts";
import { dataFromTable, metaFromTable } from "../../src/io/coin.ts";
import { matchCountry, normaliseCountryName, toIso3 } from "../../src/io/country-codes.ts";
import {
  CompareSourceSchema,
  IndicatorSourceSchema,
  readComparison,
  readIndicatorSources,
} from "../../src/io/indicator-sources.ts";
import { parseCsv, readTable } from "../../src/io/table.ts";
import { compareRanks } from "../../src/study/compare.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

let TMP: string;
const file = async (name: string, text: string) => {
  await writeFile(join(TMP, name), text);
  return name;
};
beforeAll(async () => {
  TMP = await mkdtemp(join(tmpdir(), "softpower-sources-"));
});
afterAll(async () => {
  await rm(TMP, { recursive: true, force: true });
});

/** The table as uCode → { column: cell }. */
const byUnit = (t: { columns: string[]; rows: string[][] }) =>
  Object.fromEntries(
    t.rows.map((r) => [r[0]!, Object.fromEntries(t.columns.map((c, j) => [c, r[j]!]))]),
  );

const WDI = `Country Name,Country Code,Indicator Name,Indicator Code,2009,2010,2011,2012,2013
Germany,DEU,Internet users (per 100 people),IT.NET.USER.P2,79,82,81.3,82.3,
World,WLD,Internet users (per 100 people),IT.NET.USER.P2,26,29,31,35,
Romania,ROM,Internet users (per 100 people),IT.NET.USER.P2,36.6,39.9,40,45.9,
Channel Islands,CHI,Internet users (per 100 people),IT.NET.USER.P2,,,,,
Chad,TCD,Internet users (per 100 people),IT.NET.USER.P2,1.5,,,,
`;

describe("country codes", () => {
  it("resolves the spellings of WDI, UN, Elcano, SCImago and TI files to ISO3", () => {
    const cases: [string, string][] = [
      ["Korea, Rep.", "KOR"],
      ["Korea, Dem. Rep.", "PRK"],
      ["Russian Federation", "RUS"],
      ["Iran, Islamic Rep.", "IRN"],
      ["Egypt, Arab Rep.", "EGY"],
      ["Viet Nam", "VNM"],
      ["Türkiye", "TUR"],
      ["Turkey", "TUR"],
      ["Congo, Dem. Rep.", "COD"],
      ["Congo, Rep.", "COG"],
      ["Congo", "COG"],
      ["DR Congo", "COD"],
      ["Congo (Democratic Republic of the)", "COD"],
      ["Cote d'Ivoire", "CIV"],
      ["Côte d’Ivoire", "CIV"],
      ["   United States of America*", "USA"],
      ["St. Vincent and the Grenadines", "VCT"],
      ["Hong Kong SAR, China", "HKG"],
      ["Sudan (South)", "SSD"],
      ["Bolivia (Plurinational State of)", "BOL"],
      ["Lao PDR", "LAO"],
      ["Czech Republic", "CZE"],
      ["Swaziland", "SWZ"],
      ["Bahamas, The", "BHS"],
    ];
    for (const [name, iso3] of cases) expect(toIso3(name, "name"), name).toBe(iso3);
  });

  it("reads ISO3 (with WDI's legacy codes), ISO2 (with UK) and M49 (with Elcano's prefix)", () => {
    expect(toIso3("deu", "iso3")).toBe("DEU");
    expect(toIso3("ROM", "iso3")).toBe("ROU");
    expect(toIso3("ZAR", "iso3")).toBe("COD");
    expect(toIso3("CN", "iso2")).toBe("CHN");
    expect(toIso3("UK", "iso2")).toBe("GBR");
    expect(toIso3("un276", "m49")).toBe("DEU");
    expect(toIso3("076", "m49")).toBe("BRA");
    expect(toIso3("CN")).toBe("CHN");
    expect(toIso3("Korea, Rep.")).toBe("KOR");
  });

  it("recognises aggregates and never matches them to a country", () => {
    for (const a of [
      "World",
      "High income",
      "Euro area",
      "Sub-Saharan Africa (all income levels)",
    ]) {
      expect(matchCountry(a, "name"), a).toEqual({ kind: "aggregate" });
      expect(toIso3(a), a).toBeUndefined();
    }
    expect(matchCountry("WLD", "iso3")).toEqual({ kind: "aggregate" });
    expect(matchCountry("OWID_WRL", "iso3")).toEqual({ kind: "aggregate" });
    expect(matchCountry("900", "m49")).toEqual({ kind: "aggregate" });
    expect(matchCountry("Channel Islands", "name")).toEqual({ kind: "unmatched" });
    expect(matchCountry("Atlantis", "name")).toEqual({ kind: "unmatched" });
    expect(normaliseCountryName("The Gambia")).toBe("gambia");
  });
});

describe("readIndicatorSources", () => {
  it("reads WDI-style year columns: latest value within max_lag, aggregates skipped and listed", async () => {
    const f = await file("wdi.csv", WDI);
    const src = { file: f, unit: "Country Code", year_columns: true, code: "Internet" };
    const { table, log } = await readIndicatorSources([{ ...src, reduce: "latest", max_lag: 3 }], {
      baseDir: TMP,
      year: 2013,
    });
    expect(table.columns).toEqual(["uCode", "uName", "Internet"]);
    // TCD's only value (2009) is 4 years old: outside the window, so TCD has no row.
    expect(byUnit(table)).toEqual({
      DEU: { uCode: "DEU", uName: "Germany", Internet: "82.3" },
      ROU: { uCode: "ROU", uName: "Romania", Internet: "45.9" },
    });
    expect(log[0]).toMatchObject({
      rows: 5,
      units: 3, // DEU, ROU, TCD (TCD without a value in the window)
      aggregates: ["WLD"],
      unmatched: ["CHI"],
      filled: { Internet: 2 },
      years: { Internet: [2012, 2012] },
    });
    // The same file at lag 4 reaches TCD's 2009 value; with reduce "value" 2013 alone is empty.
    const lag4 = await readIndicatorSources([{ ...src, reduce: "latest", max_lag: 4 }], {
      baseDir: TMP,
      year: 2013,
    });
    expect(byUnit(lag4.table).TCD?.Internet).toBe("1.5");
    expect(lag4.log[0]!.years).toEqual({ Internet: [2009, 2012] });
    const exact = await readIndicatorSources([src], { baseDir: TMP, year: 2012 });
    expect(byUnit(exact.table).DEU?.Internet).toBe("82.3");
    expect(exact.table.rows.length).toBe(2);
  });

  it("reads WDI through its indicator column, skipping the 4 lines of a raw download", async () => {
    const f = await file(
      "wdi-raw.csv",
      `"Data Source","World Development Indicators",\n\n"Last Updated Date","2014-07-01",\n\n${WDI}`,
    );
    const { table } = await readIndicatorSources(
      [
        {
          file: f,
          skip: 4,
          unit: "Country Code",
          indicator: "Indicator Code",
          columns: { Net: "IT.NET.USER.P2" },
          year_columns: true,
          reduce: "mean",
          max_lag: 1,
        },
      ],
      { baseDir: TMP, year: 2013 },
    );
    expect(byUnit(table).DEU?.Net).toBe("82.3"); // 2012 only: 2013 is empty
    expect(byUnit(table).ROU?.Net).toBe("45.9");
    // Skipped lines keep the file's line numbers (and a ";" after them sets the delimiter).
    const t = parseCsv("title, here\n\nx;y\n1;2\n\n3;4\n", "s.csv", { skip: 2 });
    expect(t.columns).toEqual(["x", "y"]);
    expect(t.lines).toEqual([4, 6]);
  });

  it("reads long files with names, a year column holding dates, filters and a ; delimiter", async () => {
    const f = await file(
      "long.txt",
      [
        "country|date|series|val|sex",
        "Korea, Rep.|2013-01-01|arrivals|12.2|all",
        "Korea, Rep.|2013-01-01|receipts|14.6|all",
        "Korea, Rep.|2013-01-01|arrivals|6.0|f",
        "Viet Nam|2013-01-01|arrivals|7.6|all",
        "Viet Nam|2012-01-01|arrivals|6.8|all",
        "High income|2013-01-01|arrivals|900|all",
        "Atlantis|2013-01-01|arrivals|1|all",
      ].join("\n"),
    );
    const { table, log } = await readIndicatorSources(
      [
        {
          file: f,
          delimiter: "|",
          unit: "country",
          unit_type: "name",
          year: "date",
          indicator: "series",
          value: "val",
          columns: { Arr: "arrivals", Rec: "receipts" },
          filter: { sex: "all" },
          scale: 1e6,
        },
      ],
      { baseDir: TMP, year: 2013 },
    );
    expect(byUnit(table)).toEqual({
      KOR: { uCode: "KOR", uName: "South Korea", Arr: "12200000", Rec: "14600000" },
      VNM: { uCode: "VNM", uName: "Vietnam", Arr: "7600000", Rec: "" },
    });
    expect(log[0]).toMatchObject({ aggregates: ["High income"], unmatched: ["Atlantis"] });
  });

  it("reduces several rows per unit-year: sum, mean, count (rows, without a value column)", async () => {
    const f = await file(
      "events.csv",
      "iso,year,amount\nUSA,2013,1\nUSA,2013,2\nUSA,2012,10\nFRA,2013,4\nFRA,2013,NA\n",
    );
    const base = { file: f, unit: "iso", year: "year" };
    const { table } = await readIndicatorSources(
      [
        { ...base, value: "amount", code: "Sum", reduce: "sum" },
        { ...base, value: "amount", code: "Mean", reduce: "mean" },
        { ...base, code: "Rows", reduce: "count" },
        { ...base, value: "amount", code: "Values", reduce: "count" },
        { ...base, value: "amount", code: "Sum2y", reduce: "sum", max_lag: 1 },
      ],
      { baseDir: TMP, year: 2013 },
    );
    expect(byUnit(table)).toEqual({
      FRA: {
        uCode: "FRA",
        uName: "France",
        Sum: "4",
        Mean: "4",
        Rows: "2",
        Values: "1",
        Sum2y: "4",
      },
      USA: {
        uCode: "USA",
        uName: "United States",
        Sum: "3",
        Mean: "1.5",
        Rows: "2",
        Values: "2",
        Sum2y: "13",
      },
    });
  });

  it("reads wide cross-sections (no year) from XLSX sheets, with iCodes from columns", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("notes").addRow(["about"]);
    const ws = wb.addWorksheet("ranks");
    ws.addRow(["Rank", "Country", "H index", "Documents"]);
    ws.addRow([1, "United States", 2880, 15188630]);
    ws.addRow([2, "China", 1210, 9239029]);
    await wb.xlsx.writeFile(join(TMP, "sci.xlsx"));
    const src = {
      file: "sci.xlsx",
      sheet: "ranks",
      unit: "Country",
      unit_type: "name",
      columns: { H: "H index", Docs: "Documents" },
    };
    const { table } = await readIndicatorSources([src], { baseDir: TMP });
    expect(byUnit(table).CHN).toEqual({ uCode: "CHN", uName: "China", H: "1210", Docs: "9239029" });
    await expect(
      readIndicatorSources([{ ...src, sheet: "Ranks" }], { baseDir: TMP }),
    ).rejects.toThrow('sci.xlsx: no sheet "Ranks" (sheets: "notes", "ranks")');
  });

  it("restricts to listed units and orders columns as iMeta, checking codes against it", async () => {
    const f = await file("wdi2.csv", WDI);
    const meta = parseCsv(
      [
        "Level,iCode,iName,Direction,Weight,Denominator,Parent,Type",
        "1,Internet,Internet users,1,1,Pop,Index,Indicator",
        "2,Index,Index,1,1,,,Aggregate",
        "NA,Pop,Population,NA,NA,,,Denominator",
      ].join("\n"),
      "iMeta.csv",
    );
    const fw = buildFramework(metaFromTable(meta));
    const pop = await file("pop.csv", "code,yr,pop\nDEU,2013,80.6\nROU,2013,20.0\nTCD,2013,13\n");
    const sources = [
      { file: pop, unit: "code", year: "yr", value: "pop", code: "Pop" },
      {
        file: f,
        unit: "Country Code",
        year_columns: true,
        code: "Internet",
        reduce: "latest",
        max_lag: 3,
      },
    ];
    const { table } = await readIndicatorSources(sources, {
      baseDir: TMP,
      year: 2013,
      framework: fw,
      units: ["DEU", "TCD", "FRA"],
    });
    expect(table.columns).toEqual(["uCode", "uName", "Internet", "Pop"]);
    expect(table.rows).toEqual([
      ["DEU", "Germany", "82.3", "80.6"],
      ["FRA", "France", "", ""],
      ["TCD", "Chad", "", "13"],
    ]);
    const data = dataFromTable(table, fw);
    expect(Array.from(data.denominators.Pop!)).toEqual([80.6, Number.NaN, 13]);
    await expect(
      readIndicatorSources([sources[0]!], { baseDir: TMP, year: 2013, framework: fw }),
    ).rejects.toThrow('iMeta row 2: indicator "Internet" has no source');
    await expect(
      readIndicatorSources([...sources, { ...sources[0]!, code: "Popn" }], {
        baseDir: TMP,
        year: 2013,
        framework: fw,
      }),
    ).rejects.toThrow('sources[2] (pop.csv): iCode "Popn" is not in iMeta');
    await expect(
      readIndicatorSources(sources, { baseDir: TMP, year: 2013, units: ["GER"] }),
    ).rejects.toThrow('units: "GER" is not an ISO3 country code');
  });

  describe("bad input names the file, row and column and what would be valid", () => {
    it("a missing column", async () => {
      const f = await file("cpi.csv", ",Nation,Year,Value\n0,Denmark,2013,91\n");
      const err = readIndicatorSources(
        [{ file: f, unit: "Nation", unit_type: "name", year: "Year", value: "Score", code: "CPI" }],
        { baseDir: TMP, year: 2013 },
      );
      await expect(err).rejects.toThrow(InputError);
      await expect(err).rejects.toThrow(
        'cpi.csv row 1: no column "Score" (option value of sources[0]); the columns are "", "Nation", "Year", "Value"',
      );
    });

    it("an unknown unit_type or key, and layouts that do not fit together", async () => {
      const ok = { file: "x.csv", unit: "Nation", year: "Year", value: "Value", code: "CPI" };
      await expect(
        readIndicatorSources([ok, { ...ok, unit_type: "fips" }], { baseDir: TMP }),
      ).rejects.toThrow(
        /^sources\[1\] \(x\.csv\): unit_type: Invalid option: expected one of "iso3"\|"iso2"\|"m49"\|"name"/,
      );
      await expect(readIndicatorSources([{ ...ok, lag: 2 }], { baseDir: TMP })).rejects.toThrow(
        'sources[0] (x.csv): unknown key "lag"',
      );
      expect(IndicatorSourceSchema.safeParse({ ...ok, year_columns: true }).success).toBe(false);
      expect(IndicatorSourceSchema.safeParse({ ...ok, code: undefined }).success).toBe(false);
      expect(IndicatorSourceSchema.safeParse({ ...ok, columns: { A: "a" } }).success).toBe(false);
      expect(
        IndicatorSourceSchema.safeParse({ file: "x", unit: "u", indicator: "i", value: "v" })
          .success,
      ).toBe(false);
      expect(IndicatorSourceSchema.parse(ok)).toMatchObject({
        unit_type: "iso3",
        reduce: "value",
        max_lag: 0,
      });
    });

    it("a value that is not a number, with its row and column", async () => {
      const f = await file("bad.csv", "iso,year,v\nUSA,2013,1\nFRA,2013,n/a\n");
      const src = { file: f, unit: "iso", year: "year", value: "v", code: "V" };
      await expect(readIndicatorSources([src], { baseDir: TMP, year: 2013 })).rejects.toThrow(
        'bad.csv row 3, column v: "n/a" is not a number (missing values: empty, NA)',
      );
      // Declared as missing with `na`, it is accepted.
      const { table } = await readIndicatorSources([{ ...src, na: ["n/a"] }], {
        baseDir: TMP,
        year: 2013,
      });
      expect(table.rows).toEqual([["USA", "United States", "1"]]);
    });

    it("a year cell that is not a year, a dated source without the index year", async () => {
      const f = await file("yr.csv", "iso,year,v\nUSA,2013,1\nFRA,about 2013,2\n");
      const src = { file: f, unit: "iso", year: "year", value: "v", code: "V" };
      await expect(readIndicatorSources([src], { baseDir: TMP, year: 2013 })).rejects.toThrow(
        'yr.csv row 3, column year: "about 2013" is not a year',
      );
      await expect(readIndicatorSources([src], { baseDir: TMP })).rejects.toThrow(
        "sources[0] (yr.csv) is dated (year: year): give the index year",
      );
    });

    it("several values where reduce: value expects one", async () => {
      const f = await file("dup.csv", "iso,year,v\nUSA,2013,1\nUSA,2013,2\n");
      await expect(
        readIndicatorSources([{ file: f, unit: "iso", year: "year", value: "v", code: "V" }], {
          baseDir: TMP,
          year: 2013,
        }),
      ).rejects.toThrow(
        "dup.csv rows 2 and 3: several values for USA (V, 2013); add a filter, or set reduce (sum, mean, count or latest) in sources[0]",
      );
    });

    it("the same iCode from two sources", async () => {
      const f = await file("one.csv", "iso,v\nUSA,1\n");
      const s = { file: f, unit: "iso", value: "v", code: "V" };
      await expect(readIndicatorSources([s, s], { baseDir: TMP })).rejects.toThrow(
        'sources[1] (one.csv): iCode "V" is already given by sources[0] (one.csv)',
      );
    });
  });
});

describe("comparisons", () => {
  it("reads one series with a name, e.g. a ranking for a chosen year by filter", async () => {
    const f = await file(
      "sp30.csv",
      "Score,Year,Country\n73.68,2015,US\n75.61,2015,UK\n77.4,2019,US\n",
    );
    const src = {
      name: "SP30 2015",
      file: f,
      unit: "Country",
      unit_type: "iso2",
      value: "Score",
      filter: { Year: 2015 },
    };
    const c = await readComparison(src, { baseDir: TMP });
    expect(c.name).toBe("SP30 2015");
    expect([...c.values]).toEqual([
      ["USA", 73.68],
      ["GBR", 75.61],
    ]);
    expect(CompareSourceSchema.safeParse({ ...src, code: "X" }).success).toBe(false);
    expect(CompareSourceSchema.safeParse({ ...src, name: undefined }).success).toBe(false);
  });

  it("compareRanks: Spearman and Kendall over the overlap only", () => {
    // Hand computation: overlap CHN, DEU, USA; index ranks 1,2,3, reference ranks 1,3,2:
    // rho = 1 − 6·2/(3·8) = 0.5; tau = (2 concordant − 1 discordant)/3.
    const r = compareRanks(
      new Map([
        ["USA", 80],
        ["CHN", 40],
        ["DEU", 70],
        ["JPN", Number.NaN],
      ]),
      new Map([
        ["USA", 77.4],
        ["CHN", 51.3],
        ["DEU", 78.6],
        ["FRA", 80.3],
        ["JPN", 70],
      ]),
      "SP30",
    );
    expect(r).toMatchObject({ name: "SP30", n_overlap: 3, units: ["CHN", "DEU", "USA"] });
    expectClose(r.spearman, 0.5, { rtol: 1e-12, what: "spearman" });
    expectClose(r.kendall, 1 / 3, { rtol: 1e-12, what: "kendall" });
    const one = compareRanks(new Map([["USA", 1]]), new Map([["USA", 2]]), "one");
    expect(one.n_overlap).toBe(1);
    expect(one.spearman).toBeNaN();
  });
});

describe.skipIf(!hasShared)("the real WDI extract (../shared)", () => {
  it("internet users 2013 (latest within 3 years): ~200 countries, aggregates listed, none matched", async () => {
    const { table, log } = await readIndicatorSources(
      [
        {
          file: "IT.NET.USER.P2.csv",
          unit: "Country Code",
          year_columns: true,
          code: "Internet",
          reduce: "latest",
          max_lag: 3,
        },
      ],
      { baseDir: sharedPath("indicators", "wdi"), year: 2013 },
    );
    const t = await readTable(sharedPath("indicators", "wdi", "IT.NET.USER.P2.csv"));
    expect(t.rows.length).toBe(252);
    const l = log[0]!;
    // 252 rows = 213 countries + 38 World Bank aggregates + the Channel Islands (no ISO code).
    expect(l.units).toBe(213);
    expect(l.aggregates.length).toBe(38);
    expect(l.aggregates).toContain("WLD");
    expect(l.unmatched).toEqual(["CHI"]);
    // The extract's 2013 column is empty: every value is from 2012 or earlier.
    expect(l.years.Internet![1]).toBe(2012);
    expect(l.filled.Internet).toBeGreaterThanOrEqual(200);
    const u = byUnit(table);
    expect(u.WLD).toBeUndefined();
    expect(u.ROU?.uName).toBe("Romania"); // WDI's legacy code ROM
    // The file's 2012 cells: Iceland 96.0, Germany 84.0.
    expect(u.ISL?.Internet).toBe("96");
    expect(u.DEU?.Internet).toBe("84");
  });
});
