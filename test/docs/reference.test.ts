import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildApiReference } from "../../scripts/docs-api.ts";
import { CLI_REFERENCE, cliReference } from "../../scripts/docs-cli.ts";
import { STUDY_YAML_REFERENCE, studyYamlReference } from "../../scripts/docs-study-yaml.ts";
import { ROOT } from "../../scripts/docs-write.ts";

const committed = (path: string) => readFile(join(ROOT, path), "utf8");
const STALE = "is out of date: run `npm run docs` and commit it";

describe("generated reference pages", () => {
  it(`${CLI_REFERENCE} matches the commander definitions`, async () => {
    const page = await cliReference();
    expect(page, `${CLI_REFERENCE} ${STALE}`).toBe(await committed(CLI_REFERENCE));
    // Every command and subcommand has its section.
    for (const name of ["index", "survey estimate", "media score", "runs diff", "serve"])
      expect(page).toContain(`softpower ${name}\n`);
  });

  it(`${STUDY_YAML_REFERENCE} matches StudySchema`, async () => {
    const page = studyYamlReference();
    expect(page, `${STUDY_YAML_REFERENCE} ${STALE}`).toBe(await committed(STUDY_YAML_REFERENCE));
    // Keys, types, defaults and doc comments all reach the page.
    expect(page).toContain(
      '| `period` | one of `"day"`, `"week"`, `"month"`, `"year"` | no | `"month"` |',
    );
    expect(page).toContain("Targets to report (default: the study's targets).");
    expect(page).toContain("## drivers[]");
  });
});

describe("API reference (TypeDoc)", () => {
  let out = "";
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("builds from the public entry points with no errors, broken links or misnamed tags", async () => {
    out = await mkdtemp(join(tmpdir(), "softpower-api-"));
    const result = await buildApiReference(out);
    expect(result.problems).toEqual([]);
    const pages = await readdir(out);
    expect(pages).toContain("README.md");
    const root = await readFile(join(out, "index.md"), "utf8");
    for (const name of ["buildIndex", "svyMean", "lmg", "scoreTone"]) expect(root).toContain(name);
    // Types used by the API but not exported by name are listed, not fatal (see scripts/docs-api.ts).
    if (result.unexported.length)
      console.info(
        `API reference: ${result.unexported.length} types used by the public API are not exported by name`,
      );
  }, 120_000);
});
