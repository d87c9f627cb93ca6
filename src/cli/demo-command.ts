import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { writeFileAtomic } from "../io/write.ts";
import { generateDemo } from "../study/demo/index.ts";

interface DemoOptions {
  seed: string;
  force?: boolean;
}

/**
 * `softpower demo DIR [--seed N] [--force]`: writes the synthetic demo study's data files
 * ({@link generateDemo}) under DIR/data, each atomically. Refuses (exit 2) when DIR/data exists,
 * unless --force; other files in DIR (a study.yaml) are left alone.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("Write a synthetic demo study's data (indicators, survey, news) into DIR/data")
    .argument("<dir>", "study folder")
    .option("--seed <n>", "seed of the generator (the same seed gives the same files)", "1")
    .option("--force", "overwrite DIR/data if it exists")
    .action(async (dir: string, o: DemoOptions) => {
      const seed = Number(o.seed);
      if (!Number.isInteger(seed) || Math.abs(seed) > 2 ** 31 - 1)
        throw new InputError(`--seed must be an integer (|seed| < 2^31), got "${o.seed}"`);
      const data = join(dir, "data");
      if (existsSync(data) && !o.force)
        throw new InputError(`${data} exists; give --force to overwrite its demo files`);
      const files = generateDemo(seed);
      for (const [name, text] of Object.entries(files))
        await writeFileAtomic(join(dir, name), text);
      process.stdout.write(
        `Wrote ${Object.keys(files).length} synthetic files (seed ${seed}) to ${data}\n`,
      );
    });
}
