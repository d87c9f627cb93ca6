import { Command } from "commander";
import { VERSION } from "../core/version.ts";

/** Adds one command module's commands to the program. */
export type Register = (program: Command) => void;

/**
 * The top-level commands and the module of each, in help order. A command line loads only the
 * module of the command it names (a process that scores news does not load the index engine,
 * the survey code or the server: tens of MB less); help and unknown commands load them all.
 */
export const COMMANDS: [names: string[], load: () => Promise<Register>][] = [
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
  [
    ["export-site"],
    async () => (await import("./export-site-command.ts")).registerExportSiteCommand,
  ],
  [["serve"], async () => (await import("./serve-command.ts")).registerServeCommand],
  [["worker"], async () => (await import("./worker-command.ts")).registerWorkerCommand],
  [["studio"], async () => (await import("./studio-command.ts")).registerStudioCommand],
];

/**
 * The `softpower` program (commander) with the commands that `name` needs: only that command's
 * module when `name` is a known command, none for `--version`, every command otherwise (help,
 * unknown commands, and the generated CLI reference, which passes no name).
 *
 * @example
 * const program = await createProgram();          // all commands, e.g. to document them
 * program.commands.map((c) => c.name());           // ["index", "survey", ...]
 */
export async function createProgram(name?: string): Promise<Command> {
  const program = new Command()
    .name("softpower")
    .description(
      "Soft Power Observatory: composite indices with uncertainty, survey estimation, key drivers and media tone.",
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  const named = COMMANDS.filter(([names]) => name !== undefined && names.includes(name));
  const version = name === "--version" || name === "-V";
  for (const [, load] of named.length || version ? named : COMMANDS) (await load())(program);
  return program;
}
