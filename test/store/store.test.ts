/**
 * The results store: runs round-trip through DuckDB with their columns, order and values; tables
 * gain and widen columns across runs; bad names and cells are refused with clear messages; a
 * write that fails leaves the store as it was; run references resolve (latest, previous, prefixes).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { storePath } from "../../src/store/db.ts";
import { diffRuns } from "../../src/store/diff.ts";
import { listRuns, readRun, readRunTable, resolveRun } from "../../src/store/read.ts";
import { makeRunId, newRunId } from "../../src/store/run-id.ts";
import type { RunRecord, TableData } from "../../src/store/types.ts";
import { writeRun } from "../../src/store/write-run.ts";

let dir: string;
let db: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-store-"));
  db = storePath(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(id: string, tables: Record<string, TableData>, startedAt?: string): RunRecord {
  return {
    id,
    startedAt: startedAt ?? "2026-11-28T19:15:02.000Z",
    finishedAt: "2026-11-28T19:15:04.500Z",
    study: "asem",
    config: { name: "asem", weights: [1, 2], nested: { a: null } },
    version: "0.1.0",
    node: "v20.0.0",
    timings: { load: 12.5, index: 40 },
    inputs: [
      { role: "iData", path: "data/iData.csv", sha256: "ab".repeat(32), rows: 51 },
      { role: "config", path: "study.yaml", sha256: "cd".repeat(32), rows: null },
    ],
    tables,
    synthetic: false,
  };
}

const scores = (units: [string, number, number][]): TableData => ({
  columns: ["uCode", "score", "rank"],
  rows: units.map((u) => [...u]),
});

describe("writeRun / readRunTable", () => {
  it("round-trips columns, order and values (numbers, text, booleans, null, NaN, ±Infinity, mixed)", async () => {
    const stage: TableData = {
      columns: ["uCode", "Rank", "GDP per cap", "flag", "note", "mixed", "empty", "big", "neg0"],
      rows: [
        ["AUT", 1, 0.1, true, 'a "quoted", text', 1, null, 2 ** 60, -0],
        ["BEL", 2, Number.NaN, false, "NA", "x", undefined, -(2 ** 53) - 2, 1.5],
        ["CHN", 3, Number.POSITIVE_INFINITY, null, "", true, null, 7, 0],
        [
          "DEU",
          null,
          -1e-300,
          true,
          "ünïcødé\nline",
          null,
          Number.NaN,
          0,
          Number.NEGATIVE_INFINITY,
        ],
      ],
    };
    await writeRun(
      db,
      run("r1", { index_stage_raw: stage, index_scores: scores([["AUT", 70.5, 1]]) }),
    );
    const back = await readRunTable(db, "r1", "index_stage_raw");
    expect(back.columns).toEqual(stage.columns);
    expect(back.rows).toEqual([
      ["AUT", 1, 0.1, true, 'a "quoted", text', 1, null, 2 ** 60, -0],
      ["BEL", 2, null, false, "NA", "x", null, -(2 ** 53) - 2, 1.5],
      ["CHN", 3, Number.POSITIVE_INFINITY, null, "", true, null, 7, 0],
      ["DEU", null, -1e-300, true, "ünïcødé\nline", null, null, 0, Number.NEGATIVE_INFINITY],
    ]);
    expect(typeof back.rows[0]![7]).toBe("number");
    const info = await readRun(db, "latest");
    expect(info).toEqual({
      id: "r1",
      startedAt: "2026-11-28T19:15:02.000Z",
      finishedAt: "2026-11-28T19:15:04.500Z",
      study: "asem",
      config: { name: "asem", weights: [1, 2], nested: { a: null } },
      version: "0.1.0",
      node: "v20.0.0",
      timings: { load: 12.5, index: 40 },
      inputs: run("r1", {}).inputs,
      tables: ["index_stage_raw", "index_scores"],
      synthetic: false,
    });
  });

  it("stores each table as t_<name> with run_id and row_no first, readable by SQL", async () => {
    await writeRun(
      db,
      run("r1", {
        index_scores: scores([
          ["AUT", 70.5, 1],
          ["BEL", 60, 2],
        ]),
      }),
    );
    const inst = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
    const conn = await inst.connect();
    const r = await conn.runAndReadAll("SELECT * FROM t_index_scores ORDER BY row_no");
    expect(r.columnNames()).toEqual(["run_id", "row_no", "uCode", "score", "rank"]);
    expect(r.getRowsJson()).toEqual([
      ["r1", 0, "AUT", 70.5, "1"],
      ["r1", 1, "BEL", 60, "2"],
    ]);
    const cols = await conn.runAndReadAll("SELECT columns, rows FROM run_tables");
    expect(JSON.parse(String(cols.getRows()[0]![0]))).toEqual([
      { name: "uCode", kind: "VARCHAR" },
      { name: "score", kind: "DOUBLE" },
      { name: "rank", kind: "BIGINT" },
    ]);
    conn.closeSync();
    inst.closeSync();
  });

  it("adds columns a later run brings, widens types, and reads every run back as written", async () => {
    const a: TableData = {
      columns: ["uCode", "x", "flag", "n"],
      rows: [
        ["A", 1, true, 5],
        ["B", 2, false, 6],
      ],
    };
    const b: TableData = {
      columns: ["n", "uCode", "y", "x", "flag"],
      rows: [[0.25, "C", "new", "text now", 3]],
    };
    const c: TableData = { columns: ["uCode"], rows: [["D"]] };
    await writeRun(db, run("r1", { t: a }, "2026-01-01T00:00:00.000Z"));
    await writeRun(db, run("r2", { t: b }, "2026-01-02T00:00:00.000Z"));
    await writeRun(db, run("r3", { t: c }, "2026-01-03T00:00:00.000Z"));
    expect(await readRunTable(db, "r1", "t")).toEqual(a);
    expect(await readRunTable(db, "r2", "t")).toEqual(b);
    expect(await readRunTable(db, "r3", "t")).toEqual(c);
    // A fourth run with the first layout after the widening still round-trips.
    await writeRun(db, run("r4", { t: a }, "2026-01-04T00:00:00.000Z"));
    expect(await readRunTable(db, "r4", "t")).toEqual(a);
  });

  it("matches columns across runs case-insensitively and quotes odd column names", async () => {
    const a: TableData = {
      columns: ["uCode", "Rank", 'say "hi"', "check.Pass"],
      rows: [["A", 1, "x", true]],
    };
    const b: TableData = { columns: ["rank", "UCODE"], rows: [[2.5, "B"]] };
    await writeRun(db, run("r1", { t: a }, "2026-01-01T00:00:00.000Z"));
    await writeRun(db, run("r2", { t: b }, "2026-01-02T00:00:00.000Z"));
    expect(await readRunTable(db, "r1", "t")).toEqual(a);
    expect(await readRunTable(db, "r2", "t")).toEqual(b);
  });

  it("runs calls on one store from one process one after another", async () => {
    const t = (k: number): TableData => ({ columns: ["k"], rows: [[k]] });
    const ops = await Promise.all([
      writeRun(db, run("r1", { t: t(1) }, "2026-01-01T00:00:00.000Z")),
      writeRun(db, run("r2", { t: t(2) }, "2026-01-02T00:00:00.000Z")),
      listRuns(db),
      readRunTable(db, "r2", "t"),
    ]);
    expect((ops[2] as { id: string }[]).map((r) => r.id)).toEqual(["r2", "r1"]);
    expect(ops[3]).toEqual(t(2));
  });

  it("keeps an empty table and a table without rows", async () => {
    await writeRun(
      db,
      run("r1", { none: { columns: ["a", "b"], rows: [] }, nocols: { columns: [], rows: [] } }),
    );
    expect(await readRunTable(db, "r1", "none")).toEqual({ columns: ["a", "b"], rows: [] });
    expect(await readRunTable(db, "r1", "nocols")).toEqual({ columns: [], rows: [] });
  });

  it("refuses bad table names, reserved or case-duplicate columns, ragged rows and odd cells", async () => {
    const bad = async (tables: Record<string, TableData>) => {
      const e = await writeRun(db, run("r1", tables)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    };
    expect(await bad({ "Index-Scores": { columns: [], rows: [] } })).toMatch(
      /table name "Index-Scores" is not allowed/,
    );
    expect(await bad({ "1x": { columns: [], rows: [] } })).toMatch(/not allowed/);
    expect(await bad({ t: { columns: ["run_id"], rows: [] } })).toMatch(/reserved/);
    expect(await bad({ t: { columns: ["Rank", "rank"], rows: [] } })).toMatch(
      /differ only in case/,
    );
    expect(await bad({ t: { columns: ["a", "a"], rows: [] } })).toMatch(/column "a" twice/);
    expect(await bad({ t: { columns: ["a", "b"], rows: [["x"]] } })).toMatch(
      /row 1 has 1 cells, expected 2/,
    );
    expect(
      await bad({ t: { columns: ["a"], rows: [[1], [{ x: 1 } as unknown as number]] } }),
    ).toMatch(/table "t" row 2, column a: cannot store a object/);
    // Nothing was written by the refused runs.
    await expect(listRuns(db)).rejects.toThrow(/no runs yet/);
  });

  it("refuses a run id already stored, leaving the store as it was", async () => {
    await writeRun(db, run("r1", { t: { columns: ["a"], rows: [[1]] } }));
    await expect(writeRun(db, run("r1", { t: { columns: ["a"], rows: [[2]] } }))).rejects.toThrow(
      /run r1 is already in/,
    );
    expect(await readRunTable(db, "r1", "t")).toEqual({ columns: ["a"], rows: [[1]] });
    expect((await listRuns(db)).length).toBe(1);
  });

  it("rolls back everything when the write fails just before COMMIT", async () => {
    await writeRun(
      db,
      run("r1", { t: { columns: ["a"], rows: [[1]] } }, "2026-01-01T00:00:00.000Z"),
    );
    const failing = writeRun(
      db,
      run("r2", {
        t: { columns: ["a", "extra"], rows: [[2, "x"]] },
        u: { columns: ["b"], rows: [[1]] },
      }),
      {
        onProgress: (s) => {
          if (s === "commit") throw new Error("boom");
        },
      },
    );
    await expect(failing).rejects.toThrow("boom");
    const runs = await listRuns(db);
    expect(runs.map((r) => r.id)).toEqual(["r1"]);
    expect(await readRunTable(db, "r1", "t")).toEqual({ columns: ["a"], rows: [[1]] });
    // The rolled-back ALTER TABLE and CREATE TABLE are gone too.
    const inst = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
    const conn = await inst.connect();
    const cols = await conn.runAndReadAll(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_name LIKE 't_%' ORDER BY table_name, ordinal_position",
    );
    expect(cols.getRows()).toEqual([
      ["t_t", "run_id"],
      ["t_t", "row_no"],
      ["t_t", "a"],
    ]);
    conn.closeSync();
    inst.closeSync();
  });
});

describe("listRuns / resolveRun", () => {
  beforeEach(async () => {
    await writeRun(
      db,
      run(
        "20260101T000000Z-aaaa",
        { index_scores: scores([["A", 1, 1]]) },
        "2026-01-01T00:00:00.000Z",
      ),
    );
    await writeRun(
      db,
      run(
        "20260102T000000Z-bbbb",
        { index_scores: scores([["A", 2, 1]]), x: { columns: ["v"], rows: [[1], [2]] } },
        "2026-01-02T00:00:00.000Z",
      ),
    );
    await writeRun(
      db,
      run(
        "20260102T120000Z-cccc",
        { index_scores: scores([["A", 3, 1]]) },
        "2026-01-02T12:00:00.000Z",
      ),
    );
  });

  it("lists runs newest first with table and row counts", async () => {
    const runs = await listRuns(db);
    expect(runs.map((r) => [r.id, r.tables, r.rows, r.status])).toEqual([
      ["20260102T120000Z-cccc", 1, 1, "complete"],
      ["20260102T000000Z-bbbb", 2, 3, "complete"],
      ["20260101T000000Z-aaaa", 1, 1, "complete"],
    ]);
    expect(runs[0]).toMatchObject({
      study: "asem",
      version: "0.1.0",
      node: "v20.0.0",
      synthetic: false,
    });
  });

  it("resolves latest, previous, ids and unique prefixes; names unknown and ambiguous ones", async () => {
    expect(await resolveRun(db, "latest")).toBe("20260102T120000Z-cccc");
    expect(await resolveRun(db, "previous")).toBe("20260102T000000Z-bbbb");
    expect(await resolveRun(db, "20260101")).toBe("20260101T000000Z-aaaa");
    expect(await resolveRun(db, "20260102T00")).toBe("20260102T000000Z-bbbb");
    await expect(resolveRun(db, "20260102")).rejects.toThrow(
      'run "20260102" is ambiguous: it starts 2 runs (20260102T120000Z-cccc, 20260102T000000Z-bbbb)',
    );
    await expect(resolveRun(db, "2025")).rejects.toThrow(
      'unknown run "2025"; runs in the store, newest first: 20260102T120000Z-cccc, 20260102T000000Z-bbbb, 20260101T000000Z-aaaa',
    );
    await expect(readRunTable(db, "latest", "nope")).rejects.toThrow(
      'run 20260102T120000Z-cccc has no table "nope"; its tables: index_scores',
    );
  });

  it("says there are no runs yet for a missing store, and has no previous run with one", async () => {
    const other = storePath(join(dir, "empty"));
    await expect(listRuns(other)).rejects.toThrow(
      `no runs yet: run softpower build ${join(dir, "empty")}`,
    );
    await writeRun(other, run("only", {}));
    await expect(resolveRun(other, "previous")).rejects.toThrow(/no previous run/);
  });
});

describe("run ids", () => {
  it("makeRunId: UTC time to the second and 4 hex of the config hash; sortable", () => {
    const id = makeRunId("2026-11-28T19:15:02.431Z", { a: 1 });
    expect(id).toMatch(/^20261128T191502Z-[0-9a-f]{4}$/);
    expect(makeRunId("2026-11-28T19:15:02.999Z", { a: 1 })).toBe(id);
    expect(makeRunId("2026-11-28T19:15:02Z", { a: 2 })).not.toBe(id);
    expect(makeRunId("2026-11-28T19:15:03Z", { a: 1 }) > id).toBe(true);
  });

  it("newRunId adds -2, -3 when the same config started in the same second", async () => {
    const t = "2026-11-28T19:15:02.431Z";
    const id1 = await newRunId(db, t, {});
    expect(id1).toBe(makeRunId(t, {}));
    await writeRun(db, { ...run(id1, {}), config: {} });
    const id2 = await newRunId(db, t, {});
    expect(id2).toBe(`${id1}-2`);
    await writeRun(db, { ...run(id2, {}), config: {} });
    expect(await newRunId(db, t, {})).toBe(`${id1}-3`);
  });
});

describe("diffRuns", () => {
  it("compares scores and ranks per unit, biggest rank moves first, units in one run last", async () => {
    await writeRun(
      db,
      run(
        "a",
        {
          index_scores: scores([
            ["AUT", 80, 1],
            ["BEL", 70, 2],
            ["CHN", 60, 3],
            ["DEU", 50, 4],
          ]),
        },
        "2026-01-01T00:00:00.000Z",
      ),
    );
    await writeRun(
      db,
      run(
        "b",
        {
          index_scores: scores([
            ["CHN", 85, 1],
            ["AUT", 79, 2],
            ["BEL", 71, 3],
            ["ESP", 40, 4],
          ]),
        },
        "2026-01-02T00:00:00.000Z",
      ),
    );
    const d = await diffRuns(db, "previous", "latest");
    expect(d.a).toBe("a");
    expect(d.b).toBe("b");
    expect(d.columns).toEqual([
      "uCode",
      "score_a",
      "score_b",
      "score_change",
      "rank_a",
      "rank_b",
      "rank_change",
      "in_a",
      "in_b",
    ]);
    expect(d.rows).toEqual([
      ["CHN", 60, 85, 25, 3, 1, -2, true, true],
      ["AUT", 80, 79, -1, 1, 2, 1, true, true],
      ["BEL", 70, 71, 1, 2, 3, 1, true, true],
      ["DEU", 50, null, null, 4, null, null, true, false],
      ["ESP", null, 40, null, null, 4, null, false, true],
    ]);
    await expect(diffRuns(db, "a", "b", { rank: "Rank" })).rejects.toThrow(
      'diff: table index_scores of run a has no column "Rank"; its columns: uCode, score, rank',
    );
  });
});
