/**
 * The workbench's editors (web/src/studio/edits.ts, the functions the pages call as the user
 * types) through the study.yaml model: drivers groups and waves, the media field map, targets and
 * bias comparisons, the ratings map's segments and survey.segments, the uncertainty / Sobol spec
 * and the pipeline steps' parameters.
 *
 * 1. Every example opened in the editors and left untouched gives back the same values (each
 *    field's text reads back to what study.yaml holds).
 * 2. Edits on a copy of the demo validate with the CLI's schemas, are written, and read back by
 *    the CLI's parser with exactly the edited meaning.
 * 3. Bad edits give the CLI's messages at the right key, and text a field cannot read gives the
 *    field's own message (nothing is sent).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/io/config-file.ts";
import {
  type Issue,
  readModel,
  specSchema,
  validateModel,
  writeModel,
} from "../../src/studio/model.ts";
import { StudySchema } from "../../src/study/schema.ts";
import {
  asObj,
  biasOf,
  biasRows,
  DEFAULT_FACTORS,
  formatGroups,
  formatJson,
  formatList,
  formatPairs,
  type Obj,
  parseBands,
  parseGroups,
  parseJson,
  parseList,
  parseNumbers,
  parsePairs,
  segmentRows,
  segmentsOf,
  stepParams,
  withField,
  withStepParams,
  withUncertainty,
} from "../../web/src/studio/edits.ts";
import {
  demoCopy,
  EXAMPLES,
  exampleStudies,
  specOf,
  withSection,
  withSpec,
} from "../helpers/studio-model.ts";

const STEPS = ["denominate", "impute", "screen", "treat", "normalise", "aggregate"];

describe("every example, opened in the editors and left untouched, reads back the same", async () => {
  const names = await exampleStudies();
  it("has examples with drivers, media, segments, uncertainty and pipelines", () => {
    expect(names.length).toBeGreaterThanOrEqual(4);
  });
  for (const name of names)
    it(name, async () => {
      const { model } = await readModel(join(EXAMPLES, name));
      const drivers = (Array.isArray(model.study.drivers) ? model.study.drivers : []) as Obj[];
      for (const d of drivers) {
        if (d.groups !== undefined)
          expect(parseGroups(formatGroups(d.groups)).value).toEqual(d.groups);
        if (d.missing_codes !== undefined)
          expect(parseNumbers(formatList(d.missing_codes)).value).toEqual(d.missing_codes);
      }
      const media = asObj(model.study.media);
      if (media.bias !== undefined) expect(biasOf(biasRows(media.bias))).toEqual(media.bias);
      if (media.targets !== undefined)
        expect(parseList(formatList(media.targets))).toEqual(media.targets);
      const fields = specOf(model, "media.fields");
      if (fields?.outlet_country !== undefined)
        expect(parsePairs(formatPairs(fields.outlet_country)).value).toEqual(fields.outlet_country);
      const ratings = specOf(model, "survey.ratings");
      if (ratings?.segments !== undefined)
        expect(segmentsOf(segmentRows(ratings.segments)).value).toEqual(ratings.segments);
      const pipeline = specOf(model, "index.pipeline") ?? {};
      for (const step of STEPS)
        if (pipeline[step] !== undefined) {
          const text = formatJson(stepParams(pipeline[step]));
          expect(withStepParams(pipeline[step], parseJson(text).value), step).toEqual(
            pipeline[step],
          );
        }
      const unc = specOf(model, "index.uncertainty");
      if (unc) expect(parseJson(formatJson(unc.factors)).value).toEqual(unc.factors);
    });
});

describe("edits through the study.yaml model", () => {
  it("are valid, written, and read back by the CLI with the edited meaning", async () => {
    const tmp = await demoCopy("softpower-editors-");
    let { model } = await readModel(tmp);

    // Drivers: groups (one per line), waves, no-answer codes.
    const drivers = model.study.drivers as Obj[];
    const groups = parseGroups(
      "Tech companies: huawei_fav, tiktok_fav\nEconomy: chn_economy, chn_business",
    ).value!;
    model = withSection(model, "drivers", [
      { ...drivers[0], groups, by: "wave", missing_codes: parseNumbers("9, 8").value },
      ...drivers.slice(1),
    ]);
    // Media: field map, targets, a third bias comparison.
    const media = asObj(model.study.media);
    const rows = [
      ...biasRows(media.bias),
      { group: "outlet_country=USA", target: "CHN", compare: "GBR, IND" },
    ];
    const fields = withField(withField({}, "text", "text"), "outlet", "outlet");
    model = withSection(model, "media", {
      ...media,
      fields: { ...fields, outlet_country: parsePairs("Daily Bugle = USA").value },
      targets: parseList("USA, CHN, GBR"),
      bias: biasOf(rows),
    });
    // Survey: one more segment (bands) and the breakdown by two segments.
    const ratings = specOf(model, "survey.ratings")!;
    const segRows = [
      ...segmentRows(ratings.segments),
      { name: "older", variable: "age", bands: "18-64, 65-85", labels: "under 65, 65+" },
    ];
    model = withSpec(model, "survey.ratings", { ...ratings, segments: segmentsOf(segRows).value });
    model = withSection(model, "survey", {
      ...asObj(model.study.survey),
      segments: ["age_band", "older"],
    });
    // Index: treat parameters as typed (JSON), a Sobol analysis with its bootstrap.
    const index = asObj(model.study.index);
    const pipeline = asObj(index.pipeline);
    const treat = withStepParams(
      pipeline.treat,
      parseJson('{"winmax": 4, "skew_thresh": 2.5}').value,
    );
    const sobol = withUncertainty(index.uncertainty, {
      type: "sobol",
      runs: 64,
      nboot: 0,
      seed: 7,
    });
    model = withSection(model, "index", {
      ...index,
      pipeline: { ...pipeline, treat },
      uncertainty: sobol,
    });

    expect(validateModel(model)).toEqual([]);
    const r = await writeModel(tmp, model);
    expect(r.issues).toEqual([]);
    const back = parseConfig(
      await readFile(join(tmp, "study.yaml"), "utf8"),
      "study.yaml",
      StudySchema,
    );
    expect(back.drivers[0]!.groups).toEqual({
      "Tech companies": ["huawei_fav", "tiktok_fav"],
      Economy: ["chn_economy", "chn_business"],
    });
    expect(back.drivers[0]!.missing_codes).toEqual([9, 8]);
    expect(back.drivers[0]!.by).toBe("wave");
    expect(back.media!.targets).toEqual(["USA", "CHN", "GBR"]);
    expect(back.media!.bias.at(-1)).toEqual({
      group: "outlet_country=USA",
      target: "CHN",
      compare: ["GBR", "IND"],
    });
    expect(back.media!.fields).toMatchObject({
      fields: { text: "text", outlet: "outlet" },
      outlet_country: { "Daily Bugle": "USA" },
    });
    expect(back.survey!.segments).toEqual(["age_band", "older"]);
    const idx = back.index as unknown as { pipeline: Obj; uncertainty: Obj };
    expect(idx.pipeline.treat).toEqual({ winmax: 4, skew_thresh: 2.5 });
    expect(idx.uncertainty).toMatchObject({ type: "sobol", runs: 64, nboot: 0, seed: 7 });
    expect((idx.uncertainty.factors as unknown[]).length).toBe(3);
    // The ratings spec file holds the new segment.
    const ratingsFile = model.specs.find((s) => s.key === "survey.ratings")!.path;
    const spec = parseConfig(
      await readFile(join(tmp, ratingsFile), "utf8"),
      ratingsFile,
      specSchema("survey.ratings")!,
    ) as { segments: Obj };
    expect(spec.segments.older).toEqual({
      variable: "age",
      bands: [
        [18, 64],
        [65, 85],
      ],
      labels: ["under 65", "65+"],
    });
  });
});

describe("bad edits", async () => {
  const { model } = await readModel(join(EXAMPLES, "demo"));
  const expectIssue = (issues: Issue[], key: string, message?: string | RegExp) => {
    const hit = issues.find((i) => i.key === key);
    expect(hit, `${key} in ${JSON.stringify(issues)}`).toBeDefined();
    if (message !== undefined) expect(hit!.message).toMatch(message);
  };

  it("media bias: the CLI's messages at the row's key", () => {
    const media = asObj(model.study.media);
    const bias = biasOf([...biasRows(media.bias), { group: "GBR", target: "usa", compare: "" }]);
    const issues = validateModel(withSection(model, "media", { ...media, bias }));
    expectIssue(issues, "media.bias.2.group", "expected outlet=NAME or outlet_country=ISO3");
    expectIssue(issues, "media.bias.2.target", "expected an ISO3 code such as CHN");
    expectIssue(issues, "media.bias.2.compare");
  });

  it("drivers: an empty group and a bad target", () => {
    const drivers = model.study.drivers as Obj[];
    const d = { ...drivers[0], groups: parseGroups("Tech companies:").value, target: "China" };
    const issues = validateModel(withSection(model, "drivers", [d, ...drivers.slice(1)]));
    expectIssue(issues, "drivers.0.groups.Tech companies");
    expectIssue(issues, "drivers.0.target", "expected an ISO3 code such as CHN");
  });

  it("uncertainty: Sobol with one factor, too few runs; pipeline: an unknown parameter", () => {
    const index = asObj(model.study.index);
    const pipeline = asObj(index.pipeline);
    const one = withUncertainty(index.uncertainty, {
      type: "sobol",
      runs: 2,
      factors: DEFAULT_FACTORS,
    });
    const treat = withStepParams(pipeline.treat, parseJson('{"winmax": 5, "winsor": 1}').value);
    const issues = validateModel(
      withSection(model, "index", { ...index, uncertainty: one, pipeline: { ...pipeline, treat } }),
    );
    expectIssue(issues, "index.uncertainty.factors", "a Sobol analysis needs at least 2 factors");
    expectIssue(issues, "index.uncertainty.runs");
    expect(
      issues.some((i) => i.key.startsWith("index.pipeline.treat") && /winsor/.test(i.message)),
    ).toBe(true);
  });

  it("segments: a segment without its variable, in the ratings file's words", () => {
    const ratings = specOf(model, "survey.ratings")!;
    const seg = segmentsOf([{ name: "x", variable: "", bands: "1-2", labels: "" }]).value!;
    const issues = validateModel(withSpec(model, "survey.ratings", { ...ratings, segments: seg }));
    const hit = issues.find((i) => i.file === "ratings.json" && i.key.startsWith("segments.x"));
    expect(hit, JSON.stringify(issues)).toBeDefined();
  });

  it("text a field cannot read gets the field's own message", () => {
    expect(parseGroups("Tech companies huawei_fav").error).toMatch(
      /line 1: write the group's name, a colon/,
    );
    expect(parseGroups("A: x\nA: y").error).toBe('line 2: group "A" is given twice');
    expect(parseBands("18-29, 30 to 49, 50+").error).toBe('"50+" is not a band such as 18-29');
    expect(parseBands("18-29, 30 to 49").value).toEqual([
      [18, 29],
      [30, 49],
    ]);
    expect(parseNumbers("9, x").error).toBe('"x" is not a number');
    expect(parseJson('{"winmax": 5').error).toMatch(/^not valid JSON/);
    expect(parsePairs("New York Times USA").error).toBe("line 1: write NAME = VALUE");
    expect(segmentsOf([{ name: "a", variable: "age", bands: "young", labels: "" }]).error).toBe(
      'segment 1: "young" is not a band such as 18-29',
    );
  });
});
