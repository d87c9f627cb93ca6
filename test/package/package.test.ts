/**
 * softpower as an installed package (issue 12): `npm pack`, install the tarball into an empty
 * folder outside the source tree with plain node (no tsx), and use it there as a user would:
 * the CLI (`npx softpower --version`, `softpower index` on the ASEM example, a demo study built
 * into its DuckDB store, an HTML report, the served dashboard), an ESM script importing
 * `softpower` and `softpower/survey`, `tsc --noEmit` on a TypeScript consumer of the shipped
 * types, and a browser bundle of every engine subpath that must hold no Node built-in.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const ENGINES = ["composite", "survey", "drivers", "media", "stats"] as const;
const VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
const ASEM = sharedPath("composite/asem");

let dir = "";
let pkg = ""; // the installed package: DIR/node_modules/softpower

/** Runs a command in the consumer folder with a PATH that has its node_modules/.bin first. */
function run(cmd: string, args: string[], opts: { cwd?: string; timeout?: number } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? dir,
    encoding: "utf8",
    timeout: opts.timeout ?? 60_000,
    env: {
      ...process.env,
      PATH: `${join(dir, "node_modules", ".bin")}:${process.env.PATH}`,
      NODE_OPTIONS: "", // no --import tsx or other loader inherited from the test runner
      TZ: "UTC",
    },
  });
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`,
    );
  return r.stdout;
}

beforeAll(() => {
  // dist/ is fresh (the global setup compiles it); the dashboard build is made when missing.
  if (!existsSync(join(ROOT, "dist", "web", "index.html")))
    execFileSync(NPM, ["run", "build:web"], { cwd: ROOT, stdio: "ignore" });
  dir = mkdtempSync(join(tmpdir(), "softpower-pkg-"));
  const packed = JSON.parse(
    execFileSync(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: ROOT,
      encoding: "utf8",
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const tarball = join(dir, packed[0]!.filename);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }),
  );
  // Only the tarball and its runtime dependencies: no tsx, no TypeScript loader, no source tree.
  run(
    NPM,
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball],
    { timeout: 240_000 },
  );
  pkg = join(dir, "node_modules", "softpower");
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe("the packed tarball", () => {
  it("ships built JavaScript, types, data and examples, and no sources or tests", () => {
    const files = readdirSync(pkg, { recursive: true, encoding: "utf8" });
    expect(files).toContain(join("dist", "index.js"));
    expect(files).toContain(join("dist", "index.d.ts"));
    expect(files).toContain(join("dist", "index.js.map"));
    for (const e of ENGINES) {
      expect(files).toContain(join("dist", e, "index.js"));
      expect(files).toContain(join("dist", e, "index.d.ts"));
    }
    expect(files).toContain(join("dist", "bundle", "main.js"));
    for (const w of ["media", "drivers", "uncertainty"])
      expect(files).toContain(join("dist", "bundle", `${w}.worker.js`));
    expect(files).toContain(join("dist", "web", "index.html"));
    expect(files).toContain(join("examples", "asem", "pipeline.json"));
    expect(files).toContain(join("data", "media", "target-tone-model.json"));
    expect(files.filter((f) => f.startsWith("src") || f.startsWith("test"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(existsSync(join(dir, "node_modules", "tsx"))).toBe(false);
    // The @stdlib functions are bundled into one file (scripts/build-cli.mjs), not re-exported.
    const stdlib = readFileSync(join(pkg, "dist", "stats", "stdlib.js"), "utf8");
    expect(stdlib).not.toMatch(/from "@stdlib|require\("@stdlib/);
    expect(stdlib).toMatch(/tQuantile/);
  });
});

describe("the CLI from the installed package, plain node", () => {
  it("npx softpower --version prints the package version", () => {
    expect(run("npx", ["--no-install", "softpower", "--version"]).trim()).toBe(VERSION);
  });

  it.skipIf(!ASEM)(
    "softpower index on the ASEM example gives COINr's published scores (needs ../shared)",
    () => {
      run("softpower", [
        "index",
        "--data",
        join(ASEM!, "ASEM_iData.csv"),
        "--meta",
        join(ASEM!, "ASEM_iMeta.csv"),
        "--pipeline",
        join(pkg, "examples", "asem", "pipeline.json"),
        "--out",
        join(dir, "asem"),
      ]);
      const lines = readFileSync(join(dir, "asem", "results.csv"), "utf8")
        .trim()
        .split("\n");
      const header = lines[0]!.split(",");
      const row = (u: string) => lines.find((l) => l.split(",")[0] === u)!.split(",");
      const score = (u: string) => Number(row(u)[header.indexOf("Index")]);
      // COINr 1.1.14's default ASEM build (../shared/data/README.md, published checks).
      expect(score("CHE")).toBeCloseTo(68.3837, 4);
      expect(score("NLD")).toBeCloseTo(64.8195, 4);
      expect(score("RUS")).toBeCloseTo(35.6555, 4);
    },
  );
  if (!ASEM) console.warn("skipped: softpower index on ASEM needs ../shared/data/composite/asem");

  it("builds the shipped demo study into its store, reports it as HTML and serves the dashboard", async () => {
    const study = join(dir, "demo");
    run("softpower", ["demo", study]);
    writeFileSync(
      join(study, "study.yaml"),
      readFileSync(join(pkg, "examples", "demo", "study.yaml")),
    );
    const built = JSON.parse(run("softpower", ["build", study, "--json"], { timeout: 120_000 }));
    expect(built.run).toMatch(/^[0-9a-z-]{8,}/);
    expect(built.tables).toContain("index_scores");
    run("softpower", ["report", study, "--out", join(dir, "demo.html")]);
    const html = readFileSync(join(dir, "demo.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toMatch(/synthetic/i);

    // Worker threads of the bundled CLI: two threads give the same rows as one, on a corpus of
    // several 1 MB chunks (the demo's news 32 times over, with new ids) so the worker gets some.
    const lines = readFileSync(join(study, "data", "news.jsonl"), "utf8")
      .trim()
      .split("\n");
    const news = join(dir, "news.jsonl");
    writeFileSync(
      news,
      Array.from({ length: 32 }, (_, k) =>
        lines.map((l) => l.replace(/"id":"([^"]+)"/, `"id":"$1-${k}"`)).join("\n"),
      ).join("\n"),
    );
    run("softpower", ["media", "score", "--corpus", news, "--threads", "1", "--out", "m1.csv"]);
    run("softpower", ["media", "score", "--corpus", news, "--threads", "2", "--out", "m2.csv"]);
    const m1 = readFileSync(join(dir, "m1.csv"), "utf8");
    expect(m1.split("\n").length).toBeGreaterThan(100);
    expect(readFileSync(join(dir, "m2.csv"), "utf8")).toBe(m1);

    const server = spawn("softpower", ["serve", study, "--port", "0"], {
      cwd: dir,
      env: { ...process.env, PATH: `${join(dir, "node_modules", ".bin")}:${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = "";
        server.stdout!.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
          if (m) ok(m[0]);
        });
        server.on("exit", (code) => fail(new Error(`serve exited ${code}: ${out}`)));
      });
      const page = await (await fetch(`${url}/`)).text();
      expect(page).toMatch(/<script[^>]+src="\.?\/assets\/index-[\w-]+\.js"/);
      const script = page.match(/src="\.?(\/assets\/index-[\w-]+\.js)"/)![1]!;
      expect((await fetch(`${url}${script}`)).status).toBe(200);
      const studies = (await (await fetch(`${url}/api/studies`)).json()) as { runs: number }[];
      expect(studies[0]!.runs).toBe(1);
    } finally {
      server.kill();
    }
  }, 180_000);
});

