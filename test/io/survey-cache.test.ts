/**
 * The parsed-.sav cache: the cached frame equals a fresh parse, and a damaged entry is ignored
 * and rewritten (real data: Pew 2005, skipped without ../shared).
 */
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSurveyFrame, readSurveyFrameCached } from "../../src/io/survey-data.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("readSurveyFrameCached", () => {
  it("returns the same frame as a fresh parse, from the cache the second time, and survives a damaged entry", async () => {
    const sav = sharedPath("survey", "pew-2005", "pew_gap_2005_6country.sav");
    const dir = await mkdtemp(join(tmpdir(), "softpower-cache-"));
    const fresh = await readSurveyFrame(sav);
    const first = await readSurveyFrameCached(sav, dir);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^frame-[0-9a-f]{64}-.+\.v8$/);
    const second = await readSurveyFrameCached(sav, dir);
    for (const f of [first, second]) {
      expect(f.n).toBe(fresh.n);
      expect([...f.columns.keys()]).toEqual([...fresh.columns.keys()]);
      expect(f.columns).toEqual(fresh.columns);
    }
    await writeFile(join(dir, files[0]!), "not a v8 value");
    const third = await readSurveyFrameCached(sav, dir);
    expect(third.columns).toEqual(fresh.columns);
  }, 120_000);
});
