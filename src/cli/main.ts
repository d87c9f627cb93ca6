import { Command, CommanderError } from "commander";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { registerDemoCommand } from "./demo-command.ts";
import { registerDriversCommand } from "./drivers-command.ts";
import { registerIndexCommand } from "./index-command.ts";
import { registerMediaCommand } from "./media-command.ts";
import { registerReportCommand } from "./report-command.ts";
import { registerRunsCommand } from "./runs-command.ts";
import { registerServeCommand } from "./serve-command.ts";
import { registerStudyCommands } from "./study-command.ts";
import { registerSurveyCommand } from "./survey-command.ts";

/**
 * The `softpower` command line. Exit codes: 0 ok, 1 internal error, 2 bad input or usage.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("softpower")
    .description(
      "Soft Power Observatory: composite indices with uncertainty, survey estimation, key drivers and media tone.",
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  registerIndexCommand(program);
  registerSurveyCommand(program);
  registerDriversCommand(program);
  registerMediaCommand(program);
  registerDemoCommand(program);
  registerStudyCommands(program);
  registerRunsCommand(program);
  registerReportCommand(program);
  registerServeCommand(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.exitCode === 0
      )
        return 0;
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`softpower: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`softpower: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

// Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });

process.exitCode = await main(process.argv);
