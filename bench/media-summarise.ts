/**
 * `media summarise` at scale (issue 14): outlet_country × target × month with 500 article-bootstrap
 * replicates over a folder of Parquet parts, run as the CLI does it (a child process, peak RSS by
 * getrusage via bench/peak-rss.mjs). The table is synthetic, made by DuckDB itself in /tmp from a
 * seed: articles of 1–7 mentions (4 on average), 10 outlet countries, 8 targets, 12 months
 * (960 groups), 16 parts. Sizes in millions of mentions from SOFTPOWER_BENCH_SUMMARISE_M
 * (default "10,30"; the issue's size: "10,30,100"). Target: 100M in ≤ 60 s and ≤ 4 GiB peak on the
 * 2-core machine. Runs alone with `node --import tsx bench/media-summarise.ts`.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { duckQuery, sqlString } from "../src/io/duck.ts";
import { runCli } from "./timing.ts";

const PARTS = 16;

/**
 * Writes `mentions` synthetic mention rows as PARTS Parquet parts in `dir`, from seed 1: article
 * a has 1 + (hash(a) % 7) mentions, so about mentions / 4 articles.
 */
export async function writeSyntheticMentions(dir: string, mentions: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const perPart = Math.ceil(mentions / 4 / PARTS); // articles per part (4 mentions on average)
  const stmts: string[] = [];
  for (let p = 0; p < PARTS; p++) {
    const a0 = p * perPart;
    stmts.push(`COPY (
      WITH art AS (SELECT a, hash(a, 1) AS h FROM range(${a0}, ${a0 + perPart}) t(a)),
      m AS (SELECT a, h, unnest(range(1 + CAST(h % 7 AS BIGINT))) AS s FROM art),
      x AS (SELECT a, h, s, hash(a, s, 1) AS g FROM m)
      SELECT 'p${p}-' || a AS article_id,
        '2024-' || lpad(CAST(1 + (h >> 8) % 12 AS VARCHAR), 2, '0') || '-' || lpad(CAST(1 + (h >> 16) % 28 AS VARCHAR), 2, '0') AS date,
        'outlet' || CAST((h >> 24) % 50 AS VARCHAR) AS outlet,
        ['USA','CHN','GBR','DEU','FRA','JPN','IND','BRA','RUS','KOR'][1 + CAST((h >> 32) % 10 AS BIGINT)] AS outlet_country,
        ['CHN','USA','JPN','DEU','GBR','FRA','IND','RUS'][1 + CAST(g % 8 AS BIGINT)] AS target,
        'name' AS via, '' AS entity, CAST(s AS INTEGER) AS sentence_index,
        round(CAST((g >> 8) % 20001 AS DOUBLE) / 10000 - 1, 4) AS tone,
        CASE WHEN (g >> 8) % 20001 <= 9500 THEN 'negative' WHEN (g >> 8) % 20001 >= 10500 THEN 'positive' ELSE 'neutral' END AS label,
        '' AS frames
      FROM x) TO ${sqlString(join(dir, `part-${String(p).padStart(3, "0")}.parquet`))} (FORMAT parquet)`);
  }
  await duckQuery(stmts);
}

export async function summariseBench(): Promise<void> {
  const sizes = (process.env.SOFTPOWER_BENCH_SUMMARISE_M ?? "10,30")
    .split(",")
    .map(Number)
    .filter((n) => n > 0);
  console.log(
    "\nmedia summarise over Parquet parts: outlet_country × target × month, --bootstrap 500 (synthetic; SOFTPOWER_BENCH_SUMMARISE_M)",
  );
  const root = mkdtempSync(join(tmpdir(), "sp-bench-summarise-"));
  try {
    let prev: { m: number; wall: number } | null = null;
    for (const m of sizes) {
      const dir = join(root, `m${m}`);
      const g0 = performance.now();
      await writeSyntheticMentions(dir, m * 1e6);
      const gen = (performance.now() - g0) / 1000;
      const rows = await duckQuery([
        `SELECT count(*) AS n, count(DISTINCT article_id) AS a FROM read_parquet(${sqlString(join(dir, "*.parquet"))})`,
      ]);
      const r = runCli([
        "media",
        "summarise",
        "--mentions",
        dir,
        "--by",
        "outlet_country,target,month",
        "--bootstrap",
        "500",
        "--out",
        join(root, "s.csv"),
      ]);
      const wall = r.wallS;
      const peak = r.rssMiB / 1024;
      const cpu = r.cpuS;
      const grow = prev
        ? `, ×${(wall / prev.wall).toFixed(2)} time for ×${(m / prev.m).toFixed(1)} rows`
        : "";
      console.log(
        `  ${m}M mentions (${(Number(rows[0]!.a) / 1e6).toFixed(1)}M articles; made in ${gen.toFixed(1)} s): ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU, peak RSS ${peak.toFixed(2)} GiB${grow}`,
      );
      prev = { m, wall };
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await summariseBench();
