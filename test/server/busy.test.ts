/**
 * A store another process is writing (as `softpower build` does): the server answers from what
 * it has cached (the last run list, tables already read), 503 with Retry-After for what it would
 * have to read, and reads again once the writer has gone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { storePath } from "../../src/store/db.ts";
import { miniRun, miniScores, ROOT, writeStudy } from "./helpers.ts";

let tmp: string;
let writer: ChildProcess | undefined;

/** A child process that opens the store for writing, changes it, and holds it until stdin ends. */
const HOLD = `
import { DuckDBInstance } from "@duckdb/node-api";
const instance = await DuckDBInstance.create(process.argv[1]);
const conn = await instance.connect();
await conn.run("CREATE TABLE IF NOT EXISTS scratch (x INTEGER)");
await conn.run("INSERT INTO scratch VALUES (1)");
process.stdout.write("holding\\n");
process.stdin.resume();
process.stdin.on("end", () => { conn.closeSync(); instance.closeSync(); process.exit(0); });
`;

function holdStore(dbPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", HOLD, dbPath], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      if (d.includes("holding")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`store holder exited (${code})`)));
  });
}

async function release(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once("exit", r));
  child.stdin!.end();
  await gone;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "softpower-server-busy-"));
  await writeStudy(join(tmp, "s"), "S", [
    miniRun("20260101T000000Z-aaaa", "2026-01-01T00:00:00.000Z", {
      index_scores: miniScores(0),
      findings: { columns: ["id"], rows: [["f"]] },
    }),
  ]);
});

afterAll(async () => {
  if (writer && writer.exitCode === null) writer.kill("SIGKILL");
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("a store being written by another process", () => {
  it("serves what is cached, 503s what is not, and recovers when the writer is done", async () => {
    const warm = createApp({ studies: [{ id: "s", dir: join(tmp, "s") }] });
    const cold = createApp({ studies: [{ id: "s", dir: join(tmp, "s") }] });
    const scores = "/api/studies/s/runs/latest/tables/index_scores";
    const findings = "/api/studies/s/runs/latest/findings";
    const first = await (await warm.request(scores)).json();
    writer = await holdStore(storePath(join(tmp, "s")));

    const cached = await warm.request(scores);
    expect(cached.status).toBe(200);
    expect(await cached.json()).toEqual(first);
    expect((await warm.request("/api/studies/s/runs")).status).toBe(200);

    const uncached = await warm.request(findings);
    expect(uncached.status).toBe(503);
    expect(uncached.headers.get("retry-after")).toBe("1");
    expect(uncached.headers.get("cache-control")).toBe("no-store");
    expect(await uncached.json()).toEqual({
      error:
        "the store of study s is being written by another process (a build); try again in a moment",
    });
    expect((await cold.request("/api/studies/s/runs")).status).toBe(503);

    await release(writer);
    const after = await warm.request(findings);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { rows: unknown[] }).rows).toEqual([["f"]]);
    expect((await cold.request("/api/studies/s/runs")).status).toBe(200);
  });
});
