/**
 * The API reference: TypeDoc over the public entry points (typedoc.json: `src/index.ts` and the
 * engine subpath barrels), Markdown through typedoc-plugin-markdown, into `docs/api/` (git-ignored:
 * built by `npm run docs`, never committed).
 *
 * Warnings are sorted into two kinds:
 * - `problems`: compile errors, broken `{@link}`s, malformed or misnamed tags (`@param x` for no
 *   parameter x)... anything TypeDoc reports except the next kind. The build fails on them, and
 *   test/docs/api.test.ts requires none.
 * - `unexported`: a type used in an exported signature (an options object, a row type) that the
 *   entry points do not export by name. The page still shows its name, without a link; these
 *   are listed, not fatal: exporting a type is a change to the public API, made in src/index.ts.
 *
 * Run: `node --import tsx scripts/docs-api.ts [OUT]` (part of `npm run docs`).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Application, Logger, LogLevel } from "typedoc";
import { ROOT } from "./docs-write.ts";

/** What a TypeDoc run reported. */
export interface ApiBuild {
  /** Errors and warnings that fail the build. */
  problems: string[];
  /** Types referenced by the public API but not exported by name (not fatal). */
  unexported: string[];
  /** Where the Markdown was written. */
  out: string;
}

const UNEXPORTED = /is referenced by .* but not included in the documentation/;

class CollectingLogger extends Logger {
  readonly messages: { level: LogLevel; text: string }[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.messages.push({ level, text: message });
  }
}

/** Builds the API reference into `out` (default `docs/api`) and sorts what TypeDoc reported. */
export async function buildApiReference(out = join(ROOT, "docs/api")): Promise<ApiBuild> {
  const app = await Application.bootstrapWithPlugins({
    options: join(ROOT, "typedoc.json"),
    out,
  });
  const logger = new CollectingLogger();
  app.logger = logger;
  const project = await app.convert();
  if (project) {
    app.validate(project);
    await app.generateOutputs(project);
  } else logger.messages.push({ level: LogLevel.Error, text: "TypeDoc converted no project" });
  const problems: string[] = [];
  const unexported: string[] = [];
  for (const m of logger.messages) {
    const text = m.text.replace(
      new RegExp(`${ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "g"),
      "",
    );
    (UNEXPORTED.test(text) && m.level === LogLevel.Warn ? unexported : problems).push(text);
  }
  return { problems, unexported, out };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await buildApiReference(process.argv[2]);
  process.stdout.write(`API reference written to ${result.out}\n`);
  if (result.unexported.length) {
    process.stdout.write(
      `${result.unexported.length} types are used by the public API but not exported by name:\n`,
    );
    for (const u of result.unexported) process.stdout.write(`  ${u}\n`);
  }
  for (const p of result.problems) process.stderr.write(`problem: ${p}\n`);
  if (result.problems.length) process.exitCode = 1;
}
