/**
 * media summarise's article bootstrap in DuckDB equals summariseTone over the same cells (the
 * hash-based Poisson bootstrap of src/media/bootstrap-weights.ts), on one CSV and on the same
 * mentions split into Parquet parts (a fleet's output folder).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duckQuery, sqlString } from "../../src/io/duck.ts";
import { summariseTone } from "../../src/media/aggregate.ts";
import { summariseMentions } from "../../src/tasks/media.ts";
import { expectClose } from "../helpers/expectClose.ts";

let dir = "";
const HEAD =
  "article_id,date,outlet,outlet_country,target,via,entity,sentence_index,tone,label,frames";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sp-sumboot-"));
  let seed = 5;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const lines = [HEAD];
  for (let a = 0; a < 3000; a++) {
    const country = ["USA", "GBR", "DEU"][a % 3]!;
    const month = `2024-0${1 + (a % 4)}-15`;
    const k = 1 + Math.floor(rnd() * 5);
    for (let s = 0; s < k; s++) {
      const tone = Math.round((rnd() * 2 - 1) * 1e4) / 1e4;
      const label = tone <= -0.05 ? "negative" : tone >= 0.05 ? "positive" : "neutral";
      const target = ["CHN", "JPN"][Math.floor(rnd() * 2)]!;
      lines.push(`art-${a},${month},o${a % 7},${country},${target},name,,${s},${tone},${label},`);
    }
  }
  writeFileSync(join(dir, "m.csv"), `${lines.join("\n")}\n`);
  const parts = join(dir, "parts");
  await duckQuery([
    `COPY (SELECT * FROM read_csv(${sqlString(join(dir, "m.csv"))}, header = true, types = {'tone': 'DOUBLE', 'sentence_index': 'INTEGER', 'article_id': 'VARCHAR', 'date': 'VARCHAR', 'frames': 'VARCHAR', 'entity': 'VARCHAR'}))
     TO ${sqlString(parts)} (FORMAT parquet, PARTITION_BY (outlet_country), FILENAME_PATTERN 'x{i}')`,
  ]);
  // flatten into part-*.parquet as a fleet writes them
  const files = await duckQuery([
    `SELECT file FROM glob(${sqlString(join(parts, "**", "*.parquet"))}) ORDER BY file`,
  ]);
  const out = join(dir, "fleet");
  await duckQuery(
    files.map(
      (f, i) =>
        `COPY (SELECT * FROM read_parquet(${sqlString(String(f.file))}, hive_partitioning = true)) TO ${sqlString(join(out, `part-${i}.parquet`))} (FORMAT parquet)`,
    ),
  ).catch(async () => {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(out, { recursive: true });
    await duckQuery(
      files.map(
        (f, i) =>
          `COPY (SELECT * FROM read_parquet(${sqlString(String(f.file))}, hive_partitioning = true)) TO ${sqlString(join(out, `part-${i}.parquet`))} (FORMAT parquet)`,
      ),
    );
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("media summarise: article bootstrap in DuckDB", () => {
  it("equals summariseTone over the article cells with DuckDB's buckets", async () => {
    const by = ["outlet_country", "target", "month"];
    const t = await summariseMentions(join(dir, "m.csv"), by, { bootstrap: 300, seed: 7 });
    const cells = await duckQuery([
      `SELECT outlet_country, target, strftime(CAST(date AS DATE), '%Y-%m') AS month,
         CAST(hash(article_id) % 1024 AS INTEGER) AS bucket, count(*) AS n, sum(tone) AS tone,
         count_if(label = 'negative') AS neg, count_if(label = 'positive') AS pos
       FROM read_csv(${sqlString(join(dir, "m.csv"))}, header = true, types = {'article_id': 'VARCHAR', 'date': 'VARCHAR', 'tone': 'DOUBLE'})
       GROUP BY outlet_country, target, month, article_id, bucket`,
    ]);
    expect(t.rows.length).toBe(3 * 2 * 4);
    for (const row of t.rows) {
      const mine = cells
        .filter((c) => c.outlet_country === row[0] && c.target === row[1] && c.month === row[2])
        .map((c) => ({
          n: Number(c.n),
          tone: Number(c.tone),
          neg: Number(c.neg),
          pos: Number(c.pos),
          bucket: Number(c.bucket),
        }));
      const s = summariseTone(mine, { replicates: 300, seed: 7 });
      const got = Object.fromEntries(t.columns.map((c, i) => [c, row[i]]));
      expect(got.mentions).toBe(s.mentions);
      expect(got.articles).toBe(s.articles);
      for (const k of Object.keys(s) as (keyof typeof s)[])
        expectClose(Number(got[k]), s[k], { rtol: 1e-12, atol: 1e-15 });
      expect(s.mean_tone_lo).toBeLessThan(s.mean_tone);
      expect(s.mean_tone_hi).toBeGreaterThan(s.mean_tone);
    }
  });
  it("gives the same table from a folder of Parquet parts; other seeds give other intervals", async () => {
    const by = ["outlet_country", "target"];
    const a = await summariseMentions(join(dir, "m.csv"), by, { bootstrap: 200, seed: 3 });
    const b = await summariseMentions(join(dir, "fleet"), by, { bootstrap: 200, seed: 3 });
    expect(b.rows.length).toBe(a.rows.length);
    for (const [i, r] of a.rows.entries())
      for (const [j, v] of r.entries()) {
        if (typeof v === "number")
          expectClose(Number(b.rows[i]![j]), v, { rtol: 1e-12, atol: 1e-15 });
        else expect(b.rows[i]![j]).toBe(v);
      }
    const c = await summariseMentions(join(dir, "m.csv"), by, { bootstrap: 200, seed: 4 });
    expect(c.rows[0]![4]).toBe(a.rows[0]![4]);
    expect(c.rows[0]![5]).not.toBe(a.rows[0]![5]);
  });
  it("rejects a seed that is not an unsigned 32-bit integer", async () => {
    await expect(
      summariseMentions(join(dir, "m.csv"), ["target"], { bootstrap: 10, seed: -1 }),
    ).rejects.toThrow(/seed/);
  });
});
