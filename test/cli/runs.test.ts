/**
 * `softpower runs list|diff` end to end, as a child process: listing, comparing by id, prefix,
 * latest/previous, JSON and CSV output, and exit code 2 with a clear message for a folder without
 * runs, an unknown run and an ambiguous prefix.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePath } from "../../src/store/db.ts";
import type { RunRecord } from "../../src/store/types.ts";
import { writeRun } from "../../src/store/write-run.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin", "softpower.js");

function cli(args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return r;
}

function expectOk(r: SpawnSyncReturns<string>): void {
  expect(r.status, `exit code; stderr:\n${r.stderr}`).toBe(0);
}

function run(id: string, startedAt: string, scores: [string, number, number][]): RunRecord {
  return {
    id,
    startedAt,
    finishedAt: startedAt,
    study: "demo",
    config: { name: "demo" },
    version: "0.1.0",
    node: "v20.0.0",
    timings: {},
    inputs: [],
    tables: {
      index_scores: { columns: ["uCode", "score", "rank"], rows: scores },
      findings: { columns: ["text"], rows: [["x"]] },
    },
    synthetic: id.endsWith("cccc"),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-runs-cli-"));
  const db = storePath(dir);
  await writeRun(
    db,
    run("20260101T000000Z-aaaa", "2026-01-01T00:00:00.000Z", [
      ["AUT", 80, 1],
      ["BEL", 70, 2],
      ["CHN", 60, 3],
    ]),
  );
  await writeRun(
    db,
    run("20260102T000000Z-bbbb", "2026-01-02T00:00:00.000Z", [
      ["AUT", 80, 1],
      ["BEL", 70, 2],
      ["CHN", 60, 3],
    ]),
  );
  await writeRun(
    db,
    run("20260103T000000Z-cccc", "2026-01-03T00:00:00.000Z", [
      ["CHN", 90.12345, 1],
      ["AUT", 79.5, 2],
      ["DEU", 50, 3],
    ]),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("softpower runs list", () => {
  it("prints the runs newest first", () => {
    const r = cli(["runs", "list", dir]);
    expectOk(r);
    expect(r.stdout).toBe(
      [
        "id                     time (UTC)           study  version  tables  note",
        "20260103T000000Z-cccc  2026-01-03 00:00:00  demo   0.1.0         2  synthetic data",
        "20260102T000000Z-bbbb  2026-01-02 00:00:00  demo   0.1.0         2",
        "20260101T000000Z-aaaa  2026-01-01 00:00:00  demo   0.1.0         2",
        "",
      ].join("\n"),
    );
  });

  it("--json gives the summaries; DIR defaults to the current folder", () => {
    const r = cli(["runs", "list", "--json"], dir);
    expectOk(r);
    const runs = JSON.parse(r.stdout);
    expect(runs.map((x: { id: string }) => x.id)).toEqual([
      "20260103T000000Z-cccc",
      "20260102T000000Z-bbbb",
      "20260101T000000Z-aaaa",
    ]);
    expect(runs[0]).toMatchObject({
      study: "demo",
      tables: 2,
      rows: 4,
      status: "complete",
      synthetic: true,
    });
  });

  it("exits 2 with 'no runs yet' for a folder without a store", async () => {
    const empty = await mkdtemp(join(tmpdir(), "softpower-runs-empty-"));
    try {
      const r = cli(["runs", "list", empty]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`softpower: no runs yet: run softpower build ${empty}\n`);
      expect(cli(["runs", "diff", "previous", "latest", empty]).stderr).toMatch(/no runs yet/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe("softpower runs diff", () => {
  it("prints the units whose rank changed most first", () => {
    const r = cli(["runs", "diff", "previous", "latest", dir]);
    expectOk(r);
    expect(r.stdout).toBe(
      [
        "index_scores: run 20260102T000000Z-bbbb (a) -> run 20260103T000000Z-cccc (b), 4 units: 2 changed rank, 1 only in b, 1 only in a",
        "uCode  score_a  score_b    change  rank_a  rank_b  rank_change",
        "CHN         60  90.1235  +30.1235       3       1           -2",
        "AUT         80     79.5      -0.5       1       2           +1",
        "BEL         70                          2                       only in a",
        "DEU                  50                         3               only in b",
        "",
      ].join("\n"),
    );
  });

  it("takes unique id prefixes, --json and --out", async () => {
    const out = join(dir, "diff.csv");
    const r = cli(["runs", "diff", "20260101", "20260103T", dir, "--json", "--out", out]);
    expectOk(r);
    const j = JSON.parse(r.stdout);
    expect(j.a).toBe("20260101T000000Z-aaaa");
    expect(j.b).toBe("20260103T000000Z-cccc");
    expect(j.units[0]).toEqual({
      uCode: "CHN",
      score_a: 60,
      score_b: 90.12345,
      score_change: 90.12345 - 60,
      rank_a: 3,
      rank_b: 1,
      rank_change: -2,
      in_a: true,
      in_b: true,
    });
    const csv = await readFile(out, "utf8");
    expect(csv.split("\n")[0]).toBe(
      "uCode,score_a,score_b,score_change,rank_a,rank_b,rank_change,in_a,in_b",
    );
    expect(csv).toContain("BEL,70,NA,NA,2,NA,NA,TRUE,FALSE");
  });

  it("exits 2 naming the runs for an unknown id, and the matches for an ambiguous prefix", () => {
    const unknown = cli(["runs", "diff", "2025", "latest", dir]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'softpower: unknown run "2025"; runs in the store, newest first: 20260103T000000Z-cccc, 20260102T000000Z-bbbb, 20260101T000000Z-aaaa (or "latest", "previous")\n',
    );
    const ambiguous = cli(["runs", "diff", "2026", "latest", dir]);
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toMatch(/run "2026" is ambiguous: it starts 3 runs/);
    const table = cli(["runs", "diff", "previous", "latest", dir, "--table", "nope"]);
    expect(table.status).toBe(2);
    expect(table.stderr).toMatch(/has no table "nope"; its tables: index_scores, findings/);
    const column = cli(["runs", "diff", "previous", "latest", dir, "--table", "findings"]);
    expect(column.status).toBe(2);
    expect(column.stderr).toMatch(/has no column "uCode"; its columns: text/);
  });
});
