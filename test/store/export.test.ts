/**
 * exportRun: the out folder is a symlink to a complete export folder, swapped atomically; an old
 * real out folder is moved aside once; the newest 5 export folders are kept; a process killed with
 * SIGKILL mid-export leaves out/ showing one whole run (old or new), never a mix or nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { type ExportedTable, exportRun } from "../../src/store/export.ts";
import type { RunRecord } from "../../src/store/types.ts";
import { bigRun, bigTable } from "../fixtures/store/big-run.ts";
import { kill9, spawnTsx } from "../helpers/child.ts";

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/store/child.ts");

let dir: string;
let out: string;
let exportsDir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-export-"));
  out = join(dir, "out");
  exportsDir = join(dir, ".softpower", "exports");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function small(id: string, rows = 3): RunRecord {
  const run = bigRun(id, 0, 1, new Date("2026-01-01T00:00:00Z"));
  run.tables = {
    index_scores: {
      columns: ["uCode", "score", "rank"],
      rows: [
        ["AUT", 70.5, 1],
        ["BEL", Number.NaN, null],
      ],
    },
    big: bigTable(rows, 2, 5),
  };
  return run;
}

/** What out/ shows: the run id, after checking tables.json against run.json and every file. */
function readOut(): { id: string; tables: ExportedTable[] } {
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as {
    id: string;
    tables?: unknown;
  };
  const index = JSON.parse(readFileSync(join(out, "tables.json"), "utf8")) as {
    run: string;
    tables: ExportedTable[];
  };
  expect(run.tables).toBeUndefined();
  expect(index.run).toBe(run.id);
  for (const t of index.tables) {
    const csv = parseCsv(readFileSync(join(out, t.file), "utf8"), t.file);
    expect(csv.columns).toEqual(t.columns);
    expect(csv.rows.length, `${t.file} of ${run.id}`).toBe(t.rows);
  }
  return { id: run.id, tables: index.tables };
}

describe("exportRun", () => {
  it("writes CSV per table, run.json and tables.json, and points out/ at the export folder", async () => {
    await exportRun(out, small("run-1"));
    expect((await lstat(out)).isSymbolicLink()).toBe(true);
    expect(await readlink(out)).toBe(join(".softpower", "exports", "run-1"));
    const { id, tables } = readOut();
    expect(id).toBe("run-1");
    expect(tables).toEqual([
      {
        name: "index_scores",
        file: "index_scores.csv",
        columns: ["uCode", "score", "rank"],
        rows: 2,
      },
      {
        name: "big",
        file: "big.csv",
        columns: ["uCode", "rank", "ind_0", "ind_1", "label"],
        rows: 3,
      },
    ]);
    expect(await readFile(join(out, "index_scores.csv"), "utf8")).toBe(
      "uCode,score,rank\nAUT,70.5,1\nBEL,NA,NA\n",
    );
    const run = JSON.parse(await readFile(join(out, "run.json"), "utf8"));
    expect(run).toMatchObject({
      id: "run-1",
      study: "crash",
      synthetic: true,
      node: process.version,
    });

    await exportRun(out, small("run-2", 5));
    expect(readOut().id).toBe("run-2");
    expect((await readdir(exportsDir)).sort()).toEqual(["run-1", "run-2"]);
    // Exporting the same run again makes a new folder rather than writing into the one in use.
    await exportRun(out, small("run-2", 6));
    expect(await readlink(out)).toBe(join(".softpower", "exports", "run-2~2"));
    expect(readOut().tables[1]!.rows).toBe(6);
  });

  it("moves an existing real out/ folder aside, keeping its files", async () => {
    await mkdir(join(out, "stages"), { recursive: true });
    await writeFile(join(out, "results.csv"), "old\n");
    await exportRun(out, small("run-1"));
    expect(readOut().id).toBe("run-1");
    const legacy = (await readdir(exportsDir)).filter((n) => n.startsWith("legacy-"));
    expect(legacy).toHaveLength(1);
    expect(await readFile(join(exportsDir, legacy[0]!, "results.csv"), "utf8")).toBe("old\n");
  });

  it("refuses an out path that is a file, and odd table names", async () => {
    await writeFile(out, "x");
    await expect(exportRun(out, small("run-1"))).rejects.toThrow(/is a file/);
    await rm(out);
    const bad = small("run-1");
    bad.tables = { "../evil": { columns: [], rows: [] } };
    await expect(exportRun(out, bad)).rejects.toThrow(/table name "..\/evil" is not allowed/);
    await expect(exportRun(out, small("../x"))).rejects.toThrow(/cannot name a folder/);
  });

  it("keeps the newest 5 export folders and never deletes the one out/ points at", async () => {
    for (let k = 1; k <= 7; k++) {
      await exportRun(out, small(`run-${k}`));
      // Distinct, increasing modification times whatever the file system's resolution.
      await utimes(join(exportsDir, `run-${k}`), k * 1000, k * 1000);
    }
    expect((await readdir(exportsDir)).sort()).toEqual([
      "run-3",
      "run-4",
      "run-5",
      "run-6",
      "run-7",
    ]);
    // out/ at an old folder (as if exported long ago): the pruning keeps it anyway.
    await utimes(join(exportsDir, "run-7"), 1, 1);
    await exportRun(out, small("run-8"), { keep: 2 });
    expect((await readdir(exportsDir)).sort()).toEqual(["run-6", "run-8"]);
    await utimes(join(exportsDir, "run-8"), 1, 1);
    await exportRun(out, small("run-9"), { keep: 1 });
    expect((await readdir(exportsDir)).sort()).toEqual(["run-9"]);
  });

  it("shows one whole run in out/ (old or new) whenever an export is killed with SIGKILL", async () => {
    const ROWS = 30_000;
    // The child alternates "exp-a" (ROWS rows) and "exp-b" (2 ROWS rows) in table "big".
    const expectRows = (id: string) => (id === "exp-a" ? ROWS : 2 * ROWS);
    await exportRun(out, small("before"));
    const seen: string[] = [];
    let last = "before";
    for (const delay of [0, 5, 20, 50, 100, 200, 350, 600, 900, 1300]) {
      const c = spawnTsx(CHILD, ["export", out, String(ROWS)]);
      await c.waitFor(/^ready$/);
      await new Promise((r) => setTimeout(r, delay));
      await kill9(c);
      const { id, tables } = readOut();
      if (id !== "before") expect(tables.find((t) => t.name === "big")?.rows).toBe(expectRows(id));
      // The last export the child reported is what out/ shows, or the one it was making after it.
      const reported = c.lines.filter((l) => l.startsWith("exported ")).map((l) => l.slice(9));
      if (reported.length > 0)
        expect([reported.at(-1), reported.at(-1) === "exp-a" ? "exp-b" : "exp-a"]).toContain(id);
      else expect([last, "exp-a"]).toContain(id);
      seen.push(`${delay} ms: ${reported.length} exported, out/ = ${id}`);
      last = id;
    }
    // The leftovers of killed exports are cleared by the next export; at most 5 folders stay.
    await exportRun(out, small("after"));
    expect(readOut().id).toBe("after");
    const left = await readdir(exportsDir);
    expect(left.filter((n) => n.startsWith(".")).length).toBe(0);
    expect(left.length).toBeLessThanOrEqual(5);
    expect(existsSync(join(dir, ".out.link-0"))).toBe(false);
    expect((await readdir(dir)).filter((n) => n.startsWith(".out.link-"))).toEqual([]);
    console.log(`export kill outcomes (kill after "ready"):\n  ${seen.join("\n  ")}`);
  }, 120_000);
});
