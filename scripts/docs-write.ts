/**
 * Writing generated documentation: paths are relative to the repository root, the file is
 * written atomically (a temp file, then rename) and only when its bytes change.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is in scripts/). */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Writes `text` to `path` (relative to the root) unless it already holds it; says which. */
export async function writeGenerated(path: string, text: string): Promise<void> {
  const file = join(ROOT, path);
  const old = await readFile(file, "utf8").catch(() => undefined);
  if (old === text) {
    process.stdout.write(`${path}: up to date\n`);
    return;
  }
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
  process.stdout.write(`${path}: written\n`);
}
