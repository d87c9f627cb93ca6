/**
 * Fixtures for the server tests: a demo study built by the CLI in a temporary copy, small
 * stores written directly with writeRun, and parsing CSV responses back into typed rows.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { storePath } from "../../src/store/db.ts";
import type { RunRecord, TableData } from "../../src/store/types.ts";
import { writeRun } from "../../src/store/write-run.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "bin", "softpower.js");

/** Copies examples/demo (study.yaml and data) into `dir` and builds it with the CLI. */
export function buildDemoCopy(dir: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "examples/demo/study.yaml"), join(dir, "study.yaml"));
  cpSync(join(ROOT, "examples/demo/data"), join(dir, "data"), { recursive: true });
  const r = spawnSync(process.execPath, [BIN, "build", dir], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`demo build failed (${r.status}):\n${r.stderr}`);
}

/** A small run record: `tables` as given, study "mini". */
export function miniRun(
  id: string,
  startedAt: string,
  tables: Record<string, TableData>,
): RunRecord {
  return {
    id,
    startedAt,
    finishedAt: startedAt,
    study: "Mini study",
    config: { name: "Mini study" },
    version: "0.1.0",
    node: "v20.0.0",
    timings: { total_ms: 1 },
    inputs: [{ role: "study", path: "study.yaml", sha256: "ab".repeat(32), rows: null }],
    tables,
    synthetic: false,
  };
}

/** The scores table of the mini runs, `k` shifting the scores so runs differ. */
export function miniScores(k: number): TableData {
  return {
    columns: ["uCode", "uName", "score", "rank", "rank_median", "rank_q05", "rank_q95"],
    rows: [
      ["AAA", "Aland", 90 + k, 1, 1, 1, 2],
      ["BBB", "Beland", 80, 2, 2, 1, 3],
      ["CCC", "Celand", null, 3, 3, 2, 3],
    ],
  };
}

/** A study folder holding a study.yaml named `name` and the given runs (oldest first). */
export async function writeStudy(dir: string, name: string, runs: RunRecord[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "study.yaml"), `name: ${name}\n`);
  for (const r of runs) await writeRun(storePath(dir), r);
}

/**
 * A CSV response back as rows typed like `like` (the JSON rows of the same table): unquoted
 * `NA` is null, `TRUE`/`FALSE` in a boolean column are booleans, cells of a number column are
 * numbers, anything quoted is text.
 */
export function parseCsvRows(
  text: string,
  like: unknown[][],
): { header: string[]; rows: unknown[][] } {
  const kinds: string[] = [];
  for (const r of like)
    r.forEach((v, j) => {
      if (kinds[j] === undefined && v !== null && v !== undefined) kinds[j] = typeof v;
    });
  let header: string[] = [];
  const rows: unknown[][] = [];
  const records = parse(text, {
    cast: (value, ctx) => {
      if (ctx.lines === 1) return value;
      const kind = kinds[ctx.index];
      if (ctx.quoting) return kind === "object" ? (JSON.parse(value) as unknown) : value;
      if (value === "NA") return null;
      if (kind === "number") return Number(value);
      if (kind === "boolean") return value === "TRUE";
      if (kind === "object") return JSON.parse(value) as unknown;
      return value;
    },
  }) as unknown[][];
  header = records[0] as string[];
  rows.push(...records.slice(1));
  return { header, rows };
}
