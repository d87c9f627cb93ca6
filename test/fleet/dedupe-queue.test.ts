/** media score --queue with a field map's dedupe: a clear exit-2 message (checked before Redis). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "sp-dedupe-queue-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("media score --queue with dedupe", () => {
  it("exits 2 saying why and what to do", () => {
    writeFileSync(
      join(dir, "c.jsonl"),
      `${JSON.stringify({ id: "1", text: "China met Japan." })}\n`,
    );
    writeFileSync(
      join(dir, "map.json"),
      JSON.stringify({ fields: { id: "id", text: "text" }, dedupe: ["id"] }),
    );
    const r = spawnSync(
      process.execPath,
      [
        "bin/softpower.js",
        "media",
        "score",
        "--corpus",
        join(dir, "c.jsonl"),
        "--fields",
        join(dir, "map.json"),
        "--queue",
        "redis://127.0.0.1:1/0",
        "--out",
        join(dir, "out"),
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/dedupe/);
    expect(r.stderr).toMatch(/Deduplicate the corpus files before scoring/);
  });
});
