import { Command, CommanderError } from "commander";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";

type Register = (program: Command) => void;

/**
 * The top-level commands and the module of each, in help order. A command line loads only the
 * module of the command it names (a process that scores news does not load the index engine,
 * the survey code or the server: tens of MB less); help and unknown commands load them all.
 */
const COMMANDS: [names: string[], load: () => Promise<Register>][] = [
  [["index"], async () => (await import("./index-command.ts")).registerIndexCommand],
  [["survey"], async () => (await import("./survey-command.ts")).registerSurveyCommand],
  [["drivers"], async () => (await import("./drivers-command.ts")).registerDriversCommand],
  [["media"], async () => (await import("./media-command.ts")).registerMediaCommand],
  [["demo"], async () => (await import("./demo-command.ts")).registerDemoCommand],
  [
    ["init", "build", "schema"],
    async () => (await import("./study-command.ts")).registerStudyCommands,
  ],
  [["runs"], async () => (await import("./runs-command.ts")).registerRunsCommand],
  [["report"], async () => (await import("./report-command.ts")).registerReportCommand],
  [["serve"], async () => (await import("./serve-command.ts")).registerServeCommand],
];

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
  const name = argv[2];
  const named = COMMANDS.filter(([names]) => name !== undefined && names.includes(name));
  for (const [, load] of named.length ? named : COMMANDS) (await load())(program);
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
