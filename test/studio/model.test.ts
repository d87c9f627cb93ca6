/**
 * The editor model round trip: every example's study.yaml is loaded into the model and written
 * back (fresh, and as an edit of its own text), and the written study.yaml and spec files parse
 * with the CLI's schemas to the same config; an edit keeps the comments of untouched sections;
 * invalid input gives the CLI's messages with key and line; nothing is written when invalid.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/io/config-file.ts";
import {
  insideStudy,
  readModel,
  specSchema,
  studyYaml,
  validateModel,
  writeModel,
} from "../../src/studio/model.ts";
import { StudySchema } from "../../src/study/schema.ts";
import { EXAMPLES, exampleStudies } from "../helpers/studio-model.ts";

const tmps: string[] = [];

afterAll(async () => {
  for (const t of tmps) await rm(t, { recursive: true, force: true });
});

describe("editor model round trip over every example", async () => {
  const names = await exampleStudies();
  it("finds the example studies", () => {
    expect(names).toEqual(
      expect.arrayContaining(["demo", "media-2022", "objective-2013", "pew-2005"]),
    );
  });

  for (const name of names) {
    it(`${name}: study.yaml and its specs written back with the same meaning`, async () => {
      const dir = join(EXAMPLES, name);
      const { model, text, issues } = await readModel(dir);
      expect(issues).toEqual([]);
      const config = parseConfig(text, "study.yaml", StudySchema);
      // Fresh YAML from the model: the same config.
      expect(parseConfig(studyYaml(model.study), "study.yaml", StudySchema)).toEqual(config);
      // As an edit of its own text with no change: the same bytes (comments kept).
      expect(studyYaml(model.study, text)).toBe(text);
      // Written into a copy (spec files included): read back by the CLI's schemas, the same.
      const top = await mkdtemp(join(tmpdir(), `softpower-studio-model-${name}-`));
      tmps.push(top);
      const tmp = join(top, "examples", name);
      await mkdir(tmp, { recursive: true });
      // A spec kept outside the study folder (../media/...) is not written: put it where it is named.
      for (const s of model.specs)
        if (!insideStudy(dir, s.path)) {
          await mkdir(dirname(join(tmp, s.path)), { recursive: true });
          await cp(join(dir, s.path), join(tmp, s.path));
        }
      await writeFile(join(tmp, "study.yaml"), "name: placeholder\ntargets: [USA]\n");
      const written = await writeModel(tmp, model);
      expect(written.issues).toEqual([]);
      const back = await readFile(join(tmp, "study.yaml"), "utf8");
      expect(parseConfig(back, "study.yaml", StudySchema)).toEqual(config);
      for (const s of model.specs) {
        const schema = specSchema(s.key)!;
        const original = parseConfig(await readFile(join(dir, s.path), "utf8"), s.path, schema);
        const copy = parseConfig(await readFile(join(tmp, s.path), "utf8"), s.path, schema);
        expect(copy, `${name} ${s.key}`).toEqual(original);
      }
    });
  }
});

describe("editing", () => {
  it("an edit changes only its section and keeps the others' comments", async () => {
    const { model, text } = await readModel(join(EXAMPLES, "demo"));
    const study = { ...model.study, name: "Renamed", audiences: ["GBR", "DEU"] };
    const out = studyYaml(study, text);
    expect(out).toContain("# Survey and tone signals exist for a few countries only");
    expect(out).toContain("missing_codes: [9] # don't know");
    const c = parseConfig(out, "study.yaml", StudySchema);
    expect(c.name).toBe("Renamed");
    expect(c.audiences).toEqual(["GBR", "DEU"]);
    expect(c.drivers).toEqual(parseConfig(text, "study.yaml", StudySchema).drivers);
  });

  it("gives the CLI's messages with key and line, and writes nothing when invalid", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "softpower-studio-invalid-"));
    tmps.push(tmp);
    await cp(join(EXAMPLES, "pew-2005"), tmp, { recursive: true });
    const before = await readFile(join(tmp, "study.yaml"), "utf8");
    const { model } = await readModel(tmp);
    const bad = {
      study: { ...model.study, targets: ["usa"], colour: "red" },
      specs: model.specs.map((s) =>
        s.key === "survey.design" ? { ...s, content: { ids: [], weights: 3 } } : s,
      ),
    };
    const issues = validateModel(bad);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: "study.yaml",
          key: "targets.0",
          message: "expected an ISO3 code such as CHN",
        }),
        expect.objectContaining({ file: "study.yaml", message: 'unknown key "colour"' }),
        expect.objectContaining({ file: "design.json", key: "weights" }),
      ]),
    );
    expect(issues.find((i) => i.key === "targets.0")?.line).toBeGreaterThan(0);
    const r = await writeModel(tmp, bad);
    expect(r.written).toEqual([]);
    expect(await readFile(join(tmp, "study.yaml"), "utf8")).toBe(before);
  });

  it("writes spec files only inside the study folder", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "softpower-studio-outside-"));
    tmps.push(tmp);
    await writeFile(join(tmp, "study.yaml"), "name: x\ntargets: [USA]\n");
    const pipeline = { aggregate: { method: "a_amean" } };
    for (const path of ["../evil.json", "/tmp/evil.json", ".softpower/x.json", "data/p.txt"]) {
      const r = await writeModel(tmp, {
        study: {
          name: "x",
          targets: ["USA"],
          index: { meta: "m.csv", data: "d.csv", pipeline: path },
        },
        specs: [{ key: "index.pipeline", path, content: pipeline }],
      });
      expect(r.issues.length, path).toBeGreaterThan(0);
      expect(r.written).toEqual([]);
    }
    expect(insideStudy(tmp, "data/a.csv")).toBe(join(tmp, "data/a.csv"));
    expect(insideStudy(tmp, "data/../../a.csv")).toBeUndefined();
  });
});
