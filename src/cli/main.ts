import { CommanderError } from "commander";
import { InputError } from "../core/errors.ts";
import { createProgram } from "./program.ts";

/**
 * The `softpower` command line. Exit codes: 0 ok, 1 internal error, 2 bad input or usage.
 */
export async function main(argv: string[]): Promise<number> {
  const program = await createProgram(argv[2]);
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
