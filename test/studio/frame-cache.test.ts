/**
 * The workbench's parsed-frame cache (src/studio/frame-cache.ts): one parse per file content,
 * shared by concurrent requests; a new modification time parses again; a failed parse is not
 * kept; a missing file is an InputError naming it.
 */
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { surveyFrame } from "../../src/studio/frame-cache.ts";

let tmp = "";
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("surveyFrame cache", () => {
  it("parses once per content, shares concurrent parses, re-parses a changed file", async () => {
    tmp = await mkdtemp(join(tmpdir(), "softpower-frame-cache-"));
    const f = join(tmp, "a.csv");
    await writeFile(f, "x,y\n1,2\n3,4\n");
    const [a, b] = await Promise.all([surveyFrame(f), surveyFrame(f)]);
    expect(a).toBe(b);
    expect(await surveyFrame(f)).toBe(a);
    expect(a.n).toBe(2);
    await writeFile(f, "x,y\n1,2\n3,4\n5,6\n");
    await utimes(f, new Date("2026-01-02T00:00:00Z"), new Date("2026-01-02T00:00:00Z"));
    const c = await surveyFrame(f);
    expect(c).not.toBe(a);
    expect(c.n).toBe(3);
  });

  it("does not keep a failed parse; a missing file is an InputError naming it", async () => {
    const f = join(tmp, "bad.csv");
    await writeFile(f, 'x,y\n1,"2\n');
    await expect(surveyFrame(f)).rejects.toThrow(InputError);
    await writeFile(f, "x,y\n1,2\n");
    await utimes(f, new Date("2026-01-03T00:00:00Z"), new Date("2026-01-03T00:00:00Z"));
    expect((await surveyFrame(f)).n).toBe(1);
    await expect(surveyFrame(join(tmp, "none.csv"))).rejects.toThrow(/none\.csv: cannot read/);
  });
});
