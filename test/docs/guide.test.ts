/**
 * Runs every shell and code block of the user guide (docs/guide/**\/*.md) and checks its output.
 *
 * - ```sh blocks run in bash (`set -eo pipefail`, stderr merged into stdout) in a temporary
 *   workspace laid out like the repository: `WS/main` holds a copy of the tracked files of
 *   `examples/` and a `node_modules` of symlinks to the repo's (plus `softpower` → the repo);
 *   `WS/shared` links to `../shared` when it exists, so the examples' `../../../shared/data`
 *   paths resolve. `softpower` is a shim on PATH that runs `node <repo>/bin/softpower.js`. The
 *   blocks of one page run in order in one workspace (a page's build is made once and read by
 *   the blocks after it); every page has its own. Nothing in the repo or the shared data is
 *   written.
 * - ```ts / ```js blocks are written to `WS/main/block-N.mts` and run with `node --import tsx`;
 *   `import ... from "softpower"` / `"softpower/survey"` resolve through
 *   `node_modules/softpower` to the repo's package exports (the built `dist/`, which vitest's
 *   global setup builds).
 * - A block must exit 0. When the next block is ```text, the output must match it after
 *   normalising both: run ids (`20261202T010109Z-0693`) → `<run>`, ISO timestamps → `<time>`,
 *   durations (`27380 ms`, `0.8 s`) → `<dur>`, `127.0.0.1:PORT` → `127.0.0.1:<port>`, the
 *   workspace path → `<ws>`, runs of spaces → one space, trailing spaces and blank lines dropped.
 *   A line `...` in the expected text matches any number of lines.
 * - Directives in an HTML comment between the previous block and this one:
 *   `<!-- needs: shared -->` skips the block (visibly, with the reason) when `../shared/data` is
 *   absent, `<!-- needs: redis -->` when `redis-server` is not installed (several may be given,
 *   comma-separated); `<!-- skip: REASON -->` never runs it (installing from the registry, say).
 *
 * `UPDATE_GUIDE=1 npx vitest run test/docs/guide.test.ts` writes the observed output into the
 * ```text blocks that have no `...` line (review the diff).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const GUIDE = join(ROOT, "docs/guide");
const SHARED = join(ROOT, "../shared");
const HAVE_SHARED = existsSync(join(SHARED, "data"));
const HAVE_REDIS = spawnSync("redis-server", ["--version"]).status === 0;

/** Why a block cannot run here (a `needs:` it lacks), or "" when it can. */
function missing(needs: string[]): string {
  if (needs.includes("shared") && !HAVE_SHARED) return "needs ../shared/data, which is absent";
  if (needs.includes("redis") && !HAVE_REDIS) return "needs redis-server, which is not installed";
  return "";
}
const UPDATE = process.env.UPDATE_GUIDE === "1";
/** Pages run at once (each is a chain of processes; the machine may have 2 cores). */
const PARALLEL_PAGES = 2;

interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The ```text block that follows, if any: its text and the line range of its body. */
  expected?: { text: string; from: number; to: number };
  needs: string[];
  skip?: string;
}

const RUNNABLE = new Set(["sh", "bash", "ts", "js"]);

/** The runnable blocks of a Markdown page, each with the directives before it and its output. */
export function parseBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const fenced: {
    line: number;
    lang: string;
    body: string;
    from: number;
    to: number;
    directives: string[];
  }[] = [];
  let directives: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    for (const m of lines[i]!.matchAll(/<!--\s*(needs|skip):\s*(.*?)\s*-->/g))
      directives.push(`${m[1]}:${m[2]}`);
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j]!)) j++;
    fenced.push({
      line: i + 1,
      lang: open[1]!,
      body: lines.slice(i + 1, j).join("\n"),
      from: i + 1,
      to: j,
      directives,
    });
    directives = [];
    i = j;
  }
  const blocks: Block[] = [];
  fenced.forEach((f, k) => {
    if (!RUNNABLE.has(f.lang)) return;
    const next = fenced[k + 1];
    const skip = f.directives.find((d) => d.startsWith("skip:"));
    blocks.push({
      file,
      line: f.line,
      lang: f.lang,
      code: f.body,
      needs: f.directives
        .filter((d) => d.startsWith("needs:"))
        .flatMap((d) => d.slice(6).split(","))
        .map((d) => d.trim()),
      ...(skip ? { skip: skip.slice(5) } : {}),
      ...(next?.lang === "text"
        ? { expected: { text: next.body, from: next.from, to: next.to } }
        : {}),
    });
  });
  return blocks;
}

/** Normalises what varies between runs (see the file comment). */
export function normalise(text: string): string {
  return text
    .replace(/\b\d{8}T\d{6}Z-[0-9a-z]+\b/g, "<run>")
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?/g, "<time>")
    .replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, "<dur>")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>")
    .split("\n")
    .map((l) => l.replace(/ {2,}/g, " ").trimEnd())
    .join("\n")
    .replace(/\n{2,}/g, "\n")
    .trim();
}

/** Whether `actual` matches `expected`, where an expected line `...` matches any lines. */
export function matches(actual: string, expected: string): boolean {
  const a = actual.split("\n");
  const e = expected.split("\n");
  const go = (i: number, j: number): boolean => {
    if (j === e.length) return i === a.length;
    if (e[j] === "...") {
      for (let k = i; k <= a.length; k++) if (go(k, j + 1)) return true;
      return false;
    }
    return i < a.length && a[i] === e[j] && go(i + 1, j + 1);
  };
  return go(0, 0);
}

interface Outcome {
  status: number | null;
  output: string;
  skipped?: string;
  ms: number;
}

async function workspace(): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), "softpower-guide-"));
  const main = join(ws, "main");
  await mkdir(join(main, "node_modules"), { recursive: true });
  const tracked = spawnSync("git", ["ls-files", "-z", "examples"], { cwd: ROOT, encoding: "utf8" });
  for (const f of tracked.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(ROOT, f))) continue;
    await mkdir(dirname(join(main, f)), { recursive: true });
    await cp(join(ROOT, f), join(main, f));
  }
  for (const e of await readdir(join(ROOT, "node_modules")))
    await symlink(join(ROOT, "node_modules", e), join(main, "node_modules", e));
  await symlink(ROOT, join(main, "node_modules/softpower"));
  await writeFile(join(main, "package.json"), '{ "private": true, "type": "module" }\n');
  if (HAVE_SHARED) await symlink(SHARED, join(ws, "shared"));
  await mkdir(join(ws, "bin"));
  const shim = join(ws, "bin/softpower");
  await writeFile(shim, `#!/bin/sh\nexec node "${join(ROOT, "bin/softpower.js")}" "$@"\n`);
  await chmod(shim, 0o755);
  return ws;
}