describe("the library from the installed package", () => {
  it("an ESM script imports softpower, softpower/survey and softpower/media and computes", () => {
    writeFileSync(
      join(dir, "use.mjs"),
      `import { buildIndex, svyMean as rootMean } from "softpower";
import { buildDesign, DesignSpecSchema, frameFromColumns, svyMean } from "softpower/survey";
import { scoreTone } from "softpower/media";
if (rootMean !== svyMean || typeof buildIndex !== "function") throw new Error("root and subpath differ");
const frame = frameFromColumns({ y: [1, 2, 3, 4], w: [1, 1, 2, 2] });
const design = buildDesign(frame, DesignSpecSchema.parse({ ids: [], weights: "w" }));
console.log(JSON.stringify({ mean: svyMean(design, "y").estimate, tone: scoreTone("good").compound }));
`,
    );
    const out = JSON.parse(run("node", ["use.mjs"]));
    // Weighted mean by hand: (1 + 2 + 2*3 + 2*4) / 6.
    expect(out.mean).toBeCloseTo(17 / 6, 14);
    // VADER: "good" has valence 1.9; compound = 1.9 / sqrt(1.9^2 + 15) rounded to 4 places (0.4404,
    // the reference implementation's score of "good").
    expect(out.tone).toBe(0.4404);
  });

  it("tsc --noEmit accepts a TypeScript consumer of the shipped types, and rejects a wrong one", () => {
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer.ts"],
      }),
    );
    const tsc = require.resolve("typescript/bin/tsc");
    writeFileSync(
      join(dir, "consumer.ts"),
      `import { type Estimate, buildDesign, DesignSpecSchema, frameFromColumns, svyMean } from "softpower/survey";
import { lmg } from "softpower/drivers";
import { buildIndex, type Pipeline } from "softpower/composite";
import { quantile } from "softpower/stats";
import { scoreTone, type ToneScores } from "softpower/media";
const design = buildDesign(frameFromColumns({ y: [1, 2] }), DesignSpecSchema.parse({ ids: [] }));
const e: Estimate = svyMean(design, "y");
const t: ToneScores = scoreTone("good");
const q: number = quantile([1, 2, 3], 0.5);
const p: Pipeline | undefined = undefined;
export const used = [e.se, t.compound, q, p, lmg, buildIndex];
`,
    );
    // The consumer needs no @types/node for the engine subpaths (types: []).
    run("node", [tsc, "-p", "tsconfig.json"]);
    writeFileSync(
      join(dir, "consumer.ts"),
      `import { svyMean } from "softpower/survey";\nexport const wrong: string = svyMean;\n`,
    );
    expect(() => run("node", [tsc, "-p", "tsconfig.json"])).toThrow(/TS2322/);
  });

  for (const engine of ENGINES) {
    it(`softpower/${engine} bundles for the browser with no Node built-in`, async () => {
      const r = await build({
        stdin: { contents: `export * from "softpower/${engine}";`, resolveDir: dir },
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        metafile: true,
        logLevel: "silent",
      });
      const inputs = Object.keys(r.metafile.inputs);
      expect(inputs.filter((i) => /^node:|(^|\/)node_modules\/@types\/node\//.test(i))).toEqual([]);
      expect(inputs.some((i) => i.includes(`softpower/dist/${engine}/index.js`))).toBe(true);
      expect(r.outputFiles[0]!.text.length).toBeGreaterThan(1000);
    });
  }

  it("a bundle that reaches a Node built-in fails (the check can fail)", async () => {
    await expect(
      build({
        stdin: { contents: `export * from "softpower";`, resolveDir: dir },
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        logLevel: "silent",
      }),
    ).rejects.toThrow(/Could not resolve "(node:)?(fs|os|path|crypto|module|url)(\/promises)?"/);
  });
});
