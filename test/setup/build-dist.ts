/**
 * Vitest global setup: compiles src/ into dist/ (tsc, incremental) and bundles the CLI into
 * dist/bundle (scripts/build-cli.mjs, esbuild) before any test runs, because the CLI that tests
 * spawn (`node bin/softpower.js`) runs the built JavaScript, as an installed package does. An
 * unchanged tree rebuilds in a few seconds; a compile error stops the run.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0)
    throw new Error(`building dist/ failed (tsc -p tsconfig.build.json):\n${r.stdout}${r.stderr}`);
  const b = spawnSync(process.execPath, ["scripts/build-cli.mjs"], { cwd: ROOT, encoding: "utf8" });
  if (b.status !== 0)
    throw new Error(`bundling the CLI failed (scripts/build-cli.mjs):\n${b.stdout}${b.stderr}`);
}
