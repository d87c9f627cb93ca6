/**
 * Bundles the command line into dist/bundle/ with esbuild: the CLI entry (main.js), the three
 * worker entries (*.worker.js, started by piscina from the same folder) and the chunks they
 * share, split so that each command still loads only its own code. Bundling folds the ~700
 * CommonJS and ESM files of the CLI's dependencies (commander, zod, csv-parse, @stdlib, ...)
 * into a few files: `softpower index` on ASEM starts ~40% faster than from dist/ as tsc emits it.
 *
 * Left outside the bundle, loaded from node_modules on first use: native or very large packages
 * (DuckDB, playwright-core, exceljs, linkedom, Observable Plot), piscina (it starts its own
 * worker script by path) and sav-reader (CommonJS, loaded with createRequire).
 *
 * It also bundles src/stats/stdlib.ts over tsc's dist/stats/stdlib.js: the five @stdlib
 * distribution functions in one self-contained, browser-safe file, so that importing an engine
 * from the package does not load ~140 small CommonJS packages one by one.
 *
 * Run by `npm run build` after tsc (node scripts/build-cli.mjs).
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { build } from "esbuild";

const external = [
  "@duckdb/*",
  "playwright-core",
  "exceljs",
  "linkedom",
  "@observablehq/plot",
  "piscina",
  "sav-reader",
  "bullmq",
  "ioredis",
];

/**
 * zod's classic and core entries re-export every locale (`z.locales`, 60-odd message catalogues, most of
 * zod's bundled size) although only English is used (zod configures it by default and nothing
 * here reads `z.locales`). In the CLI bundle that namespace holds English only; the library
 * build (tsc, dist/) imports zod unchanged.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: "zod-locales-en", namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: process.cwd(),
    }));
  },
};

await build({
  plugins: [zodEnglishOnly],
  entryPoints: {
    main: "src/cli/main.ts",
    "media.worker": "src/core/workers/media.worker.ts",
    "drivers.worker": "src/core/workers/drivers.worker.ts",
    "uncertainty.worker": "src/core/workers/uncertainty.worker.ts",
  },
  // A fresh folder swapped in whole: the chunks' names are content hashes, so building over
  // the old folder would keep every earlier build's chunks (and ship them).
  outdir: `dist/bundle.tmp-${process.pid}`,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external,
  // Workers sit beside the chunks here, not in ./workers/ as in dist/core (see worker-pool.ts).
  define: { SOFTPOWER_BUNDLED: "true" },
  // Bundled CommonJS packages that call require() get Node's, relative to the chunk.
  banner: {
    js: 'import { createRequire as __softpowerRequire } from "node:module"; const require = __softpowerRequire(import.meta.url);',
  },
  chunkNames: "chunk-[hash]",
  legalComments: "linked",
  logLevel: "warning",
});
const old = `dist/bundle.old-${process.pid}`;
if (existsSync("dist/bundle")) renameSync("dist/bundle", old);
renameSync(`dist/bundle.tmp-${process.pid}`, "dist/bundle");
rmSync(old, { recursive: true, force: true });

await build({
  entryPoints: ["src/stats/stdlib.ts"],
  outfile: "dist/stats/stdlib.js",
  bundle: true,
  format: "esm",
  // The browser resolution (package.json "browser" fields): @stdlib's few Node-only helpers,
  // such as its `debug` logging, resolve to their browser versions, so the file is browser-safe.
  platform: "browser",
  target: "es2022",
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