function run(cmd: string, args: string[], cwd: string, ws: string): Promise<Outcome> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: {
        ...process.env,
        PATH: `${join(ws, "bin")}:${process.env.PATH}`,
        NO_COLOR: "1",
        FORCE_COLOR: "0",
        TZ: "UTC",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => {
      output +=
        "\n[guide test: timed out after 120 s (a command that runs until stopped needs <!-- skip: ... -->)]";
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output, ms: performance.now() - start });
    });
  });
}

async function runBlock(b: Block, index: number, ws: string): Promise<Outcome> {
  const main = join(ws, "main");
  if (b.skip) return { status: null, output: "", skipped: b.skip, ms: 0 };
  const lacks = missing(b.needs);
  if (lacks) return { status: null, output: "", skipped: lacks, ms: 0 };
  if (b.lang === "sh" || b.lang === "bash")
    return run("bash", ["-c", `set -eo pipefail\nexec 2>&1\n${b.code}`], main, ws);
  const file = join(main, `block-${index}.mts`);
  await writeFile(file, b.code);
  return run(process.execPath, ["--import", "tsx", file], main, ws);
}

const pages = (await readdir(GUIDE, { recursive: true })).filter((f) => f.endsWith(".md")).sort();
const byPage = await Promise.all(
  pages.map(async (p) => ({
    page: p,
    blocks: parseBlocks(join(GUIDE, p), await readFile(join(GUIDE, p), "utf8")),
  })),
);
/** GUIDE_PAGE=substring runs only the pages whose path contains it (while writing a page). */
const only = process.env.GUIDE_PAGE;
const runnable = byPage.filter((p) => p.blocks.length > 0 && (!only || p.page.includes(only)));

/** Each page's blocks run in order in its own workspace; PARALLEL_PAGES pages at a time. */
const results = new Map<Block, Promise<Outcome>>();
const workspaces: string[] = [];
let slots = PARALLEL_PAGES;
const waiting: (() => void)[] = [];
function acquire(): Promise<void> {
  if (slots === 0) return new Promise((r) => waiting.push(r));
  slots -= 1;
  return Promise.resolve();
}
const release = (): void => {
  const next = waiting.shift();
  if (next) next();
  else slots += 1;
};
beforeAll(() => {
  for (const page of runnable) {
    const ws = acquire().then(async () => {
      const dir = await workspace();
      workspaces.push(dir);
      return dir;
    });
    let prev: Promise<unknown> = ws;
    page.blocks.forEach((b, i) => {
      const r = prev.then(async () => {
        const dir = await ws;
        const o = await runBlock(b, i, dir);
        return { ...o, output: o.output.replaceAll(dir, "<ws>") };
      });
      results.set(b, r);
      prev = r.catch(() => undefined);
    });
    void prev.finally(release);
  }
});

const updates = new Map<string, { from: number; to: number; text: string }[]>();
afterAll(async () => {
  for (const ws of workspaces) await rm(ws, { recursive: true, force: true });
  if (!UPDATE) return;
  for (const [file, edits] of updates) {
    const lines = (await readFile(file, "utf8")).split("\n");
    for (const e of edits.sort((x, y) => y.from - x.from))
      lines.splice(e.from, e.to - e.from, ...e.text.split("\n"));
    await writeFile(file, lines.join("\n"));
  }
});

for (const { page, blocks } of runnable) {
  describe(`docs/guide/${page}`, () => {
    for (const b of blocks) {
      const first = b.code.split("\n").find((l) => l.trim() && !l.startsWith("#")) ?? "";
      const name = `line ${b.line} (${b.lang}): ${first.slice(0, 70)}`;
      const lacks = missing(b.needs);
      const skip = b.skip ? `skipped: ${b.skip}` : lacks ? `skipped: ${lacks}` : "";
      if (skip) {
        it.skip(`${name} [${skip}]`, () => {});
        continue;
      }
      it(name, async () => {
        const o = await results.get(b)!;
        const where = `${relative(ROOT, b.file)}:${b.line}`;
        expect(o.status, `${where} exited ${o.status}:\n${o.output}`).toBe(0);
        if (!b.expected) return;
        const actual = normalise(o.output);
        const expected = normalise(b.expected.text);
        if (UPDATE && !b.expected.text.split("\n").includes("...")) {
          const text = o.output.replace(/\n+$/, "");
          if (text !== b.expected.text) {
            const list = updates.get(b.file) ?? [];
            list.push({ from: b.expected.from, to: b.expected.to, text });
            updates.set(b.file, list);
          }
          return;
        }
        if (!matches(actual, expected)) expect(actual, `${where}: output differs`).toBe(expected);
      }, 400_000);
    }
  });
}
