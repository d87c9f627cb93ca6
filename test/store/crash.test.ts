/**
 * Crash safety of the store: a writer killed with SIGKILL at any moment (while appending, while
 * COMMIT is in progress, after it) leaves the earlier runs intact and every listed run complete;
 * committed runs survive; the store stays writable. A second process gets a clear "in use" error.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePath } from "../../src/store/db.ts";
import { listRuns, readRun, readRunTable } from "../../src/store/read.ts";
import type { RunRecord } from "../../src/store/types.ts";
import { writeRun } from "../../src/store/write-run.ts";
import { bigRun } from "../fixtures/store/big-run.ts";
import { kill9, spawnTsx } from "../helpers/child.ts";

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/store/child.ts");
const ROWS = 200_000;

let dir: string;
let db: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-crash-"));
  db = storePath(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = (x: unknown) =>
  createHash("sha256")
    .update(
      JSON.stringify(x, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)),
    )
    .digest("hex");

/** Checksum of a run's tables as written (NaN, undefined → null as the store keeps them). */
const expectedSum = (run: RunRecord) =>
  sha(
    Object.entries(run.tables).map(([n, t]) => [
      n,
      t.columns,
      t.rows.map((r) => r.map((v) => (v === undefined || Number.isNaN(v) ? null : v))),
    ]),
  );

/** Checksum of a run's tables as read back. */
async function storedSum(id: string): Promise<string> {
  const info = await readRun(db, id);
  const tables = [];
  for (const n of info.tables) {
    const t = await readRunTable(db, id, n);
    tables.push([n, t.columns, t.rows]);
  }
  return sha(tables);
}

const verified = new Set<string>();

/** The store after a kill: earlier runs intact, every listed run complete and equal to what was written. */
async function verify(baseSum: string, committed: string[]): Promise<string[]> {
  const runs = await listRuns(db);
  const ids = runs.map((r) => r.id);
  expect(ids).toContain("base");
  expect(await storedSum("base")).toBe(baseSum);
  for (const id of committed) expect(ids, `${id} reported done but is missing`).toContain(id);
  for (const r of runs) {
    expect(r.status, `run ${r.id}`).toBe("complete");
    const m = /^crash-(\d+)-(\d+)$/.exec(r.id);
    if (!m || verified.has(r.id)) continue;
    expect(r.rows).toBe(ROWS);
    expect(await storedSum(r.id)).toBe(
      expectedSum(bigRun(r.id, ROWS, Number(m[1]) * 1000 + Number(m[2]))),
    );
    verified.add(r.id);
  }
  return ids;
}

describe("store crash safety (SIGKILL)", () => {
  it("keeps earlier runs intact and listed runs complete, whenever the writer is killed", async () => {
    const base = bigRun("base", 20_000, 7, new Date("2026-01-01T00:00:00Z"));
    await writeRun(db, base);
    const baseSum = expectedSum(base);
    expect(await storedSum("base")).toBe(baseSum);
    const outcomes: string[] = [];
    let seed = 1;

    // Killed by the parent some time after the transaction began (appending, committing, or on the next run).
    for (const delay of [5, 50, 200, 600, 1500]) {
      const c = spawnTsx(CHILD, ["write", db, String(ROWS), String(seed++)]);
      await c.waitFor(/^begin /);
      await new Promise((r) => setTimeout(r, delay));
      await kill9(c);
      const done = c.lines.filter((l) => l.startsWith("done ")).map((l) => l.slice(5));
      const ids = await verify(baseSum, done);
      outcomes.push(
        `kill ${delay} ms after BEGIN: last line "${c.lines.at(-1)}", ${ids.length - 1} other run(s) stored`,
      );
    }
    // Killed by the parent some time after hearing that COMMIT is being sent: during COMMIT, or
    // after it while the store is closed (DuckDB checkpoints its write-ahead log on close).
    for (const delay of [0, 30, 100, 250]) {
      const c = spawnTsx(CHILD, ["write", db, String(ROWS), String(seed++)]);
      const line = await c.waitFor(/^commit /);
      await new Promise((r) => setTimeout(r, delay));
      await kill9(c);
      const done = c.lines.filter((l) => l.startsWith("done ")).map((l) => l.slice(5));
      const ids = await verify(baseSum, done);
      outcomes.push(
        `kill ${delay} ms after "${line}": last line "${c.lines.at(-1)}", run ${ids.includes(line.slice(7)) ? "stored whole" : "absent"}`,
      );
    }
    // Killed by itself while COMMIT is in progress (a timer fires while DuckDB commits off the main thread).
    for (const ms of [0, 5, 20, 60]) {
      const s = seed++;
      const c = spawnTsx(CHILD, ["commit-kill", db, String(ROWS), String(s)]);
      const exit = await c.exited;
      expect(exit.signal, c.stderr()).toBe("SIGKILL");
      expect(c.lines).toContain(`commit crash-${s}-0`);
      const finished = c.lines.includes(`done crash-${s}-0`);
      const ids = await verify(baseSum, finished ? [`crash-${s}-0`] : []);
      outcomes.push(
        `self-kill ${ms} ms into COMMIT: COMMIT ${finished ? "had returned" : "had not returned"}, run ${ids.includes(`crash-${s}-0`) ? "stored whole" : "absent"}`,
      );
    }
    console.log(`store crash outcomes:\n  ${outcomes.join("\n  ")}`);

    // Still writable, and the earlier runs still read back.
    const after = bigRun("after", 1000, 99, new Date("2030-01-01T00:00:00Z"));
    await writeRun(db, after);
    expect(await storedSum("after")).toBe(expectedSum(after));
    await verify(baseSum, []);
  }, 180_000);

  it("tells a second writer (or reader) that study.duckdb is in use by another process", async () => {
    const c = spawnTsx(CHILD, ["hold", db]);
    try {
      await c.waitFor(/^holding$/);
      const busy = /study\.duckdb is in use by another process \(PID \d+\)/;
      await expect(writeRun(db, bigRun("blocked", 10, 1))).rejects.toThrow(busy);
      await expect(listRuns(db)).rejects.toThrow(busy);
    } finally {
      await kill9(c);
    }
    await writeRun(db, bigRun("unblocked", 10, 1, new Date("2031-01-01T00:00:00Z")));
    expect((await listRuns(db))[0]!.id).toBe("unblocked");
  });
});
