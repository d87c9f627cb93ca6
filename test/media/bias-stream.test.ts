/**
 * media bias streaming in DuckDB (media/bias-patterns.ts via biasTable): the same estimate as the
 * in-memory estimateBias over the same rows, one file and a folder of Parquet parts give the same
 * table to the last digit, and bad input (missing columns, a folder without parts, a missing
 * path) exits 2 naming the file and the column.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duckQuery, sqlString } from "../../src/io/duck.ts";
import { estimateBias } from "../../src/media/bias.ts";
import { biasTable } from "../../src/tasks/media.ts";
import { expectClose } from "../helpers/expectClose.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "softpower-bias-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["bin/softpower.js", "media", "bias", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });

const COLUMNS = [
  "article_id",
  "date",
  "outlet",
  "outlet_country",
  "target",
  "via",
  "entity",
  "sentence_index",
  "tone",
  "label",
  "frames",
];

/** Synthetic mentions: 400 articles of 1–12 mentions, multi-label frames, 14 months, bad dates. */
function mentionsCsv(): string {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const frames = ["", "economy", "security", "security;economy", "economy;security;tech", "tech"];
  const lines = [COLUMNS.join(",")];
  for (let a = 0; a < 400; a++) {
    const country = pick(["USA", "GBR"]);
    const month = 1 + Math.floor(rnd() * 14);
    const date =
      a % 37 === 0
        ? "not a date"
        : `${2020 + Math.floor((month - 1) / 12)}-${String(((month - 1) % 12) + 1).padStart(2, "0")}-0${1 + (a % 9)}`;
    const m = 1 + Math.floor(rnd() * 12);
    for (let s = 0; s < m; s++) {
      const target = pick(["CHN", "CHN", "JPN", "DEU", "USA", "FRA"]);
      // full doubles (the target-tone model's scores) and 4-decimal VADER-like tones
      const tone = s % 3 === 0 ? rnd() * 2 - 1 : Math.round((rnd() * 2 - 1) * 1e4) / 1e4;
      const label = tone < -0.05 ? "negative" : tone > 0.05 ? "positive" : "neutral";
      lines.push(
        [
          `art${a}`,
          date,
          pick(["Daily A", "Times B"]),
          country,
          target,
          "name",
          target,
          s,
          tone,
          label,
          pick(frames),
        ].join(","),
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const file = join(dir, "m.csv");
const parquet = join(dir, "m.parquet");
const folder = join(dir, "parts");
const opts = {
  field: "outlet_country" as const,
  value: "USA",
  target: "CHN",
  compare: ["JPN", "DEU", "FRA"],
  period: "month",
  level: 0.95,
};

beforeAll(async () => {
  writeFileSync(file, mentionsCsv());
  mkdirSync(folder);
  const src = `read_csv(${sqlString(file)}, header = true, types = {'tone': 'DOUBLE', 'date': 'VARCHAR', 'frames': 'VARCHAR'})`;
  // three parts in another row order than the file
  await duckQuery([
    `COPY (SELECT * FROM ${src}) TO ${sqlString(parquet)} (FORMAT parquet)`,
    ...[0, 1, 2].map(
      (k) =>
        `COPY (SELECT * FROM ${src} WHERE hash(article_id) % 3 = ${k} ORDER BY tone DESC) TO ${sqlString(join(folder, `part-${k}.parquet`))} (FORMAT parquet)`,
    ),
  ]);
});

describe("media bias in DuckDB", () => {
  it("equals estimateBias over the same rows (1e-12) in groups with frames, months and bad dates", async () => {
    for (const o of [opts, { ...opts, value: "GBR", period: "year" }, { ...opts, period: "day" }]) {
      const rows = await duckQuery([
        `SELECT tone, target, coalesce(frames, '') AS frames,
           strftime(TRY_CAST(date AS DATE), ${sqlString(o.period === "month" ? "%Y-%m" : o.period === "year" ? "%Y" : "%Y-%m-%d")}) AS period, article_id
         FROM read_csv(${sqlString(file)}, header = true, types = {'tone': 'DOUBLE', 'date': 'VARCHAR', 'frames': 'VARCHAR'})
         WHERE outlet_country = ${sqlString(o.value)} AND target IN ('CHN', 'JPN', 'DEU', 'FRA')`,
      ]);
      const ref = estimateBias(
        rows.map((r) => ({
          tone: Number(r.tone),
          isTarget: r.target === "CHN",
          frames: String(r.frames).split(";").filter(Boolean),
          period: String(r.period ?? ""),
          article: String(r.article_id),
        })),
      );
      expect(ref.parameters).toBeGreaterThan(5);
      const t = await biasTable(file, o);
      const got = Object.fromEntries(t.columns.map((c, k) => [c, t.rows[0]![k]]));
      for (const k of ["n_mentions", "n_articles", "n_target", "n_compare"] as const)
        expect(got[k]).toBe(ref[k]);
      for (const k of ["estimate", "se", "ci_low", "ci_high", "raw_difference"] as const)
        expectClose(got[k] as number, ref[k], { rtol: 1e-12 });
    }
  });
  it("one CSV file, one Parquet file and a folder of parts in another order: the same digits", async () => {
    const a = await biasTable(file, opts);
    expect(await biasTable(parquet, opts)).toEqual(a);
    expect(await biasTable(folder, opts)).toEqual(a);
    const args = ["--group", "outlet_country=USA", "--target", "CHN", "--compare", "JPN,DEU,FRA"];
    const one = cli("--mentions", file, ...args);
    expect(one.status, one.stderr).toBe(0);
    expect(cli("--mentions", folder, ...args).stdout).toBe(one.stdout);
  });
  it("exits 2 naming the file and column for missing columns, a folder without parts, a missing path", async () => {
    const args = ["--group", "outlet_country=USA", "--target", "CHN", "--compare", "JPN"];
    const noTone = join(dir, "no-tone.csv");
    writeFileSync(noTone, "article_id,date,outlet_country,target,frames\na,2020-01-01,USA,CHN,\n");
    let r = cli("--mentions", noTone, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-tone\.csv: mentions without the column\(s\) tone/);
    // summarise checks its columns the same way
    const s = spawnSync(
      process.execPath,
      ["bin/softpower.js", "media", "summarise", "--mentions", noTone, "--by", "target"],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/no-tone\.csv: mentions without the column\(s\) tone, label/);
    const badParts = join(dir, "bad-parts");
    mkdirSync(badParts);
    await duckQuery([
      `COPY (SELECT * FROM read_parquet(${sqlString(join(folder, "part-0.parquet"))})) TO ${sqlString(join(badParts, "part-a.parquet"))} (FORMAT parquet)`,
      `COPY (SELECT * EXCLUDE (frames) FROM read_parquet(${sqlString(join(folder, "part-1.parquet"))})) TO ${sqlString(join(badParts, "part-b.parquet"))} (FORMAT parquet)`,
    ]);
    r = cli("--mentions", badParts, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/part-b\.parquet: mentions without the column\(s\) frames/);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    r = cli("--mentions", empty, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/empty: a folder without part-\*\.parquet files/);
    r = cli("--mentions", join(dir, "nowhere.parquet"), ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nowhere\.parquet: no such mentions file or folder/);
  });
});
