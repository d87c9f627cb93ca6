/**
 * The index page's source and comparison editors (web/src/studio/sources-edits.ts): every
 * example's indicator sources and comparison rankings read back the same through the fields,
 * edits of a source list kept in its own file are written there and read back by the CLI's
 * parser as edited, and the CLI's layout checks come back at the field's key.
 */
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/io/config-file.ts";
import { IndicatorSourceListSchema } from "../../src/io/indicator-sources.ts";
import { readModel, type StudyModel, validateModel, writeModel } from "../../src/studio/model.ts";
import { asObj, formatList, type Obj, parseList } from "../../web/src/studio/edits.ts";
import {
  formatCells,
  formatColumns,
  formatYears,
  parseCells,
  parseColumns,
  parseYears,
  withSourceField,
  withYearLayout,
  yearLayout,
} from "../../web/src/studio/sources-edits.ts";
import { EXAMPLES, exampleModels, specValue } from "../helpers/studio-model.ts";

const tmps: string[] = [];
afterAll(async () => {
  for (const t of tmps) await rm(t, { recursive: true, force: true });
});

const listOf = (model: StudyModel, key: "index.sources" | "index.compare"): Obj[] => {
  const v = specValue(model, key);
  return (Array.isArray(v) ? v : []) as Obj[];
};

describe("indicator sources and comparisons", () => {
  it("every example's sources and rankings read back the same through the fields", async () => {
    let n = 0;
    for (const { model } of await exampleModels()) {
      const index = asObj(model.study.index);
      if (index.years !== undefined)
        expect(parseYears(formatYears(index.years)).value).toEqual(index.years);
      for (const key of ["index.sources", "index.compare"] as const)
        for (const s of listOf(model, key)) {
          if (s.filter !== undefined)
            expect(parseCells(formatCells(s.filter)).value).toEqual(s.filter);
          if (s.columns !== undefined)
            expect(parseColumns(formatColumns(s.columns)).value).toEqual(s.columns);
          if (s.na !== undefined) expect(parseList(formatList(s.na))).toEqual(s.na);
          expect(withYearLayout(s, yearLayout(s))).toEqual(s);
          expect(withSourceField(s, {})).toEqual(s);
          n++;
        }
    }
    expect(n).toBeGreaterThan(15);
  });

  it("years: lists and ranges, and what is not a year", () => {
    expect(parseYears("2010-2013, 2015").value).toEqual([2010, 2011, 2012, 2013, 2015]);
    expect(formatYears([2010, 2011, 2012, 2013, 2015])).toBe("2010-2013, 2015");
    expect(formatYears([2013, 2014])).toBe("2013, 2014");
    expect(parseYears("2013-2010").error).toBe('"2013-2010": the range runs backwards');
    expect(parseYears("13").error).toBe(
      '"13" is not a year such as 2013 or a range such as 2010-2013',
    );
    expect(parseCells('Year = 2015\nSeries = "2015"').value).toEqual({
      Year: 2015,
      Series: "2015",
    });
    expect(parseCells("Year 2015").error).toBe("line 1: write COLUMN = VALUE");
    expect(parseColumns("GDP").error).toBe("line 1: write ICODE = COLUMN");
  });

  it("a source list in its own file is edited there and read back as edited", async () => {
    const tmp = join(await mkdtemp(join(tmpdir(), "softpower-sources-")), "objective-2013");
    tmps.push(dirname(tmp));
    await cp(join(EXAMPLES, "objective-2013"), tmp, {
      recursive: true,
      filter: (s) => !/\/(out|\.softpower)$/.test(s),
    });
    let { model, issues } = await readModel(tmp);
    expect(issues).toEqual([]);
    const list = listOf(model, "index.sources");
    const first = withSourceField(list[0], { max_lag: 3, scale: 0.01 });
    const added = withYearLayout(
      withSourceField(
        {},
        {
          file: list[0]!.file,
          unit: "Country Name",
          unit_type: "name",
          code: "Internet2",
          na: parseList(".."),
          filter: parseCells("Indicator Code = IT.NET.USER.P2").value,
        },
      ),
      "columns",
    );
    const next = [first, ...list.slice(1), added];
    model = {
      ...model,
      specs: model.specs.map((s) => (s.key === "index.sources" ? { ...s, content: next } : s)),
    };
    expect(validateModel(model)).toEqual([]);
    expect((await writeModel(tmp, model)).issues).toEqual([]);
    expect(await readFile(join(tmp, "study.yaml"), "utf8")).toContain("sources: sources.yaml");
    const back = parseConfig(
      await readFile(join(tmp, "sources.yaml"), "utf8"),
      "sources.yaml",
      IndicatorSourceListSchema,
    );
    expect(back).toHaveLength(list.length + 1);
    expect(back[0]).toMatchObject({ max_lag: 3, scale: 0.01, code: "Internet" });
    expect(back.at(-1)).toMatchObject({
      unit: "Country Name",
      unit_type: "name",
      year_columns: true,
      code: "Internet2",
      na: [".."],
      filter: { "Indicator Code": "IT.NET.USER.P2" },
    });
  });

  it("the CLI's layout checks come back at the field's key", async () => {
    const { model } = await readModel(join(EXAMPLES, "objective-2013"));
    const index = asObj(model.study.index);
    const inline = [
      withSourceField(listOf(model, "index.sources")[0], { year: "Year" }),
      { file: "x.csv", unit: "iso3", value: "v" },
    ];
    const issues = validateModel({
      ...model,
      study: { ...model.study, index: { ...index, sources: inline } },
    });
    const at = (key: string) => issues.find((i) => i.key === key)?.message;
    expect(at("index.sources.0.year")).toMatch(/not both/);
    expect(at("index.sources.1.code")).toMatch(/give code/);
  });
});
