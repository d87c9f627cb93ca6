/**
 * `npm run docs`: every generated documentation page.
 * - docs/guide/reference/cli.md (scripts/docs-cli.ts) and docs/guide/reference/study-yaml.md
 *   (scripts/docs-study-yaml.ts): committed, so the guide reads on GitHub; a test fails when
 *   they are out of date.
 * - docs/api/ (scripts/docs-api.ts, TypeDoc): git-ignored, built here; fails on TypeDoc problems.
 */
import { buildApiReference } from "./docs-api.ts";
import { CLI_REFERENCE, cliReference } from "./docs-cli.ts";
import { STUDY_YAML_REFERENCE, studyYamlReference } from "./docs-study-yaml.ts";
import { writeGenerated } from "./docs-write.ts";

await writeGenerated(CLI_REFERENCE, await cliReference());
await writeGenerated(STUDY_YAML_REFERENCE, studyYamlReference());
const api = await buildApiReference();
process.stdout.write(
  `docs/api: written (${api.unexported.length} types used by the public API are not exported by name; node --import tsx scripts/docs-api.ts lists them)\n`,
);
for (const p of api.problems) process.stderr.write(`docs/api problem: ${p}\n`);
if (api.problems.length) process.exitCode = 1;
