/**
 * The workbench's editors for survey weighting and variance (calibration, replicates, waves,
 * audience codes: web/src/studio/survey-edits.ts), for every key of a drivers analysis
 * (web/src/studio/drivers-edits.ts) and for the rest of the media field map (columns, constants,
 * file-name fields, de-duplication), through the study.yaml model:
 *
 * 1. Every example opened in these editors and left untouched reads back the same values.
 * 2. Edits on a copy of the demo validate with the CLI's schemas, are written, and are read back
 *    by the CLI's parser with exactly the edited meaning (calibration also inline and in a file).
 * 3. Bad edits get the CLI's messages at the key of the field; text a field cannot read gets the
 *    field's own message.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/io/config-file.ts";
import { type Issue, readModel, validateModel, writeModel } from "../../src/studio/model.ts";
import { DriversSectionSchema, StudySchema } from "../../src/study/schema.ts";
import { CalibrationSpecSchema } from "../../src/survey/calibration-spec.ts";
import {
  formatFilter,
  newAnalysisName,
  parseFilter,
  withAnalysis,
} from "../../web/src/studio/drivers-edits.ts";
import {
  asObj,
  formatList,
  formatPairs,
  type Obj,
  parseFilenamePattern,
  parseList,
  parsePairs,
} from "../../web/src/studio/edits.ts";

import {
  formatMargins,
  formatPair,
  formatTotals,
  parseMargins,
  parsePair,
  parseTotals,
  trimKind,
  withCalibration,
  withCalibrationMethod,
  withReplicates,
} from "../../web/src/studio/survey-edits.ts";
import {
  demoCopy,
  EXAMPLES,
  exampleStudies,
  specOf,
  withSection,
} from "../helpers/studio-model.ts";

describe("every example, opened in these editors and left untouched, reads back the same", async () => {
  const names = await exampleStudies();
  it("includes an example with audience codes", async () => {
    const { model } = await readModel(join(EXAMPLES, "pew-2005"));
    expect(Object.keys(asObj(asObj(model.study.survey).audience_codes)).length).toBe(11);
  });
  for (const name of names)
    it(name, async () => {
      const { model } = await readModel(join(EXAMPLES, name));
      const survey = asObj(model.study.survey);
      if (survey.audience_codes !== undefined)
        expect(parsePairs(formatPairs(survey.audience_codes)).value).toEqual(survey.audience_codes);
      const cal = specOf(model, "survey.calibration");
      if (cal?.margins !== undefined)
        expect(parseMargins(formatMargins(cal.margins)).value).toEqual(cal.margins);
      if (cal?.totals !== undefined)
        expect(parseTotals(formatTotals(cal.totals)).value).toEqual(cal.totals);
      if (survey.replicates !== undefined)
        expect(withReplicates(survey.replicates, {})).toEqual(survey.replicates);
      const drivers = (Array.isArray(model.study.drivers) ? model.study.drivers : []) as Obj[];
      drivers.forEach((d, k) => {
        if (d.filter !== undefined)
          expect(parseFilter(formatFilter(d.filter)).value).toEqual(d.filter);
        // An untouched analysis means the same after a no-op patch.
        expect(DriversSectionSchema.parse(withAnalysis(drivers, k, {})[k])).toEqual(
          DriversSectionSchema.parse(d),
        );
      });
      const fields = specOf(model, "media.fields");
      if (fields?.columns !== undefined)
        expect(parseList(formatList(fields.columns))).toEqual(fields.columns);
      if (fields?.constants !== undefined)
        expect(parsePairs(formatPairs(fields.constants)).value).toEqual(fields.constants);
      if (typeof fields?.filename === "string")
        expect(parseFilenamePattern(fields.filename).value).toBe(fields.filename);
    });
});

describe("weighting, variance, drivers and media edits through the study.yaml model", () => {
  it("are valid, written, and read back by the CLI with the edited meaning", async () => {
    const tmp = await demoCopy("softpower-weighting-");
    let { model } = await readModel(tmp);
    // Survey: rake to gender counts, bootstrap replicates sized and seeded, audience codes.
    const survey = asObj(model.study.survey);
    let cal = withCalibrationMethod(undefined, "rake")!;
    cal = withCalibration(cal, {
      margins: parseMargins("gender: 1 = 740, 2 = 760").value,
      maxit: 50,
      trim: { lower: 0.3 },
    });
    model = withSection(model, "survey", {
      ...survey,
      calibration: cal,
      replicates: withReplicates(undefined, { type: "bootstrap", count: 20, seed: 3 }),
      audience_codes: parsePairs("Britain = GBR").value,
    });
    // Drivers: a third analysis with every key.
    const drivers = model.study.drivers as Obj[];
    const name = newAnalysisName(drivers);
    expect(name).toBe("drivers");
    const third = withAnalysis([...drivers, { name, outcome: "", predictors: [] }], 2, {
      outcome: "usa_fav",
      predictors: ["usa_economy", "usa_culture"],
      always: ["age"],
      weights: "weight",
      family: "binomial",
      level: 0.9,
      filter: parseFilter('country: GBR, DEU\nwave: 2\ngender: "1"').value,
      methods: ["lmg", "pratt"],
      bootstrap: 0,
    });
    model = withSection(model, "drivers", third);
    // Media: header-less columns, constants, file-name fields, de-duplication, bootstrap.
    const media = asObj(model.study.media);
    model = withSection(model, "media", {
      ...media,
      fields: {
        columns: parseList("id, date, title, text"),
        constants: parsePairs("outlet = Daily Bugle\noutlet_country = USA").value,
        filename: parseFilenamePattern("^(?<section>[a-z]+)_").value,
        dedupe: ["title", "date"],
      },
      bootstrap: 100,
      skip_bad: true,
    });

    expect(validateModel(model)).toEqual([]);
    const r = await writeModel(tmp, model);
    expect(r.issues).toEqual([]);
    const back = parseConfig(
      await readFile(join(tmp, "study.yaml"), "utf8"),
      "study.yaml",
      StudySchema,
    );
    expect(back.survey!.calibration).toEqual({
      method: "rake",
      margins: { gender: { "1": 740, "2": 760 } },
      maxit: 50,
      trim: { lower: 0.3 },
    });
    expect(back.survey!.replicates).toEqual({ type: "bootstrap", count: 20, seed: 3 });
    expect(back.survey!.audience_codes).toEqual({ Britain: "GBR" });
    expect(back.drivers).toHaveLength(3);
    expect(back.drivers[2]).toMatchObject({
      name: "drivers",
      outcome: "usa_fav",
      predictors: ["usa_economy", "usa_culture"],
      always: ["age"],
      weights: "weight",
      family: "binomial",
      level: 0.9,
      filter: { country: ["GBR", "DEU"], wave: [2], gender: ["1"] },
      methods: ["lmg", "pratt"],
      bootstrap: 0,
    });
    expect(back.drivers[0]).toEqual(
      parseConfig(
        await readFile(join(EXAMPLES, "demo/study.yaml"), "utf8"),
        "study.yaml",
        StudySchema,
      ).drivers[0],
    );
    expect(back.media!.fields).toMatchObject({
      columns: ["id", "date", "title", "text"],
      constants: { outlet: "Daily Bugle", outlet_country: "USA" },
      filename: "^(?<section>[a-z]+)_",
      dedupe: ["title", "date"],
    });
    expect(back.media!.bootstrap).toBe(100);
    expect(back.media!.skip_bad).toBe(true);
  });

  it("calibration kept in its own file is edited there (study.yaml keeps the path)", async () => {
    const tmp = await demoCopy("softpower-weighting-");
    await writeFile(
      join(tmp, "data/calibration.json"),
      JSON.stringify({ method: "linear", totals: { "(Intercept)": 1500 } }),
    );
    const text = await readFile(join(tmp, "study.yaml"), "utf8");
    await writeFile(
      join(tmp, "study.yaml"),
      text.replace("  wave: wave\n", "  wave: wave\n  calibration: data/calibration.json\n"),
    );
    let { model, issues } = await readModel(tmp);
    expect(issues).toEqual([]);
    const cal = specOf(model, "survey.calibration")!;
    expect(cal).toEqual({ method: "linear", totals: { "(Intercept)": 1500 } });
    const next = withCalibration(cal, {
      totals: parseTotals("(Intercept) = 1500\ngender2 = 760").value,
      bounds: parsePair("0.5, 2").value,
    });
    model = {
      ...model,
      specs: model.specs.map((s) => (s.key === "survey.calibration" ? { ...s, content: next } : s)),
    };
    expect(validateModel(model)).toEqual([]);
    expect((await writeModel(tmp, model)).issues).toEqual([]);
    expect(await readFile(join(tmp, "study.yaml"), "utf8")).toContain(
      "calibration: data/calibration.json",
    );
    const spec = parseConfig(
      await readFile(join(tmp, "data/calibration.json"), "utf8"),
      "calibration.json",
      CalibrationSpecSchema,
    );
    expect(spec).toEqual({
      method: "linear",
      totals: { "(Intercept)": 1500, gender2: 760 },
      bounds: [0.5, 2],
    });
  });

  it("switching methods keeps what the new one reads", () => {
    const rake = { method: "rake", margins: { g: { a: 1 } }, maxit: 9, trim: { upper: 4 } };
    expect(withCalibrationMethod(rake, "poststratify")).toEqual({
      method: "poststratify",
      margins: { g: { a: 1 } },
      trim: { upper: 4 },
    });
    const lin = { method: "linear", totals: { x: 1 }, bounds: [0.5, 2], trim: [0.6, 1.8] };
    expect(withCalibrationMethod(lin, "logit")).toEqual({ ...lin, method: "logit" });
    expect(withCalibrationMethod(lin, "rake")).toEqual({ method: "rake", margins: {} });
    expect(withCalibrationMethod(lin, "")).toBeUndefined();
    expect(trimKind(lin.trim)).toBe("g");
    expect(trimKind(rake.trim)).toBe("weights");
    expect(trimKind(undefined)).toBe("");
  });

  it("replicates: options the type does not take are dropped", () => {
    const boot = { type: "bootstrap", count: 100, seed: 7 };
    expect(withReplicates(boot, { type: "JK1" })).toEqual({ type: "JK1" });
    expect(withReplicates(boot, { type: "BRR" })).toEqual({ type: "BRR", count: 100 });
    expect(withReplicates({ type: "Fay", fay_rho: 0.5 }, { type: "BRR" })).toEqual({
      type: "BRR",
    });
    expect(withReplicates(boot, { type: undefined })).toBeUndefined();
    expect(withReplicates(boot, { seed: undefined })).toEqual({ type: "bootstrap", count: 100 });
  });
});

describe("bad edits", async () => {
  const { model } = await readModel(join(EXAMPLES, "demo"));
  const expectIssue = (issues: Issue[], key: string, message?: string | RegExp) => {
    const hit = issues.find((i) => i.key === key);
    expect(hit, `${key} in ${JSON.stringify(issues)}`).toBeDefined();
    if (message !== undefined) expect(hit!.message).toMatch(message);
  };
  const survey = asObj(model.study.survey);

  it("replicates: a count on JK1, a seed on BRR, a count of 1 — at the field's key", () => {
    for (const [rep, key, msg] of [
      [{ type: "JK1", count: 10 }, "survey.replicates.count", /JK1/],
      [{ type: "BRR", seed: 2 }, "survey.replicates.seed", /bootstrap/],
      [{ type: "bootstrap", count: 1 }, "survey.replicates.count", /2/],
      [{ type: "Fay", fay_rho: 1 }, "survey.replicates.fay_rho", undefined],
    ] as const) {
      const issues = validateModel(withSection(model, "survey", { ...survey, replicates: rep }));
      expectIssue(issues, key, msg);
    }
  });

  it("calibration: an unknown method, a count that is not a number, trim on both sides", () => {
    let issues = validateModel(
      withSection(model, "survey", { ...survey, calibration: { method: "ipf", margins: {} } }),
    );
    expectIssue(issues, "survey.calibration.method", /poststratify/);
    issues = validateModel(
      withSection(model, "survey", {
        ...survey,
        calibration: { method: "rake", margins: { gender: { "1": "many" } } },
      }),
    );
    expectIssue(issues, "survey.calibration.margins.gender.1", /number/);
    issues = validateModel(
      withSection(model, "survey", {
        ...survey,
        calibration: { method: "linear", totals: {}, trim: [1, 2, 3] },
      }),
    );
    expect(issues.some((i) => i.key.startsWith("survey.calibration.trim"))).toBe(true);
  });

  it("audience codes: a value that is not ISO3", () => {
    const issues = validateModel(
      withSection(model, "survey", { ...survey, audience_codes: { Britain: "UK" } }),
    );
    expectIssue(issues, "survey.audience_codes.Britain", "expected an ISO3 code such as CHN");
  });

  it("drivers: a level of 1, an unknown family, a filter without values", () => {
    const drivers = model.study.drivers as Obj[];
    const bad = withAnalysis(drivers, 1, {
      level: 1,
      family: "poisson",
      filter: { country: [] },
    });
    const issues = validateModel(withSection(model, "drivers", bad));
    expectIssue(issues, "drivers.1.level");
    expectIssue(issues, "drivers.1.family", /gaussian/);
    expectIssue(issues, "drivers.1.filter.country");
  });

  it("media: dedupe on an unknown field, an outlet country that is not ISO3", () => {
    const media = asObj(model.study.media);
    const issues = validateModel(
      withSection(model, "media", {
        ...media,
        fields: { dedupe: ["url"], outlet_country: { Bugle: "usa" } },
      }),
    );
    expectIssue(issues, "media.fields.dedupe.0");
    expectIssue(issues, "media.fields.outlet_country.Bugle");
  });

  it("text a field cannot read gets the field's own message", () => {
    expect(parseMargins("gender 1 = 740").error).toBe(
      "line 1: write VARIABLE: LEVEL = COUNT, LEVEL = COUNT",
    );
    expect(parseMargins("gender: 1 = many").error).toBe('line 1: "many" is not a number');
    expect(parseMargins("gender: 1 740").error).toBe('line 1: "1 740" is not LEVEL = COUNT');
    expect(parseTotals("(Intercept) 6194").error).toBe("line 1: write NAME = NUMBER");
    expect(parseTotals("x = 1e3\ny = 0x10").error).toBe('line 2: "0x10" is not a number');
    expect(parsePair("0.5").error).toBe("write two numbers: LOWER, UPPER");
    expect(parsePair("0.5, two").error).toBe('upper: "two" is not a number');
    expect(parsePair("").value).toBeUndefined();
    expect(formatPair(parsePair("0.5, 2").value)).toBe("0.5, 2");
    expect(parseFilter("country GBR").error).toBe("line 1: write VARIABLE: VALUE, VALUE");
    expect(parseFilter("country:").error).toBe('line 1: no values after "country:"');
    expect(parseFilenamePattern("(?<outlet>[a-z]+").error).toMatch(/^not a regular expression/);
    expect(parseFilenamePattern("^([a-z]+)_").error).toBe("name the groups, e.g. (?<outlet>[^_]+)");
  });
});
