import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGkgLine } from "../../src/io/gdelt.ts";

const FIX = resolve("test/fixtures/gdelt");
const dir = mkdtempSync(join(tmpdir(), "sp-gdelt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (args: string[]) =>
  spawnSync(process.execPath, [resolve("bin/softpower.js"), ...args], {
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC" },
  });
const lines = (f: string) => readFileSync(join(FIX, f), "utf8").trimEnd().split("\n");

describe("GDELT GKG 2.1 as a corpus source", () => {
  it("a record gives its date, outlet, GDELT's tone, countries from locations and from persons/organisations", () => {
    const r = parseGkgLine(lines("good/20240301120000.gkg.csv")[0]!, 1, "x.gkg.csv");
    if ("bad" in r) throw new Error(r.reason);
    expect(r).toMatchObject({
      id: "20240301120000-0",
      date: "2024-03-01",
      outlet: "bbc.co.uk",
      tone: -2.5,
    });
    const t = r.targets.map((x) => `${x.target}:${x.via}`).sort();
    expect(t).toContain("CHN:gdelt_location"); // Beijing, Beijing, China
    expect(t).toContain("USA:gdelt_location");
    expect(t).toContain("CHN:gdelt_company"); // huawei, from the company registry
    expect(
      t.some(
        (x) => x.startsWith("CHN:gdelt_") && !x.endsWith("location") && !x.endsWith("company"),
      ),
    ).toBe(true); // xi jinping
    // V1 Locations when V2 is empty
    const v1 = parseGkgLine(lines("good/20240301120000.gkg.csv")[2]!, 3, "x.gkg.csv");
    expect("bad" in v1 ? [] : v1.targets.map((x) => x.target)).toEqual(["DEU"]);
  });

  it("media score reads GKG files; media summarise aggregates GDELT's tone by outlet country x target", () => {
    const m = join(dir, "m.csv");
    const s = cli([
      "media",
      "score",
      "--corpus",
      join(FIX, "good"),
      "--fields",
      join(FIX, "map.json"),
      "--out",
      m,
      "--threads",
      "1",
    ]);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/Scored 3 articles/);
    const sum = cli([
      "media",
      "summarise",
      "--mentions",
      m,
      "--by",
      "outlet_country,target,via",
      "--bootstrap",
      "0",
    ]);
    expect(sum.status, sum.stderr).toBe(0);
    const row = sum.stdout.split("\n").find((l) => l.startsWith("GBR,CHN,gdelt_location,"));
    expect(row?.split(",").slice(3, 6)).toEqual(["1", "1", "-2.5"]);
    expect(sum.stdout).toMatch(/^USA,JPN,gdelt_location,1,1,3\.25,/m);
  });

  it("malformed records: clear errors with line numbers; --skip-bad skips them", () => {
    const m = join(dir, "bad.csv");
    const args = ["media", "score", "--corpus", join(FIX, "bad"), "--out", m, "--threads", "1"];
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/3 bad record\(s\)/);
    expect(r.stderr).toMatch(
      /20240301121500\.gkg\.csv line 2: expected 27 tab-separated fields \(GKG 2\.1\), got 20/,
    );
    expect(r.stderr).toMatch(/line 3: DATE "20241302083000" is not YYYYMMDDHHMMSS/);
    expect(r.stderr).toMatch(
      /line 4: V2Locations block 1 "4#Beijing, China": expected 9 #-separated fields, got 2/,
    );
    const skip = cli([...args, "--skip-bad"]);
    expect(skip.status, skip.stderr).toBe(0);
    expect(skip.stdout).toMatch(/Scored 2 articles: \d+ mentions, 3 bad records skipped/);
  });
});
