/**
 * study.yaml: the schema (every study in the repo validates; the JSON Schema is generated from
 * the zod schema), and the loader's errors, which must name the key and the line.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { parseConfig } from "../../src/io/config-file.ts";
import { loadStudy } from "../../src/study/load.ts";
import { StudySchema, studyJsonSchema } from "../../src/study/schema.ts";
import { hasShared } from "../helpers/shared.ts";

const examples = readdirSync("examples").filter((d) =>
  existsSync(join("examples", d, "study.yaml")),
);

function cli(args: string[]) {
  return spawnSync(process.execPath, ["bin/softpower.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

async function studyDir(yaml: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "softpower-study-"));
  await writeFile(join(dir, "study.yaml"), yaml);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function loadError(yaml: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await studyDir(yaml, files);
  try {
    await loadStudy(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("study.yaml schema", () => {
  it("finds the example studies", () => {
    expect(examples).toEqual(expect.arrayContaining(["pew-2005"]));
  });
  for (const ex of examples) {
    it(`examples/${ex}/study.yaml validates`, async () => {
      const text = await readFile(join("examples", ex, "study.yaml"), "utf8");
      const s = parseConfig(text, "study.yaml", StudySchema);
      expect(s.name.length).toBeGreaterThan(0);
      expect(s.targets.length).toBeGreaterThan(0);
      // With the shared data present, load it whole: every referenced file exists and every
      // spec file (pipeline, uncertainty, sources, design, ratings...) validates.
      if (hasShared || ex === "demo") {
        const loaded = await loadStudy(join("examples", ex));
        expect(loaded.files.length).toBeGreaterThan(1);
      }
    });
  }

  it("the study init writes validates as it is", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "softpower-init-")), "my-study");
    const r = cli(["init", dir]);
    expect(r.status, r.stderr).toBe(0);
    const s = await loadStudy(dir);
    expect(s.config.name).toBe("my-study");
    expect(s.config.targets).toEqual(["USA", "CHN"]);
    expect(existsSync(join(dir, "data"))).toBe(true);
    // A second init must not overwrite the study.
    const again = cli(["init", dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists; init does not overwrite/);
  });

  it("the JSON Schema is generated from the zod schema and the committed copy is current", async () => {
    const js = studyJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(js.properties)).toEqual(
      expect.arrayContaining([
        "name",
        "targets",
        "index",
        "survey",
        "drivers",
        "media",
        "tech",
        "polling",
      ]),
    );
    expect(js.required).toEqual(expect.arrayContaining(["name", "targets"]));
    const committed = JSON.parse(await readFile("docs/study.schema.json", "utf8"));
    expect(committed).toEqual(js);
  });
});

describe("study.yaml errors name the key and the line", () => {
  it("an unknown key, at its own line", async () => {
    const msg = await loadError("name: x\ntargets: [USA]\nsurvey:\n  data: s.csv\n  colour: red\n");
    expect(msg).toMatch(/study\.yaml line 5 \(survey\): unknown key "colour"/);
  });

  it("a wrong type, at the value's line", async () => {
    const msg = await loadError("name: x\ntargets: [USA]\nseed: one\n");
    expect(msg).toMatch(/study\.yaml line 3 \(seed\): .*number/i);
  });

  it("a bad ISO3 code, at its line", async () => {
    const msg = await loadError("name: x\ntargets:\n  - USA\n  - China\n");
    expect(msg).toMatch(/line 4 \(targets\.1\): expected an ISO3 code/);
  });

  it("invalid YAML, with its line", async () => {
    const msg = await loadError("name: x\ntargets: [USA\nseed: 1\n");
    expect(msg).toMatch(/study\.yaml line \d+: not valid YAML/);
  });

  it("a missing required key", async () => {
    const msg = await loadError("name: x\n");
    expect(msg).toMatch(/\(targets\): required key is missing/);
  });

  it("a file that does not exist, with the key that names it", async () => {
    const msg = await loadError(
      "name: x\ntargets: [USA]\nsurvey:\n  data: data/none.csv\n  design: {}\n  ratings: r.json\n",
    );
    expect(msg).toMatch(/survey\.data.*data\/none\.csv/);
  });

  it("a spec file is validated with its own name and line", async () => {
    const msg = await loadError(
      "name: x\ntargets: [USA]\nsurvey:\n  data: s.csv\n  design: design.yaml\n  ratings: r.json\n",
      { "s.csv": "a\n1\n", "design.yaml": "ids: []\nweights: 3\n", "r.json": "{}" },
    );
    expect(msg).toMatch(/design\.yaml line 2 \(weights\)/);
  });

  it("polling needs a survey and an index", async () => {
    const msg = await loadError("name: x\ntargets: [USA]\npolling: {}\n");
    expect(msg).toMatch(/polling needs a survey section/);
  });

  it("the tech attribution must name a drivers analysis and one of its groups", async () => {
    const msg = await loadError(
      "name: x\ntargets: [USA]\nindex: { meta: m.csv, data: d.csv }\ntech:\n  attribution:\n    - { drivers: nope, group: Tech }\n",
    );
    expect(msg).toMatch(
      /line 6 \(tech\.attribution\.0\.drivers\): no drivers analysis named "nope"/,
    );
  });

  it("build errors name the study key: an unrated polling attribute, an unknown segment", async () => {
    const { cp } = await import("node:fs/promises");
    const dir = await mkdtemp(join(tmpdir(), "softpower-bad-build-"));
    await cp("examples/demo/data", join(dir, "data"), { recursive: true });
    const base = (await readFile("examples/demo/study.yaml", "utf8")).replace(
      /\nmedia:[\s\S]*?\n(?=polling:)/,
      "\n",
    );
    await writeFile(
      join(dir, "study.yaml"),
      base.replace("attributes: [favourability]", "attributes: [charm]"),
    );
    let r = cli(["build", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /polling\.attributes\): "charm" not rated in the survey \(rated attributes: .*favourability/,
    );
    await writeFile(
      join(dir, "study.yaml"),
      base.replace("  wave: wave\n", "  wave: wave\n  segments: [income]\n"),
    );
    r = cli(["build", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/survey \(wave 1\): survey\.segments: "income" is not a segment/);
  }, 60_000);

  it("index needs exactly one of data and sources", async () => {
    const msg = await loadError("name: x\ntargets: [USA]\nindex: { meta: m.csv }\n");
    expect(msg).toMatch(/give either data .* or sources/);
  });

  it("no study in the folder says how to make one; the CLI exits 2", async () => {
    const dir = await mkdtemp(join(tmpdir(), "softpower-empty-"));
    const r = cli(["build", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no study here \(create one with: softpower init/);
  });
});
