/**
 * The derived-variable (recode) editor (web/src/studio/survey-edits.ts: parseCodeMap,
 * withRecode): the examples' recode files read back the same through the fields, edits of
 * survey.recode and of a drivers analysis's recode are what the CLI reads, and text a field
 * cannot read is named.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/io/config-file.ts";
import { readModel, validateModel, writeModel } from "../../src/studio/model.ts";
import { StudySchema } from "../../src/study/schema.ts";
import { RecodeSchema } from "../../src/survey/recode.ts";
import { withAnalysis } from "../../web/src/studio/drivers-edits.ts";
import { asObj, type Obj } from "../../web/src/studio/edits.ts";
import {
  formatCodeMap,
  formatPair,
  parseCodeMap,
  parsePair,
  withRecode,
} from "../../web/src/studio/survey-edits.ts";
import { demoCopy, ROOT } from "../helpers/studio-model.ts";

describe("derived variables", () => {
  it("the examples' recode files read back the same through the fields", async () => {
    let n = 0;
    for (const f of [
      "examples/pew-2009-2019/recode.json",
      "examples/afrobarometer-tunisia/recode-r8.json",
    ]) {
      const spec = RecodeSchema.parse(JSON.parse(await readFile(join(ROOT, f), "utf8")));
      for (const [name, r] of Object.entries(spec)) {
        if (r.map) expect(parseCodeMap(formatCodeMap(r.map)).value, `${f} ${name}`).toEqual(r.map);
        if (r.valid) expect(parsePair(formatPair(r.valid)).value).toEqual(r.valid);
        expect(withRecode(spec, name, {})[name]).toEqual(r);
        n++;
      }
    }
    expect(n).toBeGreaterThan(5);
  });

  it("edits of survey.recode and a drivers recode are what the CLI reads", async () => {
    const tmp = await demoCopy("softpower-recode-");
    let { model } = await readModel(tmp);
    let recode: Obj = { new_1: { from: "" } };
    recode = withRecode(recode, "new_1", { from: "usa_fav" }, "usa_top");
    recode = withRecode(recode, "usa_top", {
      map: parseCodeMap("1 = 0\n2 = 0\n3 = 1\n4 = 1\n9 =").value,
    });
    recode = {
      ...recode,
      age_num: { from: "age", numeric: true, valid: parsePair("18, 99").value },
    };
    const survey = asObj(model.study.survey);
    const drivers = model.study.drivers as Obj[];
    model = {
      ...model,
      study: {
        ...model.study,
        survey: { ...survey, recode },
        drivers: withAnalysis(drivers, 1, { recode: withRecode(recode, "age_num", undefined) }),
      },
    };
    expect(validateModel(model)).toEqual([]);
    expect((await writeModel(tmp, model)).issues).toEqual([]);
    const back = parseConfig(
      await readFile(join(tmp, "study.yaml"), "utf8"),
      "study.yaml",
      StudySchema,
    );
    expect(back.survey!.recode).toEqual({
      usa_top: { from: "usa_fav", map: { "1": 0, "2": 0, "3": 1, "4": 1, "9": null } },
      age_num: { from: "age", numeric: true, valid: [18, 99] },
    });
    expect(back.drivers[1]!.recode).toEqual({
      usa_top: { from: "usa_fav", map: { "1": 0, "2": 0, "3": 1, "4": 1, "9": null } },
    });
  });

  it("text a field cannot read is named", () => {
    expect(parseCodeMap("Very favorable 4").error).toBe(
      "line 1: write LABEL = NUMBER (nothing after = for missing)",
    );
    expect(parseCodeMap("a = 1\nb = x").error).toBe('line 2: "x" is not a number');
    expect(parseCodeMap("x = y = 2").value).toEqual({ "x = y": 2 });
    expect(withRecode({ a: { from: "x" }, b: { from: "y" } }, "a", undefined)).toEqual({
      b: { from: "y" },
    });
  });
});
