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

describe("media summarise: articles and periods over awkward mentions", () => {
  // Frames, empty entities (NULL keys), an unreadable date (NULL period), a missing article id
  // (one article, as a group of its own), tones beyond ±1 and with 17 significant digits.
  let csv = "";
  type Row = {
    a: string;
    date: string;
    outlet: string;
    entity: string;
    frames: string;
    tone: number;
    label: string;
  };
  const rows: Row[] = [];
  beforeAll(() => {
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const dates = ["2024-01-31", "2024-02-01", "2024-2-9", "not a date", "", "2023-12-31"];
    for (let a = 0; a < 500; a++) {
      const k = 1 + Math.floor(rnd() * 4);
      const date = dates[a % dates.length]!;
      for (let s = 0; s < k; s++) {
        const tone = [1, -1, 1.5, rnd() * 2 - 1][Math.floor(rnd() * 4)]!;
        rows.push({
          a: a % 97 === 0 ? "" : `a${a}`,
          date,
          outlet: `o${a % 3}`,
          entity: rnd() < 0.3 ? "" : `e${Math.floor(rnd() * 3)}`,
          frames: ["", "economy", "economy;security", "none"][Math.floor(rnd() * 4)]!,
          tone,
          label: tone < -0.05 ? "negative" : tone > 0.05 ? "positive" : "neutral",
        });
      }
    }
    csv = join(dir, "awkward.csv");
    writeFileSync(
      csv,
      `${[HEAD, ...rows.map((r) => `${r.a},${r.date},${r.outlet},USA,CHN,name,${r.entity},0,${r.tone},${r.label},${r.frames}`)].join("\n")}\n`,
    );
  });

  it("hashed and keyed article counts agree, and both match counts from first principles", async () => {
    const month = (d: string) => {
      const m = /^(\d{4})-(\d{1,2})-\d{1,2}$/.exec(d);
      return m ? `${m[1]}-${m[2]!.padStart(2, "0")}` : null;
    };
    for (const by of [["outlet", "frame", "month"], ["entity", "year"], ["outlet"]]) {
      const h = await summariseMentions(csv, by, { bootstrap: 50, seed: 2 });
      const k = await summariseMentions(csv, by, { bootstrap: 50, seed: 2, articleGroups: "keys" });
      expect(h).toEqual(k);
      const ref = new Map<string, { n: number; arts: Set<string>; tone: number }>();
      for (const r of rows) {
        const frames = r.frames === "" ? ["none"] : r.frames.split(";");
        for (const f of by.includes("frame") ? frames : [""]) {
          const m = month(r.date);
          const key = by
            .map((b) =>
              b === "frame"
                ? f
                : b === "month"
                  ? m
                  : b === "year"
                    ? (m?.slice(0, 4) ?? null)
                    : b === "entity"
                      ? r.entity || null
                      : r.outlet,
            )
            .join("|");
          const g = ref.get(key) ?? { n: 0, arts: new Set<string>(), tone: 0 };
          g.n++;
          g.arts.add(r.a);
          g.tone += r.tone;
          ref.set(key, g);
        }
      }
      expect(h.rows.length).toBe(ref.size);
      for (const row of h.rows) {
        const g = ref.get(
          row
            .slice(0, by.length)
            .map((v) => (v == null ? null : String(v)))
            .join("|"),
        );
        expect(g, `group ${row.slice(0, by.length).join("|")}`).toBeDefined();
        expect(row[by.length]).toBe(g!.n);
        expect(row[by.length + 1]).toBe(g!.arts.size);
        expectClose(Number(row[by.length + 2]), g!.tone / g!.n, { rtol: 1e-12, atol: 1e-15 });
      }
    }
  });
  it("sums tone exactly: the mean is the DECIMAL(38, 18) sum's double over n, to the last digit", async () => {
    const t = await summariseMentions(csv, ["outlet", "month"], { bootstrap: 20, seed: 2 });
    const ref = await duckQuery([
      `SELECT outlet, strftime(TRY_CAST(date AS DATE), '%Y-%m') AS month, count(*) AS n,
         CAST(sum(CAST(tone AS DECIMAL(38, 18))) AS DOUBLE) AS t
       FROM read_csv(${sqlString(csv)}, header = true, types = {'tone': 'DOUBLE', 'date': 'VARCHAR', 'article_id': 'VARCHAR'})
       GROUP BY ALL ORDER BY outlet, month`,
    ]);
    expect(t.rows.map((r) => [r[0], r[1], r[2], r[4]])).toEqual(
      ref.map((r) => [r.outlet, r.month, Number(r.n), Number(r.t) / Number(r.n)]),
    );
  });
  it("relies on DuckDB casting a double to DECIMAL(18, 18) and DECIMAL(38, 18) as the same integer", async () => {
    // summariseMentions sums |tone| < 1 as DECIMAL(18, 18) (64-bit) and the rest as
    // DECIMAL(38, 18); the total equals Σ CAST(tone AS DECIMAL(38, 18)) only if both casts give
    // round(tone · 10^18). A DuckDB upgrade that changed one cast would fail here.
    const r = await duckQuery([
      `SELECT count(*) AS n, count_if(CAST(CAST(v AS DECIMAL(18, 18)) AS DECIMAL(38, 18)) <> CAST(v AS DECIMAL(38, 18))) AS bad
       FROM (SELECT random() * 2 - 1 AS v FROM range(200000)
         UNION ALL SELECT (random() * 2 - 1) * pow(10, -CAST(floor(random() * 20) AS INTEGER)) FROM range(200000)
         UNION ALL SELECT nextafter(1.0::DOUBLE, 0.0::DOUBLE) UNION ALL SELECT nextafter(-1.0::DOUBLE, 0.0::DOUBLE)
         UNION ALL SELECT 5e-19 UNION ALL SELECT -5e-19 UNION ALL SELECT 1.5e-18 UNION ALL SELECT 2.5e-18)
       WHERE abs(v) < 1`,
    ]);
    expect(Number(r[0]!.n)).toBeGreaterThan(400000);
    expect(Number(r[0]!.bad)).toBe(0);
  });
});
